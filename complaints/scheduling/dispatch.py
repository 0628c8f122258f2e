"""The dispatcher: claims due jobs in small batches and does them, each exactly once.

One batch is one transaction:

1. ``SELECT … FROM scheduled_job WHERE state = 'pending' AND due_at <= now ORDER BY due_at
   LIMIT n FOR UPDATE SKIP LOCKED``: rows another dispatcher holds are passed over, never
   waited for, so any number of workers and beat schedulers share the work without overlap.
2. The promises, follow-ups and complaints the jobs are about are read and locked (ordered by
   id, so two dispatchers never deadlock), and each job's preconditions are checked again on
   those fresh rows: the promise may have been kept meanwhile, the complaint acknowledged.
3. Notifications, emails, audit events and the new states are written in bulk, and the jobs
   move from pending to done or skipped. That move is the idempotency key: a worker killed
   before the commit leaves every job of its batch pending for the next tick, and a committed
   job is never picked again.

The number of queries per batch does not grow with the batch (a test holds it constant).
"""

from __future__ import annotations

import functools
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from accounts.hierarchy import manager_above
from accounts.models import User
from complaints import clock, events, locks
from complaints.models import (
    CallbackPromise,
    Complaint,
    ComplaintEvent,
    EventType,
    FollowUp,
    FollowUpState,
    JobKind,
    JobState,
    Notification,
    NotificationKind,
    OutgoingEmail,
    PromiseState,
    ScheduledJob,
    SurveyInvitation,
)
from complaints.notifications import notification_text
from complaints.scheduling.outbox import email_build, email_queue
from complaints.states import OPEN_STAGES

SURVEY_SALT = "klachtwijzer.survey"

_PROMISE_KINDS = {JobKind.PROMISE_REMINDER, JobKind.PROMISE_BROKEN}
_DEADLINES = {
    JobKind.ACKNOWLEDGE_WARNING: ("acknowledge", False),
    JobKind.ACKNOWLEDGE_BREACH: ("acknowledge", True),
    JobKind.RESOLVE_WARNING: ("resolve", False),
    JobKind.RESOLVE_BREACH: ("resolve", True),
}


def survey_token(public_id: str) -> str:
    """The survey link's token: the invitation's random id, signed so forgeries fail early."""
    return signing.Signer(salt=SURVEY_SALT).sign(public_id)


def survey_url(public_id: str) -> str:
    return settings.SITE_URL + reverse("survey", args=[survey_token(public_id)])


@functools.lru_cache(maxsize=4096)
def complaint_url(reference: str) -> str:
    # Cached: a batch often names the same complaint many times, and reverse() is not cheap.
    return settings.SITE_URL + reverse("complaint-page", args=[reference])


@dataclass
class _Batch:
    """What one batch writes, gathered so that it is written with a fixed number of queries."""

    now: datetime
    done: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    emails: list[OutgoingEmail] = field(default_factory=list)
    events: list[ComplaintEvent] = field(default_factory=list)
    invitations: list[SurveyInvitation] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)
    broken: list[int] = field(default_factory=list)
    followed_up: list[int] = field(default_factory=list)
    breached: dict[str, list[int]] = field(
        default_factory=lambda: {"acknowledge": [], "resolve": []}
    )

    def notify(
        self,
        job: ScheduledJob,
        user: User,
        kind: NotificationKind,
        payload: dict[str, Any],
        *,
        promise: CallbackPromise | None = None,
        follow_up: FollowUp | None = None,
    ) -> None:
        """An in-app notification for ``user``, and the same by email when they have one."""
        key = f"{job.key}:{user.pk}"
        self.notifications.append(
            Notification(
                key=key,
                recipient=user,
                kind=kind,
                complaint_id=job.complaint_id,
                promise=promise,
                follow_up=follow_up,
                payload=payload,
                created_at=self.now,
            )
        )
        if user.email:
            language = user.language or settings.LANGUAGE_CODE
            with translation.override(language):
                title, text = notification_text(kind, payload)
            self.emails.append(
                email_build(
                    key=key,
                    template="staff_notification",
                    to=user.email,
                    language=language,
                    context={
                        "title": title,
                        "text": text,
                        "link": complaint_url(payload["reference"]),
                        "name": user.first_name or str(user),
                    },
                    now=self.now,
                    complaint_id=job.complaint_id,
                )
            )


def _complaint_facts(complaint: Complaint) -> dict[str, Any]:
    return {
        "reference": complaint.reference,
        "subject": complaint.subject,
        "customer": complaint.customer.name,
        "phone": complaint.customer.phone,
        "owner": str(complaint.owner),
    }


