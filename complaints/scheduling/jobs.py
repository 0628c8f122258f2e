"""Writing due work: the services call these inside their own transaction.

Jobs are only ever inserted here; nothing but the dispatcher changes a job afterwards. A job
that no longer applies (the promise was kept, the deadline moved) is skipped when it comes due,
because the dispatcher checks its preconditions again on the locked rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from complaints import clock
from complaints.models import CallbackPromise, Complaint, FollowUp, JobKind, ScheduledJob


def _job(
    kind: JobKind,
    *,
    complaint_id: int,
    due_at: datetime,
    target_at: datetime,
    now: datetime,
    promise: CallbackPromise | None = None,
    follow_up: FollowUp | None = None,
) -> ScheduledJob:
    subject = promise.pk if promise else follow_up.pk if follow_up else complaint_id
    return ScheduledJob(
        # Deadlines can move (a new priority): the moment is part of the key, so the new
        # deadline gets its own job and the old one is skipped.
        key=f"{kind}:{subject}:{int(target_at.timestamp())}",
        kind=kind,
        complaint_id=complaint_id,
        promise=promise,
        follow_up=follow_up,
        due_at=due_at,
        target_at=target_at,
        created_at=now,
    )


def promise_jobs_schedule(promise: CallbackPromise, *, now: datetime) -> None:
    """The owner's reminder before the moment, and the broken check after the grace period,
    both in real minutes (the night the clocks change too)."""
    lead = timedelta(minutes=settings.PROMISE_REMINDER_MINUTES)
    grace = timedelta(minutes=settings.PROMISE_GRACE_MINUTES)
    ScheduledJob.objects.bulk_create(
        [
            _job(
                JobKind.PROMISE_REMINDER,
                complaint_id=promise.complaint_id,
                promise=promise,
                due_at=max(clock.earlier(promise.due_at, lead), now),
                target_at=promise.due_at,
                now=now,
            ),
            _job(
                JobKind.PROMISE_BROKEN,
                complaint_id=promise.complaint_id,
                promise=promise,
                due_at=clock.later(promise.due_at, grace),
                target_at=promise.due_at,
                now=now,
            ),
        ],
        ignore_conflicts=True,
    )


def follow_up_job_schedule(follow_up: FollowUp, *, now: datetime) -> None:
    ScheduledJob.objects.bulk_create(
        [
            _job(
                JobKind.FOLLOW_UP_DUE,
                complaint_id=follow_up.complaint_id,
                follow_up=follow_up,
                due_at=follow_up.due_at,
                target_at=follow_up.due_at,
                now=now,
            )
        ],
        ignore_conflicts=True,
    )


def deadline_jobs_schedule(complaint: Complaint, *, now: datetime) -> None:
    """Warnings before (real minutes), and the breach check at, the acknowledgement and
    resolution deadlines."""
    warn = timedelta(minutes=settings.DEADLINE_WARNING_MINUTES)
    jobs = []
    for warning, breach, deadline in (
        (JobKind.ACKNOWLEDGE_WARNING, JobKind.ACKNOWLEDGE_BREACH, complaint.acknowledge_due_at),
        (JobKind.RESOLVE_WARNING, JobKind.RESOLVE_BREACH, complaint.resolve_due_at),
    ):
        warn_at = clock.earlier(deadline, warn)
        if warn_at > now:  # no warning when the deadline is that close already
            jobs.append(
                _job(
                    warning,
                    complaint_id=complaint.pk,
                    due_at=warn_at,
                    target_at=deadline,
                    now=now,
                )
            )
        jobs.append(
            _job(breach, complaint_id=complaint.pk, due_at=deadline, target_at=deadline, now=now)
        )
    ScheduledJob.objects.bulk_create(jobs, ignore_conflicts=True)
