"""The per-process permission cache: saves queries, yet a change of role counts at once here."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import clear_permission_cache
from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from tests.factories import UserFactory

PERM = "complaints.add_complaint"


def _fresh(user: User) -> User:
    """The user as the next request loads it (no permissions cached on the object)."""
    return User.objects.get(pk=user.pk)


@pytest.fixture(autouse=True)
def _cold() -> None:
    clear_permission_cache()


def _queries(user: User) -> tuple[bool, int]:
    with CaptureQueriesContext(connection) as queries:
        allowed = user.has_perm(PERM)
    return allowed, len(queries.captured_queries)


def test_the_second_request_asks_the_database_nothing(agent):
    assert _queries(_fresh(agent)) == (True, 2)
    assert _queries(_fresh(agent)) == (True, 0)


def test_losing_a_role_counts_at_once(agent):
    assert _fresh(agent).has_perm(PERM)
    agent.groups.remove(Group.objects.get(name=GROUP_NAMES[Role.AGENT]))
    assert not _fresh(agent).has_perm(PERM)


def test_a_changed_role_permission_counts_at_once(agent):
    assert _fresh(agent).has_perm(PERM)
    group = Group.objects.get(name=GROUP_NAMES[Role.AGENT])
    group.permissions.remove(*group.permissions.filter(codename="add_complaint"))
    assert not _fresh(agent).has_perm(PERM)


def test_a_new_user_never_inherits_a_cached_set(db):
    user = UserFactory(username="eerst", role=Role.AGENT)
    assert _fresh(user).has_perm(PERM)
    user.delete()
    # On SQLite the new user may get the deleted one's id; either way it has no role.
    again = UserFactory(username="later", role=None)
    assert not _fresh(again).has_perm(PERM)


def test_deactivation_counts_at_once(agent):
    assert _fresh(agent).has_perm(PERM)
    User.objects.filter(pk=agent.pk).update(is_active=False)  # no signal: the row decides
    assert not _fresh(agent).has_perm(PERM)


def test_entries_expire(agent, settings):
    settings.PERMISSION_CACHE_SECONDS = 0.2
    assert _queries(_fresh(agent)) == (True, 2)
    time.sleep(0.3)
    assert _queries(_fresh(agent)) == (True, 2)


def test_zero_seconds_turns_the_cache_off(agent, settings):
    settings.PERMISSION_CACHE_SECONDS = 0
    assert _queries(_fresh(agent)) == (True, 2)
    assert _queries(_fresh(agent)) == (True, 2)
