"""One small constructor per audit event type; the only writers of ComplaintEvent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.models import User
from complaints.models import (
    CallbackPromise,
    Complaint,
    ComplaintEvent,
    CoulanceLetter,
    CoulanceRequest,
    EventType,
    FollowUp,
)


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
    event = ComplaintEvent(
        complaint=complaint,
        type=type,
        actor=actor,
        from_stage=from_stage,
        to_stage=to_stage,
        payload=payload or {},
        created_at=at,
    )
    ComplaintEvent.objects.bulk_create([event])  # as every row of the log: no save(), no signal
    return event


def complaint_received_event(
    *, complaint: Complaint, actor: User | None, at: datetime, imported_from: str = ""
) -> ComplaintEvent:
    """The complaint's first event; ``imported_from`` names the source of an imported one
    (its stage may then be closed at once)."""
    payload: dict[str, Any] = {
        "reference": complaint.reference,
        "channel": complaint.channel,
        "owner_id": complaint.owner_id,
        "priority": complaint.priority,
    }
    if imported_from:
        payload |= {"imported_from": imported_from, "received_at": complaint.received_at}
    return _event(
        complaint=complaint,
        type=EventType.RECEIVED,
        actor=actor,
        at=at,
        to_stage=complaint.stage,
        payload=payload,
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
    *, complaint: Complaint, actor: User | None, at: datetime, interaction_id: int, kind: str
) -> ComplaintEvent:
    return _event(
        complaint=complaint,
        type=EventType.INTERACTION_ADDED,
        actor=actor,
        at=at,
        payload={"interaction_id": interaction_id, "kind": kind},
    )


def attachments_added_event(
    *,
    complaint: Complaint,
    actor: User | None,
    at: datetime,
    source: str,
    stored: list[dict[str, Any]],
    refused: list[dict[str, Any]],
) -> ComplaintEvent:
    """Files added to the complaint (``stored``: id, name, size, type) and those refused
    (name, size, reason), from ``source`` (page, API, email, form, status page)."""
    return _event(
        complaint=complaint,
        type=EventType.ATTACHMENTS_ADDED,
        actor=actor,
        at=at,
        payload={"source": source, "stored": stored, "refused": refused},
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


def customer_changed_events(
    *,
    complaint_ids: list[int],
    actor: User,
    at: datetime,
    changes: dict[str, list[Any]],
    reason: str,
) -> list[ComplaintEvent]:
    """The customer's details changed: the same event on each of their complaints, with the old
    and new value of each field changed (``{"email": [old, new]}``) and the reason given."""
    rows = [
        ComplaintEvent(
            complaint_id=complaint_id,
            type=EventType.CUSTOMER_CHANGED,
            actor=actor,
            payload={"changes": changes, "reason": reason},
            created_at=at,
        )
        for complaint_id in complaint_ids
    ]
    ComplaintEvent.objects.bulk_create(rows)  # as every row of the log: no save(), no signal
    return rows


# --- Coulance ----------------------------------------------------------------------------------


def _coulance_payload(request: CoulanceRequest) -> dict[str, Any]:
    return {
        "coulance_request_id": request.pk,
        "kind": request.kind,
        "amount": str(request.amount),
        "currency": request.currency,
    }


def _waiting(request: CoulanceRequest) -> dict[str, Any]:
    """Whom the request waits for now, or why nobody can decide yet."""
    return {
        "waiting_for_id": request.waiting_for_id,
        "waiting_for": str(request.waiting_for) if request.waiting_for else "",
        "pending_reason": request.pending_reason,
    }


def coulance_requested_event(
    *, request: CoulanceRequest, actor: User, at: datetime
) -> ComplaintEvent:
    return _event(
        complaint=request.complaint,
        type=EventType.COULANCE_REQUESTED,
        actor=actor,
        at=at,
        payload={
            **_coulance_payload(request),
            **_waiting(request),
        },
    )


def coulance_escalated_event(
    *,
    request: CoulanceRequest,
    actor: User | None,
    at: datetime,
    passed: list[dict[str, Any]],
) -> ComplaintEvent:
    """The request went past the managers in ``passed`` (each with why) to ``waiting_for``."""
    return _event(
        complaint=request.complaint,
        type=EventType.COULANCE_ESCALATED,
        actor=actor,
        at=at,
        payload={
            **_coulance_payload(request),
            "passed": passed,
            **_waiting(request),
        },
    )


def coulance_rerouted_event(
    *,
    request: CoulanceRequest,
    actor: User | None,
    at: datetime,
    before: User | None,
    passed: list[dict[str, Any]],
    cause: str,
) -> ComplaintEvent:
    """A pending request now waits for someone else (``before`` → ``waiting_for``), because
    the chain or a limit changed (``cause``: "transfer" or "approvers")."""
    return _event(
        complaint=request.complaint,
        type=EventType.COULANCE_REROUTED,
        actor=actor,
        at=at,
        payload={
            **_coulance_payload(request),
            "cause": cause,
            "from_user_id": before.pk if before else None,
            "from_user": str(before) if before else "",
            "passed": passed,
            **_waiting(request),
        },
    )


def coulance_approved_event(
    *, request: CoulanceRequest, actor: User, at: datetime
) -> ComplaintEvent:
    return _event(
        complaint=request.complaint,
        type=EventType.COULANCE_APPROVED,
        actor=actor,
        at=at,
        payload={**_coulance_payload(request), "comment": request.decision_comment},
    )


def coulance_rejected_event(
    *, request: CoulanceRequest, actor: User, at: datetime
) -> ComplaintEvent:
    return _event(
        complaint=request.complaint,
        type=EventType.COULANCE_REJECTED,
        actor=actor,
        at=at,
        payload={**_coulance_payload(request), "comment": request.decision_comment},
    )


def _letter_event(
    *,
    letter: CoulanceLetter,
    type: EventType,
    actor: User | None,
    at: datetime,
    **extra: Any,
) -> ComplaintEvent:
    return _event(
        complaint=letter.request.complaint,
        type=type,
        actor=actor,
        at=at,
        payload={
            "coulance_request_id": letter.request_id,
            "letter_id": letter.pk,
            "version": letter.version,
            **extra,
        },
    )


def coulance_letter_drafted_event(
    *, letter: CoulanceLetter, actor: User, at: datetime
) -> ComplaintEvent:
    return _letter_event(
        letter=letter,
        type=EventType.COULANCE_LETTER_DRAFTED,
        actor=actor,
        at=at,
        language=letter.language,
    )


def coulance_letter_edited_event(
    *, letter: CoulanceLetter, actor: User, at: datetime, fields: list[str]
) -> ComplaintEvent:
    return _letter_event(
        letter=letter, type=EventType.COULANCE_LETTER_EDITED, actor=actor, at=at, fields=fields
    )


def coulance_letter_frozen_event(
    *, letter: CoulanceLetter, actor: User, at: datetime
) -> ComplaintEvent:
    return _letter_event(
        letter=letter,
        type=EventType.COULANCE_LETTER_FROZEN,
        actor=actor,
        at=at,
        content_hash=letter.content_hash,
        recipient=letter.recipient,
    )


def coulance_letter_sent_event(*, letter: CoulanceLetter, at: datetime) -> ComplaintEvent:
    return _letter_event(
        letter=letter,
        type=EventType.COULANCE_LETTER_SENT,
        actor=None,
        at=at,
        recipient=letter.recipient,
        attempts=letter.send_attempts,
    )


def coulance_letter_failed_event(
    *, letter: CoulanceLetter, at: datetime, error: str
) -> ComplaintEvent:
    return _letter_event(
        letter=letter,
        type=EventType.COULANCE_LETTER_FAILED,
        actor=None,
        at=at,
        error=error,
        attempts=letter.send_attempts,
    )


def coulance_letter_retried_event(
    *, letter: CoulanceLetter, at: datetime, claimed_at: datetime | None
) -> ComplaintEvent:
    return _letter_event(
        letter=letter,
        type=EventType.COULANCE_LETTER_RETRIED,
        actor=None,
        at=at,
        claimed_at=claimed_at.isoformat() if claimed_at else None,
        attempts=letter.send_attempts,
    )


# --- Promises, follow-ups and deadlines --------------------------------------------------------
# The ``*_build`` constructors return unsaved events: the dispatcher writes a batch at once.


def _build(
    *,
    complaint: Complaint,
    type: EventType,
    actor: User | None,
    at: datetime,
    payload: dict[str, Any],
) -> ComplaintEvent:
    return ComplaintEvent(
        complaint=complaint, type=type, actor=actor, payload=payload, created_at=at
    )


def promise_event_build(
    *,
    complaint: Complaint,
    type: EventType,
    actor: User | None,
    at: datetime,
    promise: CallbackPromise,
    **details: Any,
) -> ComplaintEvent:
    payload = {
        "promise_id": promise.pk,
        "due_at": promise.due_at,
        "channel": promise.channel,
        "purpose": promise.purpose,
        **details,
    }
    return _build(complaint=complaint, type=type, actor=actor, at=at, payload=payload)


def promise_event(**kwargs: Any) -> ComplaintEvent:
    event = promise_event_build(**kwargs)
    event.save()
    return event


def follow_up_event_build(
    *,
    complaint: Complaint,
    type: EventType,
    actor: User | None,
    at: datetime,
    follow_up: FollowUp,
    **details: Any,
) -> ComplaintEvent:
    payload = {"follow_up_id": follow_up.pk, "due_at": follow_up.due_at, **details}
    return _build(complaint=complaint, type=type, actor=actor, at=at, payload=payload)


def follow_up_event(**kwargs: Any) -> ComplaintEvent:
    event = follow_up_event_build(**kwargs)
    event.save()
    return event


def deadline_breached_event_build(
    *, complaint: Complaint, at: datetime, deadline: str, due_at: datetime
) -> ComplaintEvent:
    return _build(
        complaint=complaint,
        type=EventType.DEADLINE_BREACHED,
        actor=None,
        at=at,
        payload={"deadline": deadline, "due_at": due_at},
    )


def personal_data_erased_event(
    *, complaint: Complaint, actor: User, at: datetime, reason: str
) -> ComplaintEvent:
    """The customer's personal data was erased on request (see ``complaints.privacy``)."""
    return _event(
        complaint=complaint,
        type=EventType.PERSONAL_DATA_ERASED,
        actor=actor,
        at=at,
        payload={"reason": reason},
    )
