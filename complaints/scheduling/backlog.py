"""How far behind the background work is: the due jobs not yet done and the emails not yet
sent, read for the readiness probe and the metrics.

Each figure is one probe of a partial index on pending rows (``job_pending_due``,
``email_pending_id``), so it costs the same with ten or a million done rows.
"""

from __future__ import annotations

from datetime import datetime

from complaints.models import EmailState, JobState, OutgoingEmail, ScheduledJob


def _age(now: datetime, since: datetime | None) -> int:
    return max(0, int((now - since).total_seconds())) if since is not None else 0


def oldest_due_job_age(now: datetime) -> int:
    """Seconds since the oldest pending job's moment passed (0 when none is due)."""
    due_at = (
        ScheduledJob.objects.filter(state=JobState.PENDING, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("due_at", flat=True)
        .first()
    )
    return _age(now, due_at)


def oldest_email_age(now: datetime) -> int:
    """Seconds the oldest email still waiting to be sent has waited since it was written (its
    retries' back-off included: a mail server that refuses for long shows here)."""
    # Ids grow with the moment an email is written: the first pending id is the oldest.
    created_at = (
        OutgoingEmail.objects.filter(state=EmailState.PENDING)
        .order_by("id")
        .values_list("created_at", flat=True)
        .first()
    )
    return _age(now, created_at)


def due_jobs(now: datetime) -> tuple[int, int]:
    """How many pending jobs are due, and the age of the oldest."""
    depth = ScheduledJob.objects.filter(state=JobState.PENDING, due_at__lte=now).count()
    return depth, oldest_due_job_age(now) if depth else 0


def outbox(now: datetime) -> tuple[int, int]:
    """How many emails wait to be sent, and the age of the oldest."""
    depth = OutgoingEmail.objects.filter(state=EmailState.PENDING).count()
    return depth, oldest_email_age(now) if depth else 0