def _locked(qs: QuerySet[Any], ids: set[int], *, no_key: bool = False) -> dict[int, Any]:
    # Ordered by id: two dispatchers that need some of the same rows lock them in one order.
    if not ids:
        return {}
    locked = qs.select_for_update(of=("self",), no_key=no_key).filter(pk__in=ids).order_by("pk")
    return {row.pk: row for row in locked}


def _promise_job(batch: _Batch, job: ScheduledJob, promise: CallbackPromise) -> bool:
    if promise.state != PromiseState.SCHEDULED:
        return False  # kept, cancelled or rescheduled meanwhile
    facts = _complaint_facts(promise.complaint) | {
        "purpose": promise.purpose,
        "moment": promise.due_at,
        "owner": str(promise.owner),
    }
    if job.kind == JobKind.PROMISE_REMINDER:
        if promise.reminded_at is not None:
            return False
        batch.reminded.append(promise.pk)
        batch.notify(job, promise.owner, NotificationKind.PROMISE_REMINDER, facts, promise=promise)
        return True
    batch.broken.append(promise.pk)
    batch.events.append(
        events.promise_event_build(
            complaint=promise.complaint,
            type=EventType.PROMISE_BROKEN,
            actor=None,
            at=batch.now,
            promise=promise,
        )
    )
    batch.notify(job, promise.owner, NotificationKind.PROMISE_BROKEN, facts, promise=promise)
    if (manager := manager_above(promise.owner)) is not None:
        batch.notify(job, manager, NotificationKind.PROMISE_BROKEN, facts, promise=promise)
    return True


def _follow_up_job(batch: _Batch, job: ScheduledJob, follow_up: FollowUp) -> bool:
    if follow_up.state != FollowUpState.SCHEDULED or follow_up.notified_at is not None:
        return False
    complaint = follow_up.complaint
    batch.followed_up.append(follow_up.pk)
    facts = _complaint_facts(complaint) | {"moment": follow_up.due_at}
    batch.notify(job, follow_up.owner, NotificationKind.FOLLOW_UP_DUE, facts, follow_up=follow_up)
    customer = complaint.customer
    if follow_up.send_survey and customer.email:
        invitation = SurveyInvitation(
            follow_up=follow_up,
            public_id=secrets.token_urlsafe(24),
            language=customer.language,
            created_at=batch.now,
            expires_at=clock.later(batch.now, timedelta(days=settings.SURVEY_VALID_DAYS)),
        )
        batch.invitations.append(invitation)
        batch.emails.append(
            email_build(
                key=f"survey:{follow_up.pk}",
                template="survey_invitation",
                to=customer.email,
                language=customer.language,
                context={
                    "customer_name": customer.name,
                    "reference": complaint.reference,
                    "url": survey_url(invitation.public_id),
                    "valid_until": invitation.expires_at,
                    "company": settings.COMPANY_NAME,
                },
                now=batch.now,
                complaint_id=complaint.pk,
            )
        )
        batch.events.append(
            events.follow_up_event_build(
                complaint=complaint,
                type=EventType.SURVEY_SENT,
                actor=None,
                at=batch.now,
                follow_up=follow_up,
            )
        )
    return True


def _deadline_job(batch: _Batch, job: ScheduledJob, complaint: Complaint) -> bool:
    deadline, is_breach = _DEADLINES[JobKind(job.kind)]
    due_at = complaint.acknowledge_due_at if deadline == "acknowledge" else complaint.resolve_due_at
    met = (
        complaint.acknowledged_at is not None
        if deadline == "acknowledge"
        else complaint.stage not in OPEN_STAGES
    )
    if met or due_at != job.target_at:  # met, or the deadline moved (a new job watches it)
        return False
    facts = _complaint_facts(complaint) | {"deadline": deadline, "moment": due_at}
    if not is_breach:
        batch.notify(job, complaint.owner, NotificationKind.DEADLINE_WARNING, facts)
        return True
    breached_at = (
        complaint.acknowledge_breached_at
        if deadline == "acknowledge"
        else complaint.resolve_breached_at
    )
    if breached_at is not None:
        return False
    batch.breached[deadline].append(complaint.pk)
    batch.events.append(
        events.deadline_breached_event_build(
            complaint=complaint, at=batch.now, deadline=deadline, due_at=due_at
        )
    )
    batch.notify(job, complaint.owner, NotificationKind.DEADLINE_BREACHED, facts)
    if (manager := manager_above(complaint.owner)) is not None:
        batch.notify(job, manager, NotificationKind.DEADLINE_BREACHED, facts)
    return True


