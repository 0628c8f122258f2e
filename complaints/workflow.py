"""The triad workflow: the only code that changes a complaint's stage (or, for imported
history, gives a new complaint one other than received: ``import_historical``).

Each transition is one function ``(complaint, *, actor, **step_data)``. Inside one transaction
it locks the row, checks the permission and the stage, validates the data, writes the step
record, saves the complaint and writes the audit event. Any refusal raises before the first
write, and the transaction undoes everything if a later write fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ErrorCollector, FollowUpAwaited, TransitionNotAllowed
from complaints import events, policies, resolution
from complaints.care import followups, promises
from complaints.choices import Emotion, Priority, Wish
from complaints.models import (
    ApologyStep,
    Complaint,
    Customer,
    EventType,
    PromiseOrigin,
    RootCause,
    SolutionStep,
    UnderstandingStep,
)
from complaints.services import deadlines_for, reference_next
from complaints.states import TRANSITIONS, Stage, Transition

# Tolerance for clocks of the agent's machine and the server when a moment must be "now or past".
_CLOCK_SKEW = timedelta(minutes=5)

_REFUSALS = {
    Stage.RECEIVED: _("This complaint has just been received: show understanding first."),
    Stage.UNDERSTOOD: _("Understanding has been shown; the next step is to apologise."),
    Stage.APOLOGISED: _("The apology has been made; the next step is to solve."),
    Stage.SOLVING: _("A solution is being worked on; the next step is to resolve."),
    Stage.RESOLVED: _("This complaint is already resolved."),
    Stage.CLOSED: _("This complaint is already closed."),
}


def check_allowed(complaint: Complaint, *, actor: User, transition: Transition) -> None:
    """Raise if ``actor`` may not take ``transition`` now (permission first, then stage).

    Used by the API and the web views to answer 403/409 before they look at the data; the
    transition functions check again under the row lock.
    """
    policies.ensure_can_work(actor, complaint)
    sources, _target = TRANSITIONS[transition]
    if complaint.stage not in sources:
        raise TransitionNotAllowed(_REFUSALS[Stage(complaint.stage)])


def _lock(complaint: Complaint, *, actor: User, transition: Transition) -> Complaint:
    # Another request may be moving the same complaint: the row lock makes them take turns,
    # and the stage is checked again on the locked, fresh row.
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    check_allowed(locked, actor=actor, transition=transition)
    return locked


def _move(
    locked: Complaint,
    *,
    actor: User,
    transition: Transition,
    event_type: EventType,
    at: datetime,
    payload: dict[str, Any],
    fields: dict[str, Any] | None = None,
) -> Complaint:
    from_stage = locked.stage
    locked.stage = TRANSITIONS[transition][1]
    for name, value in (fields or {}).items():
        setattr(locked, name, value)
    locked.save(update_fields=["stage", "updated_at", *(fields or {})])
    events.stage_changed_event(
        complaint=locked,
        type=event_type,
        actor=actor,
        at=at,
        from_stage=from_stage,
        payload=payload,
    )
    return locked


def _moment_not_in_future(
    errors: ErrorCollector, field: str, value: datetime, now: datetime
) -> None:
    if timezone.is_naive(value):
        errors.add(field, _("Give the moment with its time zone."))
    elif value > now + _CLOCK_SKEW:
        errors.add(field, _("This moment cannot lie in the future."))


def _given(**texts: str) -> dict[str, str]:
    """The optional texts that were given, stripped (the audit trail records only those)."""
    return {name: text.strip() for name, text in texts.items() if text and text.strip()}


# --- 1. Show understanding ---------------------------------------------------------------------


def understand(
    complaint: Complaint,
    *,
    actor: User,
    emotion: str,
    intensity: int | None,
    acknowledgement: str,
    acknowledgement_for_customer: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Record the emotion sensed and how it was acknowledged (begrip tonen), and, where the
    note is not what a letter should say, the words meant for the customer."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(complaint, actor=actor, transition=Transition.UNDERSTAND)
        errors = ErrorCollector()
        errors.require("emotion", emotion)
        if emotion and emotion not in Emotion.values:
            errors.add("emotion", _("Choose one of the listed emotions."))
        if intensity is None:
            errors.add("intensity", _("This field is required."))
        elif not 1 <= intensity <= 5:
            errors.add("intensity", _("Give the intensity from 1 (mild) to 5 (very strong)."))
        errors.require("acknowledgement", acknowledgement)
        errors.raise_if_any()
        if intensity is None:
            raise ValueError("intensity is missing")
        UnderstandingStep.objects.create(
            complaint=locked,
            emotion=emotion,
            intensity=intensity,
            acknowledgement=acknowledgement.strip(),
            acknowledgement_for_customer=(acknowledgement_for_customer or "").strip(),
            recorded_by=actor,
            recorded_at=now,
        )
        fields: dict[str, Any] = {"acknowledged_at": now}
        if not locked.emotion_at_intake:
            fields |= {"emotion_at_intake": emotion, "emotion_intensity": intensity}
        return _move(
            locked,
            actor=actor,
            transition=Transition.UNDERSTAND,
            event_type=EventType.UNDERSTOOD,
            at=now,
            fields=fields,
            payload={
                "emotion": emotion,
                "intensity": intensity,
                "acknowledgement": acknowledgement.strip(),
            }
            | _given(acknowledgement_for_customer=acknowledgement_for_customer),
        )


# --- 2. Apologise ------------------------------------------------------------------------------


def apologise(
    complaint: Complaint,
    *,
    actor: User,
    apology: str,
    apologised_at: datetime | None = None,
    apology_for_customer: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Record the apology for the inconvenience (sorry zeggen), also when not liable."""
    now = now or timezone.now()
    apologised_at = apologised_at or now
    with transaction.atomic():
        locked = _lock(complaint, actor=actor, transition=Transition.APOLOGISE)
        errors = ErrorCollector()
        errors.require("apology", apology)
        _moment_not_in_future(errors, "apologised_at", apologised_at, now)
        if not errors.errors.get("apologised_at") and apologised_at < locked.received_at:
            errors.add("apologised_at", _("The apology cannot precede the complaint."))
        errors.raise_if_any()
        ApologyStep.objects.create(
            complaint=locked,
            apology=apology.strip(),
            apology_for_customer=(apology_for_customer or "").strip(),
            apologised_at=apologised_at,
            recorded_by=actor,
            recorded_at=now,
        )
        return _move(
            locked,
            actor=actor,
            transition=Transition.APOLOGISE,
            event_type=EventType.APOLOGISED,
            at=now,
            payload={"apology": apology.strip(), "apologised_at": apologised_at}
            | _given(apology_for_customer=apology_for_customer),
        )


