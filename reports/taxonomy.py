"""Managing the root-cause taxonomy (Quality): a two-level tree of groups and causes.

A node is retired rather than deleted once anything uses it: retired causes stay on the
complaints and reports that name them but are no longer offered for new resolutions
(``complaints.selectors.root_cause_choices`` filters on ``active``, also of the group). Only a
node nothing refers to may be deleted (e.g. one made by mistake). Refusals: 403, 409, 400.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ActionForbidden, ErrorCollector, TransitionNotAllowed
from complaints.models import RootCause

EDITABLE = {"name_nl", "name_en", "description"}


def check_may_manage(actor: User) -> None:
    if not (actor.is_active and actor.has_perm("complaints.change_rootcause")):
        raise ActionForbidden(_("Only Quality and administrators manage the root causes."))


def taxonomy_tree() -> list[tuple[RootCause, list[RootCause]]]:
    """Every group with its causes, each with ``complaint_count`` (retired ones included)."""
    nodes = list(RootCause.objects.annotate(complaint_count=Count("complaints")).order_by("code"))
    groups = [n for n in nodes if n.parent_id is None]
    return [(g, [n for n in nodes if n.parent_id == g.pk]) for g in groups]


def groups() -> QuerySet[RootCause]:
    return RootCause.objects.filter(parent__isnull=True).order_by("code")


def _lock(node: RootCause) -> RootCause:
    return RootCause.objects.select_for_update().get(pk=node.pk)


def root_cause_create(
    *,
    actor: User,
    name_nl: str,
    name_en: str,
    parent: RootCause | None = None,
    code: str = "",
    description: str = "",
) -> RootCause:
    """A new group (no ``parent``) or a cause within a group; the code follows from the
    English name when not given (a cause's starts with its group's code)."""
    check_may_manage(actor)
    errors = ErrorCollector()
    errors.require("name_nl", name_nl)
    errors.require("name_en", name_en)
    if parent is not None and parent.parent_id is not None:
        errors.add("parent", _("Causes belong to a group; a cause cannot hold causes itself."))
    elif parent is not None and not parent.active:
        errors.add("parent", _("This group is retired; reactivate it first."))
    code = slugify(code.strip() or name_en or "")[:60]
    if parent is not None and not code.startswith(f"{parent.code}-") and not errors.errors:
        code = f"{parent.code}-{code}"[:60]
    if not code:
        errors.add("code", _("This field is required."))
    elif RootCause.objects.filter(code=code).exists():
        errors.add(
            "code", _("There is already a root cause with the code “%(code)s”.") % {"code": code}
        )
    errors.raise_if_any()
    return RootCause.objects.create(
        code=code,
        parent=parent,
        name_nl=name_nl.strip(),
        name_en=name_en.strip(),
        description=(description or "").strip(),
    )


def root_cause_update(*, root_cause: RootCause, actor: User, **fields: Any) -> RootCause:
    """Change the names or the description (the code is kept: reports and imports use it)."""
    check_may_manage(actor)
    errors = ErrorCollector()
    for field in sorted(set(fields) - EDITABLE):
        errors.add(field, _("This field cannot be changed."))
    for field in ("name_nl", "name_en"):
        if field in fields:
            errors.require(field, fields[field])
    errors.raise_if_any()
    with transaction.atomic():
        locked = _lock(root_cause)
        for field, value in fields.items():
            setattr(locked, field, (value or "").strip())
        if fields:
            locked.save(update_fields=list(fields))
    return locked


def root_cause_set_active(*, root_cause: RootCause, actor: User, active: bool) -> RootCause:
    """Retire (``active=False``) or reactivate a group or cause."""
    check_may_manage(actor)
    with transaction.atomic():
        locked = _lock(root_cause)
        if locked.active == active:
            raise TransitionNotAllowed(
                _("This root cause is already active.")
                if active
                else _("This root cause is already retired.")
            )
        if active and locked.parent is not None and not locked.parent.active:
            raise TransitionNotAllowed(_("Its group is retired; reactivate the group first."))
        locked.active = active
        locked.save(update_fields=["active"])
    return locked


def in_use(node: RootCause) -> bool:
    return node.complaints.exists() or node.children.exists() or node.corrective_actions.exists()


def root_cause_delete(*, root_cause: RootCause, actor: User) -> None:
    """Delete a node nothing refers to; one in use can only be retired (409)."""
    check_may_manage(actor)
    with transaction.atomic():
        locked = _lock(root_cause)
        if in_use(locked):
            raise TransitionNotAllowed(
                _("This root cause is in use; retire it instead, so history keeps it.")
            )
        locked.delete()
