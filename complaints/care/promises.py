"""Callback promises: make, keep, reschedule when the customer was unreachable, cancel.

Each write refuses in the usual order (permission 403, state 409, data 400) before writing
anything, locks the rows it changes (``common.lock``), and writes the record, its audit event
and its due work (``complaints.scheduling.jobs``) in one transaction. Marking a promise broken
is the dispatcher's work (``complaints.scheduling.dispatch``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ErrorCollector, TransitionNotAllowed
from complaints import clock, events, policies
from complaints.care import common
from complaints.choices import CONTACT_BY, Channel
from complaints.models import (
    CallbackPromise,
    Complaint,
    EventType,
    PromiseOrigin,
    PromiseState,
)
from complaints.scheduling import jobs
from complaints.scheduling.outbox import email_build, email_queue
from complaints.states import Stage

# Tolerance for the clocks of the agent's machine and the server.
_CLOCK_SKEW = timedelta(minutes=5)

_NOT_SCHEDULED = {
    PromiseState.KEPT: _("This promise has been kept already."),
    PromiseState.UNREACHABLE: _(
        "The customer was unreachable and this promise was rescheduled; act on the new one."
    ),
    PromiseState.BROKEN: _("This promise was broken: its moment passed without it being kept."),
    PromiseState.CANCELLED: _("This promise was cancelled."),
}


def check_may_promise(complaint: Complaint, actor: User) -> None:
    """403 unless ``actor`` works this complaint; 409 when it is closed."""
    policies.ensure_can_work(actor, complaint)
    if complaint.stage == Stage.CLOSED:
        raise TransitionNotAllowed(_("A closed complaint takes no new promises; reopen it first."))


def check_may_change_promise(promise: CallbackPromise, actor: User) -> None:
    """403 unless ``actor`` works the promise's complaint; 409 unless it is still scheduled."""
    common.check_may_change(promise, actor, ended=_NOT_SCHEDULED)


def _check_due_at(
    errors: ErrorCollector, field: str, due_at: datetime | None, now: datetime
) -> None:
    if due_at is None:
        errors.add(field, _("Say when the customer will hear from us."))
    elif timezone.is_naive(due_at):
        errors.add(field, _("Give the moment with its time zone."))
    elif due_at <= now:
        errors.add(field, _("The promised moment must lie in the future."))


def promise_add(
    locked: Complaint,
    *,
    actor: User,
    due_at: datetime,
    purpose: str,
    channel: str = Channel.PHONE,
    notify_customer: bool = False,
    origin: str = PromiseOrigin.MANUAL,
    rescheduled_from: CallbackPromise | None = None,
    now: datetime,
) -> CallbackPromise:
    """Write a checked promise on a complaint locked by the caller, with its due work.

    Used by ``promise_create``, by the solve step and by rescheduling.
    """
    due_at = clock.pinned(due_at)  # the reminder and the grace count real minutes from it
    promise = CallbackPromise.objects.create(
        complaint=locked,
        owner=locked.owner,
        due_at=due_at,
        channel=channel,
        purpose=purpose.strip(),
        origin=origin,
        notify_customer=notify_customer,
        rescheduled_from=rescheduled_from,
        created_by=actor,
        created_at=now,
    )
    jobs.promise_jobs_schedule(promise, now=now)
    if notify_customer and locked.customer.email:
        customer = locked.customer
        email_queue(
            [
                email_build(
                    key=f"promise_notice:{promise.pk}",
                    template="promise_notice",
                    to=customer.email,
                    language=customer.language,
                    context={
                        "customer_name": customer.name,
                        "reference": locked.reference,
                        "moment": timezone.localtime(due_at),
                        "by": CONTACT_BY[Channel(promise.channel)],
                        "owner_name": str(locked.owner),
                        "company": settings.COMPANY_NAME,
                    },
                    now=now,
                    complaint_id=locked.pk,
                )
            ]
        )
    return promise