def dispatch_batch(*, now: datetime | None = None, size: int | None = None) -> int:
    """Claim and do up to ``size`` due jobs in one transaction; the number claimed."""
    now = now or timezone.now()
    size = size or settings.SCHEDULER_BATCH_SIZE
    with transaction.atomic():
        jobs = list(
            ScheduledJob.objects.select_for_update(skip_locked=True)
            .filter(state=JobState.PENDING, due_at__lte=now)
            .order_by("due_at", "id")[:size]
        )
        if not jobs:
            return 0
        # Complaints before promises and follow-ups, the order every writer keeps (see
        # complaints.locks): those whose deadline is judged are locked for the update, the
        # others only against a transition or transfer happening meanwhile.
        complaints = _locked(
            Complaint.objects.select_related(
                "customer", "owner__team__manager", "owner__reports_to"
            ),
            {j.complaint_id for j in jobs if j.kind in _DEADLINES},
            no_key=True,
        )
        locks.complaints_key_share(
            j.complaint_id
            for j in jobs
            if j.kind not in _DEADLINES and j.complaint_id not in complaints
        )
        related = ("complaint__customer", "complaint__owner", "owner__team__manager")
        promises = _locked(
            CallbackPromise.objects.select_related(*related, "owner__reports_to"),
            {j.promise_id for j in jobs if j.kind in _PROMISE_KINDS and j.promise_id},
        )
        follow_ups = _locked(
            FollowUp.objects.select_related(*related),
            {j.follow_up_id for j in jobs if j.kind == JobKind.FOLLOW_UP_DUE and j.follow_up_id},
        )
        batch = _Batch(now=now)
        for job in jobs:
            if job.kind in _PROMISE_KINDS:
                promise = promises.get(job.promise_id)  # type: ignore[arg-type]
                applied = promise is not None and _promise_job(batch, job, promise)
            elif job.kind == JobKind.FOLLOW_UP_DUE:
                follow_up = follow_ups.get(job.follow_up_id)  # type: ignore[arg-type]
                applied = follow_up is not None and _follow_up_job(batch, job, follow_up)
            else:
                complaint = complaints.get(job.complaint_id)
                applied = complaint is not None and _deadline_job(batch, job, complaint)
            (batch.done if applied else batch.skipped).append(job.pk)
        _write(batch)
    return len(jobs)


def _write(batch: _Batch) -> None:
    now = batch.now
    if batch.reminded:
        CallbackPromise.objects.filter(pk__in=batch.reminded).update(reminded_at=now)
    if batch.broken:
        CallbackPromise.objects.filter(pk__in=batch.broken).update(
            state=PromiseState.BROKEN, ended_at=now
        )
    if batch.followed_up:
        FollowUp.objects.filter(pk__in=batch.followed_up).update(notified_at=now)
    if batch.breached["acknowledge"]:
        Complaint.objects.filter(pk__in=batch.breached["acknowledge"]).update(
            acknowledge_breached_at=now
        )
    if batch.breached["resolve"]:
        Complaint.objects.filter(pk__in=batch.breached["resolve"]).update(resolve_breached_at=now)
    if batch.invitations:
        SurveyInvitation.objects.bulk_create(batch.invitations)
    if batch.events:
        ComplaintEvent.objects.bulk_create(batch.events)
    if batch.notifications:
        # A unique key per job and recipient: even a job run twice could not notify twice.
        Notification.objects.bulk_create(batch.notifications, ignore_conflicts=True)
    email_queue(batch.emails)
    if batch.done:
        ScheduledJob.objects.filter(pk__in=batch.done).update(state=JobState.DONE, done_at=now)
    if batch.skipped:
        ScheduledJob.objects.filter(pk__in=batch.skipped).update(
            state=JobState.SKIPPED, done_at=now
        )


def dispatch_due(*, now: datetime | None = None, max_seconds: float | None = None) -> int:
    """Do due jobs batch after batch until none is left (or time is up); the number claimed.

    ``now`` fixes the clock for tests; otherwise each batch reads it afresh.
    """
    budget = settings.SCHEDULER_DRAIN_SECONDS if max_seconds is None else max_seconds
    started = time.monotonic()
    total = 0
    while time.monotonic() - started < budget:
        claimed = dispatch_batch(now=now)
        if not claimed:
            break
        total += claimed
    return total
