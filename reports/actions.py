"""Corrective actions (verbeteracties): the only writers of ``CorrectiveAction``.

Every write refuses in the project's order: permission (403), then status (409), then data
(400); nothing is written on a refusal. Each change locks the row and lands in the action's
own history (``CorrectiveActionEvent``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ActionForbidden, ErrorCollector, TransitionNotAllowed
from complaints.models import Complaint, RootCause
from reports import policies
from reports.models import (
    ACTIVE_ACTION_STATUSES,
    ActionEventType,
    ActionStatus,
    CorrectiveAction,
    CorrectiveActionEvent,
)

# Which status each step starts from, and where it leads.
STEPS: dict[str, tuple[list[str], str]] = {
    "start": ([ActionStatus.OPEN], ActionStatus.IN_PROGRESS),
    "complete": ([ActionStatus.IN_PROGRESS], ActionStatus.DONE),
    "drop": ([ActionStatus.OPEN, ActionStatus.IN_PROGRESS], ActionStatus.DROPPED),
}
EDITABLE_FIELDS = {"title", "description", "owner", "due_on"}


def local_today(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now())


def _event(
    action: CorrectiveAction,
    type: ActionEventType,
    actor: User,
    at: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    CorrectiveActionEvent.objects.create(
        action=action, type=type, actor=actor, payload=payload or {}, created_at=at
    )


# --- Refusals that do not depend on the data ---------------------------------------------------


def check_may_raise(actor: User) -> None:
    policies.ensure_may_manage(actor)


def check_may_change(action: CorrectiveAction, actor: User, *, step: str | None = None) -> None:
    """403 unless Quality (or the action's owner, for the status steps); 409 when finished."""
    owner_may = step is not None and action.owner_id == actor.pk and actor.is_active
    if not (policies.may_manage(actor) or owner_may):
        raise ActionForbidden(_("Only Quality or the action's owner may change this action."))
    sources = STEPS[step][0] if step else ACTIVE_ACTION_STATUSES
    if action.status not in sources:
        raise TransitionNotAllowed(
            _("This is not possible while the action is “%(status)s”.")
            % {"status": action.get_status_display()}
        )


# --- Data checks -------------------------------------------------------------------------------


def _check_root_cause(errors: ErrorCollector, root_cause: RootCause | None) -> None:
    if root_cause is None:
        errors.add("root_cause", _("This field is required."))
    elif root_cause.is_group:
        errors.add("root_cause", _("Choose a cause within the group, not the group itself."))


def _check_owner(errors: ErrorCollector, owner: User | None) -> None:
    if owner is None:
        errors.add("owner", _("This field is required."))
    elif not owner.is_active:
        errors.add("owner", _("This person can no longer own actions."))


def _check_due_on(errors: ErrorCollector, due_on: date | None, *, today: date) -> None:
    if due_on is None:
        errors.add("due_on", _("This field is required."))
    elif due_on < today:
        errors.add("due_on", _("The due date cannot be in the past."))


def _check_complaints(
    errors: ErrorCollector, complaints: list[Complaint], root_cause: RootCause | None
) -> None:
    wrong = [c.reference for c in complaints if root_cause and c.root_cause_id != root_cause.pk]
    if wrong:
        errors.add(
            "complaints",
            _("These complaints do not have this root cause: %(references)s.")
            % {"references": ", ".join(sorted(wrong))},
        )


# --- Writes ------------------------------------------------------------------------------------


def action_create(
    *,
    root_cause: RootCause | None,
    title: str,
    owner: User | None,
    due_on: date | None,
    actor: User,
    description: str = "",
    complaints: Iterable[Complaint] = (),
    now: datetime | None = None,
) -> CorrectiveAction:
    """Raise a corrective action on one root cause, optionally with the complaints that showed it."""
    now = now or timezone.now()
    check_may_raise(actor)
    linked = list(complaints)
    errors = ErrorCollector()
    errors.require("title", title)
    _check_root_cause(errors, root_cause)
    _check_owner(errors, owner)
    _check_due_on(errors, due_on, today=local_today(now))
    _check_complaints(errors, linked, root_cause)
    errors.raise_if_any()
    if root_cause is None:
        raise ValueError("root_cause is missing")
    if owner is None:
        raise ValueError("owner is missing")
    if due_on is None:
        raise ValueError("due_on is missing")
    with transaction.atomic():
        action = CorrectiveAction.objects.create(
            root_cause=root_cause,
            title=title.strip()[:200],
            description=(description or "").strip(),
            owner=owner,
            due_on=due_on,
            created_by=actor,
            created_at=now,
        )
        if linked:
            action.complaints.add(*linked)
        _event(
            action,
            ActionEventType.RAISED,
            actor,
            now,
            {
                "root_cause": root_cause.code,
                "owner_id": owner.pk,
                "due_on": due_on.isoformat(),
                "complaints": sorted(c.reference for c in linked),
            },
        )
    return action


def action_update(
    *, action: CorrectiveAction, actor: User, now: datetime | None = None, **fields: Any
) -> CorrectiveAction:
    """Change the title, description, owner or due date of an action still to be done."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        check_may_change(locked, actor)
        errors = ErrorCollector()
        for field in sorted(set(fields) - EDITABLE_FIELDS):
            errors.add(field, _("This field cannot be changed."))
        if "title" in fields:
            errors.require("title", fields["title"])
        if "owner" in fields:
            _check_owner(errors, fields["owner"])
        if "due_on" in fields and fields["due_on"] != locked.due_on:
            _check_due_on(errors, fields["due_on"], today=local_today(now))
        errors.raise_if_any()
        changes: dict[str, list[Any]] = {}
        for field, value in fields.items():
            value = value.strip() if isinstance(value, str) else value
            old = getattr(locked, field)
            if old != value:
                changes[field] = [_plain(old), _plain(value)]
                setattr(locked, field, value)
        if changes:
            locked.save(update_fields=list(changes))
            _event(locked, ActionEventType.CHANGED, actor, now, {"changes": changes})
    return locked


def _plain(value: Any) -> Any:
    if isinstance(value, User):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


def action_link_complaints(
    *,
    action: CorrectiveAction,
    complaints: Iterable[Complaint],
    actor: User,
    now: datetime | None = None,
) -> CorrectiveAction:
    """Link more complaints that showed the action's root cause."""
    now = now or timezone.now()
    linked = list(complaints)
    with transaction.atomic():
        locked = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        check_may_change(locked, actor)
        errors = ErrorCollector()
        if not linked:
            errors.add("complaints", _("Name at least one complaint."))
        _check_complaints(errors, linked, locked.root_cause)
        errors.raise_if_any()
        locked.complaints.add(*linked)
        _event(
            locked,
            ActionEventType.COMPLAINTS_LINKED,
            actor,
            now,
            {"complaints": sorted(c.reference for c in linked)},
        )
    return locked


def action_step(
    *,
    action: CorrectiveAction,
    step: str,
    actor: User,
    reason: str = "",
    result: str = "",
    now: datetime | None = None,
) -> CorrectiveAction:
    """Move an action on: ``start`` (open → in progress), ``complete`` (→ done, with what was
    done) or ``drop`` (→ dropped, with a reason)."""
    now = now or timezone.now()
    if step not in STEPS:
        raise TransitionNotAllowed(_("Unknown step."))
    with transaction.atomic():
        # Two people may press the button at once: the lock makes the second see the new status.
        locked = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        check_may_change(locked, actor, step=step)
        errors = ErrorCollector()
        if step == "drop":
            errors.require("reason", reason)
        errors.raise_if_any()
        locked.status = STEPS[step][1]
        fields = ["status"]
        payload: dict[str, Any] = {}
        if step == "start":
            locked.started_at = now
            fields.append("started_at")
        elif step == "complete":
            locked.done_at = now
            locked.result = (result or "").strip()
            fields += ["done_at", "result"]
            payload["result"] = locked.result
        else:
            locked.dropped_at = now
            locked.drop_reason = reason.strip()
            fields += ["dropped_at", "drop_reason"]
            payload["reason"] = locked.drop_reason
        locked.save(update_fields=fields)
        event_type = {
            "start": ActionEventType.STARTED,
            "complete": ActionEventType.DONE,
            "drop": ActionEventType.DROPPED,
        }[step]
        _event(locked, event_type, actor, now, payload)
    return locked


# --- Reads -------------------------------------------------------------------------------------


def action_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[CorrectiveAction]:
    """The actions ``user`` may see: all for report readers, otherwise only their own."""
    qs = CorrectiveAction.objects.select_related(
        "root_cause", "root_cause__parent", "owner", "created_by"
    ).annotate(complaint_count=Count("complaints", distinct=True))
    if not policies.may_view_reports(user):
        qs = qs.filter(owner=user)
    filters = filters or {}
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if root_cause := filters.get("root_cause"):
        qs = qs.filter(Q(root_cause=root_cause) | Q(root_cause__parent=root_cause))
    if filters.get("overdue"):
        qs = qs.filter(overdue_q(local_today(filters.get("now"))))
    return qs.order_by("due_on", "id")


def overdue_q(today: date) -> Q:
    return Q(status__in=ACTIVE_ACTION_STATUSES, due_on__lt=today)


@dataclass(frozen=True)
class Effect:
    """Complaints with the action's cause in two equal windows around the moment it was done."""

    window_days: int
    before: int
    after: int

    @property
    def change(self) -> float | None:
        """The relative change (−0.5 is half as many); None when there was nothing before."""
        return None if self.before == 0 else round((self.after - self.before) / self.before, 4)


def effect_window(*, done_at: datetime, now: datetime) -> int:
    """Whole days in each window: the setting's length, shortened to the days since done."""
    days = int(getattr(settings, "CORRECTIVE_ACTION_EFFECT_DAYS", 90))
    return max(0, min(days, (now - done_at).days))


def action_effect(*, action: CorrectiveAction, now: datetime | None = None) -> Effect | None:
    """The measured effect of a done action (None while not done or done less than a day ago).

    Counts complaints received with the action's root cause in the ``n`` days before it was
    done against the ``n`` days after, by one conditional aggregation.
    """
    if action.status != ActionStatus.DONE or action.done_at is None:
        return None
    now = now or timezone.now()
    days = effect_window(done_at=action.done_at, now=now)
    if days < 1:
        return None
    window = timedelta(days=days)
    start, pivot, end = action.done_at - window, action.done_at, action.done_at + window
    counts = Complaint.objects.filter(
        root_cause_id=action.root_cause_id, received_at__gte=start, received_at__lt=end
    ).aggregate(
        before=Count("id", filter=Q(received_at__lt=pivot)),
        after=Count("id", filter=Q(received_at__gte=pivot)),
    )
    return Effect(window_days=days, before=counts["before"], after=counts["after"])
