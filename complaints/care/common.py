"""What changing a callback promise and changing a follow-up share.

Both are a contact the owner owes the customer at a due moment: open while ``scheduled``,
changed only by whoever works the complaint, ended once with a moment, (unless the system or
the customer ended it) by whom and with an event in the complaint's history. The dispatcher
ends them too, so every change locks the row and checks the state again on the fresh row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.utils.functional import Promise

from accounts.models import User
from common.errors import ErrorCollector, TransitionNotAllowed
from complaints import events, locks, policies
from complaints.models import (
    CallbackPromise,
    ComplaintEvent,
    EventType,
    FollowUp,
    FollowUpState,
    PromiseState,
)
from complaints.models.care import SCHEDULED

DueContact = TypeVar("DueContact", CallbackPromise, FollowUp)


def check_may_change(
    item: CallbackPromise | FollowUp, actor: User, *, ended: Mapping[Any, str | Promise]
) -> None:
    """403 unless ``actor`` works the complaint; 409, saying how it ended, unless it is open.

    ``ended`` says it for each state but ``scheduled`` (keyed by the model's state choices)."""
    policies.ensure_can_work(actor, item.complaint)
    if item.state != SCHEDULED:
        raise TransitionNotAllowed(ended[item.state])


def lock(
    item: DueContact, actor: User | None, *, check: Callable[[DueContact, User], None]
) -> DueContact:
    """The row locked for a change, checked with ``check`` for ``actor`` (None: the customer)."""
    # The dispatcher may be ending this row right now: the row lock makes the two take turns,
    # and the state is checked again on the fresh row. The complaint comes first (see locks).
    locks.complaints_key_share([item.complaint_id])
    locked = (
        type(item)
        .objects.select_for_update(of=("self",))
        .select_related("complaint__owner__team", "complaint__customer")
        .get(pk=item.pk)
    )
    if actor is not None:
        check(locked, actor)
    return locked


# How each ending is recorded in the complaint's history (event types are never renamed).
_ENDINGS: dict[tuple[type[CallbackPromise | FollowUp], str], EventType] = {
    (CallbackPromise, PromiseState.KEPT): EventType.PROMISE_KEPT,
    (CallbackPromise, PromiseState.UNREACHABLE): EventType.PROMISE_UNREACHABLE,
    (CallbackPromise, PromiseState.CANCELLED): EventType.PROMISE_CANCELLED,
    (FollowUp, FollowUpState.COMPLETED): EventType.FOLLOW_UP_COMPLETED,
    (FollowUp, FollowUpState.WAIVED): EventType.FOLLOW_UP_WAIVED,
}
# The event writer of each kind, and the name it takes the row by.
_RECORDERS: dict[type[CallbackPromise | FollowUp], tuple[Callable[..., ComplaintEvent], str]] = {
    CallbackPromise: (events.promise_event, "promise"),
    FollowUp: (events.follow_up_event, "follow_up"),
}
# Where the reason of an ending for a reason is kept.
_REASONS: dict[tuple[type[CallbackPromise | FollowUp], str], str] = {
    (CallbackPromise, PromiseState.CANCELLED): "cancel_reason",
    (FollowUp, FollowUpState.WAIVED): "waive_reason",
}


def end(
    locked: DueContact,
    *,
    state: str,
    actor: User | None,
    now: datetime,
    ended_at: datetime | None = None,
    details: Mapping[str, Any] | None = None,
    **fields: Any,
) -> DueContact:
    """End a locked row in ``state`` (at ``ended_at``, by default now), writing ``fields`` with
    it (and only those), and record the ending's event with ``details`` in its payload."""
    locked.state = state
    locked.ended_at = ended_at or now
    locked.ended_by = actor
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["state", "ended_at", "ended_by", *fields])
    record, name = _RECORDERS[type(locked)]
    record(
        complaint=locked.complaint,
        type=_ENDINGS[type(locked), state],
        actor=actor,
        at=now,
        **{name: locked},
        **(details or {}),
    )
    return locked


def end_for_reason(
    locked: DueContact,
    *,
    state: str,
    reason: str,
    actor: User,
    now: datetime,
    **details: Any,
) -> DueContact:
    """End a locked row for the reason given in words (400 without one, nothing written)."""
    errors = ErrorCollector()
    errors.require("reason", reason)
    errors.raise_if_any()
    reason = reason.strip()
    written: dict[str, Any] = {_REASONS[type(locked), state]: reason}
    return end(
        locked, state=state, actor=actor, now=now, details={"reason": reason, **details}, **written
    )
