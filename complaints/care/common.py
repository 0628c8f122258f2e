"""What changing a callback promise and changing a follow-up share.

Both are a contact the owner owes the customer at a due moment: open while ``scheduled``,
changed only by whoever works the complaint, ended once with a moment and (unless the system
or the customer ended it) by whom. The dispatcher ends them too, so every change locks the row
and checks the state again on the fresh row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.utils.functional import Promise

from accounts.models import User
from complaints import locks, policies
from complaints.errors import TransitionNotAllowed
from complaints.models import CallbackPromise, FollowUp
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


def end(
    locked: DueContact, *, state: str, actor: User | None, at: datetime, **fields: Any
) -> DueContact:
    """End a locked row in ``state`` at ``at``, writing ``fields`` with it (and only those)."""
    locked.state = state
    locked.ended_at = at
    locked.ended_by = actor
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["state", "ended_at", "ended_by", *fields])
    return locked
