"""Authentication backend that keeps each user's permission set in process memory for a while.

Django's ModelBackend asks the database for a user's permissions (two queries) on every request,
because its cache lives on the user object, which each request loads afresh. Roles change
rarely, so this backend keeps the set per user id for ``PERMISSION_CACHE_SECONDS`` (default 30).
In the process that makes a change (admin, data migration, tests) the cache is emptied at once
by the signals below; other worker processes see a changed role within that many seconds.
Deactivating a user takes effect at once everywhere: ``is_active`` is read from the user row,
which every request loads.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

_lock = threading.Lock()
_cache: dict[int, tuple[float, set[str]]] = {}


def clear_permission_cache(**_: Any) -> None:
    with _lock:
        _cache.clear()


def _lifetime() -> float:
    return float(getattr(settings, "PERMISSION_CACHE_SECONDS", 30))


class CachedPermissionBackend(ModelBackend):
    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return super().get_all_permissions(user_obj, obj)
        lifetime = _lifetime()
        if lifetime <= 0:
            return super().get_all_permissions(user_obj, obj)
        cached_on_object = getattr(user_obj, "_perm_cache", None)
        if cached_on_object is not None:
            return set(cached_on_object)
        now = time.monotonic()
        with _lock:
            entry = _cache.get(user_obj.pk)
        if entry is not None and entry[0] > now:
            permissions = entry[1]
        else:
            permissions = set(super().get_all_permissions(user_obj, obj))
            with _lock:
                _cache[user_obj.pk] = (now + lifetime, permissions)
        user_obj._perm_cache = permissions
        return set(permissions)


def connect_signals() -> None:
    """Empty the cache on any change to who has which permission (called from AppConfig.ready)."""
    from accounts.models import User

    for through in (
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(clear_permission_cache, sender=through, dispatch_uid=f"perm-{through}")
    for model in (User, Group, Permission):
        # A new user may reuse the id of one deleted or rolled back (SQLite), and is_superuser
        # is on the user row.
        post_save.connect(clear_permission_cache, sender=model, dispatch_uid=f"perm-save-{model}")
        post_delete.connect(clear_permission_cache, sender=model, dispatch_uid=f"perm-del-{model}")