# --- 3. Solve ----------------------------------------------------------------------------------


def solve(
    complaint: Complaint,
    *,
    actor: User,
    facts_summary: str,
    next_steps: str,
    promised_at: datetime | None,
    wishes: Iterable[str] = (),
    next_steps_for_customer: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Record the facts, the next steps and the moment promised to the customer (oplossen),
    and, if the agent says so, the real human wishes the solution serves."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(complaint, actor=actor, transition=Transition.SOLVE)
        errors = ErrorCollector()
        errors.require("facts_summary", facts_summary)
        errors.require("next_steps", next_steps)
        if promised_at is None:
            errors.add("promised_at", _("Say when the customer will hear from us."))
        elif timezone.is_naive(promised_at):
            errors.add("promised_at", _("Give the moment with its time zone."))
        elif promised_at <= now:
            errors.add("promised_at", _("The promised moment must lie in the future."))
        given = set(wishes or ())
        for unknown in sorted(str(wish) for wish in given if wish not in Wish.values):
            errors.add("wishes", _("“%(value)s” is not a valid choice.") % {"value": unknown})
        errors.raise_if_any()
        if promised_at is None:
            raise ValueError("promised_at is missing")
        served = [wish for wish in Wish.values if wish in given]  # once each, in their order
        SolutionStep.objects.create(
            complaint=locked,
            facts_summary=facts_summary.strip(),
            next_steps=next_steps.strip(),
            next_steps_for_customer=(next_steps_for_customer or "").strip(),
            promised_at=promised_at,
            wishes=served,
            recorded_by=actor,
            recorded_at=now,
        )
        # The promised moment is a callback promise: reminded, and broken if not kept.
        promises.promise_add(
            locked,
            actor=actor,
            due_at=promised_at,
            purpose=next_steps.strip()[:300],
            origin=PromiseOrigin.SOLVE,
            now=now,
        )
        return _move(
            locked,
            actor=actor,
            transition=Transition.SOLVE,
            event_type=EventType.SOLVED,
            at=now,
            payload={
                "facts_summary": facts_summary.strip(),
                "next_steps": next_steps.strip(),
                "promised_at": promised_at,
                "wishes": served,
            }
            | _given(next_steps_for_customer=next_steps_for_customer),
        )


# --- Resolve, close, reopen --------------------------------------------------------------------


def resolve(
    complaint: Complaint,
    *,
    actor: User,
    outcome: str,
    resolution_summary: str,
    root_cause: RootCause | None,
    emotion_at_resolution: str,
    liability: str,
    customer_contribution: str = "",
    request_domain: str = "",
    balance: str = "",
    alternatives_offered: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Resolve with an outcome and a root cause. A (partial) no needs the request's domain,
    the balance and the alternatives offered: say no with an alternative."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(complaint, actor=actor, transition=Transition.RESOLVE)
        resolution.check_resolution(
            locked,
            outcome=outcome,
            resolution_summary=resolution_summary,
            root_cause=root_cause,
            emotion_at_resolution=emotion_at_resolution,
            liability=liability,
            request_domain=request_domain,
            balance=balance,
            alternatives_offered=alternatives_offered,
        )
        if root_cause is None:
            raise ValueError("root_cause is missing")
        fields = {
            "outcome": outcome,
            "resolution_summary": resolution_summary.strip(),
            "root_cause": root_cause,
            "emotion_at_resolution": emotion_at_resolution,
            "liability": liability,
            "customer_contribution": (customer_contribution or "").strip(),
            "request_domain": request_domain or "",
            "balance": balance or "",
            "alternatives_offered": (alternatives_offered or "").strip(),
            "resolved_at": now,
        }
        payload = {k: v for k, v in fields.items() if k not in {"root_cause", "resolved_at"}}
        payload["root_cause"] = root_cause.code
        followups.follow_up_schedule(locked, now=now)  # nazorg: a month later, by the owner
        return _move(
            locked,
            actor=actor,
            transition=Transition.RESOLVE,
            event_type=EventType.RESOLVED,
            at=now,
            fields=fields,
            payload=payload,
        )


def close(
    complaint: Complaint,
    *,
    actor: User,
    note: str = "",
    waive_reason: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Close a resolved complaint once its follow-up is completed or waived (nazorg first).

    While the follow-up is still scheduled the close is refused (409) with the day it is due;
    ``waive_reason`` waives it in the same transaction, which before the due day only a
    manager may do (403 otherwise): closing early is a manager's decision, with a reason.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(complaint, actor=actor, transition=Transition.CLOSE)
        awaited = followups.follow_up_awaited_locked(locked)
        if awaited is not None:
            if not (waive_reason or "").strip():
                raise FollowUpAwaited(followups.closing_waits(awaited))
            followups.waive_locked(awaited, actor=actor, reason=waive_reason, now=now)
        return _move(
            locked,
            actor=actor,
            transition=Transition.CLOSE,
            event_type=EventType.CLOSED,
            at=now,
            fields={"closed_at": now},
            payload={
                "note": (note or "").strip(),
                "follow_up_waived": awaited is not None,
            },
        )


def reopen(
    complaint: Complaint, *, actor: User, reason: str, now: datetime | None = None
) -> Complaint:
    """Take a resolved or closed complaint back to solving, with the reason why."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(complaint, actor=actor, transition=Transition.REOPEN)
        errors = ErrorCollector()
        errors.require("reason", reason)
        errors.raise_if_any()
        followups.follow_up_cancel_open(locked, now=now)  # resolving again schedules a new one
        return _move(
            locked,
            actor=actor,
            transition=Transition.REOPEN,
            event_type=EventType.REOPENED,
            at=now,
            fields={"resolved_at": None, "closed_at": None},
            payload={
                "reason": reason.strip(),
                "previous_outcome": locked.outcome,
                "previous_resolved_at": locked.resolved_at,
            },
        )


# --- History from another system ---------------------------------------------------------------


def import_historical(
    *,
    customer: Customer,
    owner: User,
    actor: User | None,
    source: str,
    received_at: datetime,
    acknowledged_at: datetime | None,
    resolved_at: datetime | None,
    closed: bool,
    closed_in_source: bool = False,
    details: dict[str, Any],
    now: datetime,
) -> Complaint:
    """Create one complaint from another system's history, with the moments it gives: closed
    (resolved at ``resolved_at``, or ``closed_in_source`` without that moment) or open
    (received, its deadlines running from ``received_at``); writes the received event.

    The only other way a complaint gets a stage than the transitions: the triad's steps were
    taken, if at all, in the source, so none is recorded here. The importer has checked the
    rows and the actor's permission (once per run); an inconsistent call is a ValueError.
    ``details`` are the complaint's other fields (channel, subject, facts, outcome, …). One
    row, no own savepoint: the importer's savepoint per row holds it (at thousands of rows,
    a second one per row costs two more round trips each).
    """
    if closed_in_source and not closed:
        raise ValueError("closed in its source is closed here too")
    if not closed and (resolved_at is not None or details.get("outcome")):
        raise ValueError("an open complaint has no resolution")
    if closed and not closed_in_source and resolved_at is None:
        raise ValueError("a closed complaint needs its resolution moment")
    if acknowledged_at is not None and acknowledged_at < received_at:
        raise ValueError("acknowledged before it was received")
    if {"stage", "closed_at"} & set(details):
        raise ValueError("the stage and its moments are the workflow's")
    acknowledge_due_at, resolve_due_at = deadlines_for(
        priority=Priority.NORMAL, received_at=received_at
    )
    with transaction.atomic(savepoint=False):  # all or nothing, in the caller's savepoint
        complaint = Complaint.objects.create(
            reference=reference_next(year=received_at.year),
            customer=customer,
            owner=owner,
            priority=Priority.NORMAL,
            received_at=received_at,
            acknowledge_due_at=acknowledge_due_at,
            resolve_due_at=resolve_due_at,
            acknowledged_at=acknowledged_at,
            stage=Stage.CLOSED if closed else Stage.RECEIVED,
            closed_in_source=closed_in_source,
            resolved_at=resolved_at if closed else None,
            closed_at=resolved_at if closed else None,
            **details,
        )
        events.complaint_received_event(
            complaint=complaint, actor=actor, at=now, imported_from=source
        )
    return complaint


TRANSITION_FUNCTIONS: dict[Transition, Callable[..., Complaint]] = {
    Transition.UNDERSTAND: understand,
    Transition.APOLOGISE: apologise,
    Transition.SOLVE: solve,
    Transition.RESOLVE: resolve,
    Transition.CLOSE: close,
    Transition.REOPEN: reopen,
}


def run(
    transition: Transition, complaint: Complaint, *, actor: User, **step_data: Any
) -> Complaint:
    """Take ``transition`` on ``complaint``; the single entry point for views and commands."""
    return TRANSITION_FUNCTIONS[transition](complaint, actor=actor, **step_data)
