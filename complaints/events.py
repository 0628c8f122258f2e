"""One small constructor per audit event type; the only writers of ComplaintEvent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.models import User
from complaints.models import Complaint, ComplaintEvent, EventType


def _event(
    *,
    complaint: Complaint,
    type: EventType,
    actor: User | None,
    at: datetime,
    from_stage: str = "",
    to_stage: str = "",
    payload: dict[str, Any] | None = None,
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        type=type,
        actor=actor,
        from_stage=from_stage,
        to_stage=to_stage,
        payload=payload or {},
        created_at=at,
    )


def complaint_received_event(
    *, complaint: Complaint, actor: User | None, at: datetime
) -> ComplaintEvent:
    return _event(
        complaint=complaint,
        type=EventType.RECEIVED,
        actor=actor,
        at=at,
        to_stage=complaint.stage,
        payload={
            "reference": complaint.reference,
            "channel": complaint.channel,
            "owner_id": complaint.owner_id,
            "priority": complaint.priority,
        },
    )


def stage_changed_event(
    *,
    complaint: Complaint,
    type: EventType,
    actor: User,
    at: datetime,
    from_stage: str,
    payload: dict[str, Any],
) -> ComplaintEvent:
    return _event(
        complaint=complaint,
        type=type,
        actor=actor,
        at=at,
        from_stage=from_stage,
        to_stage=complaint.stage,
        payload=payload,
    )


def ownership_transferred_event(
    *, complaint: Complaint, actor: User, at: datetime, from_user: User, to_user: User, reason: str
) -> ComplaintEvent:
    return _event(
        complaint=complaint,
        type=EventType.OWNER_CHANGED,
        actor=actor,
        at=at,
        payload={
            "from_user_id": from_user.pk,
            "from_user": str(from_user),
            "to_user_id": to_user.pk,
            "to_user": str(to_user),
            "reason": reason,
        },
    )


def interaction_added_event(
    *, complaint: Complaint, actor: User, at: datetime, interaction_id: int, kind: str
) -> ComplaintEvent:
    return _event(
        complaint=complaint,
        type=EventType.INTERACTION_ADDED,
        actor=actor,
        at=at,
        payload={"interaction_id": interaction_id, "kind": kind},
    )


def details_changed_event(
    *, complaint: Complaint, actor: User, at: datetime, changes: dict[str, list[Any]]
) -> ComplaintEvent:
    return _event(
        complaint=complaint,
        type=EventType.DETAILS_CHANGED,
        actor=actor,
        at=at,
        payload={"changes": changes},
    )