def promise_create(
    *,
    complaint: Complaint,
    actor: User,
    due_at: datetime | None,
    purpose: str,
    channel: str = Channel.PHONE,
    notify_customer: bool = False,
    now: datetime | None = None,
) -> CallbackPromise:
    """Promise the customer a contact at ``due_at`` (“I'll call you back tomorrow at 15:00”)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Complaint.objects.select_for_update().select_related("customer").get(pk=complaint.pk)
        )
        check_may_promise(locked, actor)
        errors = ErrorCollector()
        _check_due_at(errors, "due_at", due_at, now)
        errors.require("purpose", purpose)
        if channel not in Channel.values:
            errors.add("channel", _("“%(value)s” is not a valid choice.") % {"value": channel})
        if notify_customer and not locked.customer.email:
            errors.add("notify_customer", _("The customer has no email address."))
        errors.raise_if_any()
        if due_at is None:
            raise ValueError("due_at is missing")
        promise = promise_add(
            locked,
            actor=actor,
            due_at=due_at,
            purpose=purpose,
            channel=channel,
            notify_customer=notify_customer,
            now=now,
        )
        events.promise_event(
            complaint=locked, type=EventType.PROMISE_MADE, actor=actor, at=now, promise=promise
        )
    return promise


def _lock(promise: CallbackPromise, actor: User) -> CallbackPromise:
    # The dispatcher may be marking this promise broken right now (see ``common.lock``).
    return common.lock(promise, actor, check=check_may_change_promise)


def promise_keep(
    *,
    promise: CallbackPromise,
    actor: User,
    kept_at: datetime | None = None,
    note: str = "",
    now: datetime | None = None,
) -> CallbackPromise:
    """The customer was contacted as promised; a late contact records how late."""
    now = now or timezone.now()
    kept_at = kept_at or now
    with transaction.atomic():
        locked = _lock(promise, actor)
        errors = ErrorCollector()
        if timezone.is_naive(kept_at):
            errors.add("kept_at", _("Give the moment with its time zone."))
        elif kept_at > now + _CLOCK_SKEW:
            errors.add("kept_at", _("This moment cannot lie in the future."))
        elif kept_at < locked.created_at - _CLOCK_SKEW:
            errors.add("kept_at", _("A promise cannot be kept before it was made."))
        errors.raise_if_any()
        delay = max(clock.elapsed(locked.due_at, kept_at), timedelta(0))  # real time
        return common.end(
            locked,
            state=PromiseState.KEPT,
            actor=actor,
            now=now,
            ended_at=kept_at,
            details={"kept_at": kept_at, "delay_seconds": int(delay.total_seconds())},
            delay=delay,
            note=(note or "").strip(),
        )


def promise_reschedule(
    *,
    promise: CallbackPromise,
    actor: User,
    due_at: datetime | None,
    note: str = "",
    now: datetime | None = None,
) -> CallbackPromise:
    """The customer did not answer: log it, and promise a new moment. Not a broken promise.

    Returns the new promise; the old one ends as “customer unreachable”.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Complaint before promise, the order every writer of both keeps (no deadlock).
        complaint = (
            Complaint.objects.select_for_update()
            .select_related("customer")
            .get(pk=promise.complaint_id)
        )
        locked = _lock(promise, actor)
        errors = ErrorCollector()
        _check_due_at(errors, "due_at", due_at, now)
        errors.raise_if_any()
        if due_at is None:
            raise ValueError("due_at is missing")
        # The new promise first, so that the old one's ending can name it.
        new = promise_add(
            complaint,
            actor=actor,
            due_at=due_at,
            purpose=locked.purpose,
            channel=locked.channel,
            notify_customer=locked.notify_customer,
            origin=PromiseOrigin.RESCHEDULED,
            rescheduled_from=locked,
            now=now,
        )
        note = (note or "").strip()
        common.end(
            locked,
            state=PromiseState.UNREACHABLE,
            actor=actor,
            now=now,
            details={"new_promise_id": new.pk, "new_due_at": due_at, "note": note},
            note=note,
        )
    return new


def promise_cancel(
    *, promise: CallbackPromise, actor: User, reason: str, now: datetime | None = None
) -> CallbackPromise:
    """Withdraw a promise, with the reason why (it counts neither as kept nor as broken)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(promise, actor)
        return common.end_for_reason(
            locked, state=PromiseState.CANCELLED, reason=reason, actor=actor, now=now
        )
