"""The written-out SQL helpers give what the ORM would, on SQLite and PostgreSQL alike, and the
ORM's ``bulk_create`` (which took the place of a written-out INSERT) does what the callers need.

``sql.select`` leans on ``connection.ops.get_db_converters``, ``Expression.get_db_converters``
and ``Model.from_db``: a change in any of them shows here as a value read otherwise."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from complaints.models import Complaint, Customer, JobKind, OutgoingEmail, ScheduledJob
from dbperf import sql
from tests.factories import make_complaint

COMPARED = ("kind", "complaint_id", "due_at", "target_at", "state", "created_at", "done_at")


def _jobs(complaint: Complaint, prefix: str) -> list[ScheduledJob]:
    now = timezone.now()
    return [
        ScheduledJob(
            key=f"{prefix}:{kind}",
            kind=kind,
            complaint=complaint,
            due_at=now + timedelta(hours=hours),
            target_at=now + timedelta(hours=hours + 1),
            created_at=now,
        )
        for hours, kind in enumerate([JobKind.ACKNOWLEDGE_WARNING, JobKind.RESOLVE_BREACH])
    ]


def _values(prefix: str) -> list[tuple[Any, ...]]:
    return list(
        ScheduledJob.objects.filter(key__startswith=prefix).order_by("key").values_list(*COMPARED)
    )


def test_a_row_whose_key_exists_is_left_as_it_is(agent):
    """What the due jobs and the outbox rely on: writing a job again changes nothing."""
    complaint = make_complaint(owner=agent)
    first = _jobs(complaint, "same")
    ScheduledJob.objects.bulk_create(first, ignore_conflicts=True)
    again = _jobs(complaint, "same")
    for job in again:
        job.due_at += timedelta(days=7)
    ScheduledJob.objects.bulk_create(again, ignore_conflicts=True)

    assert [row[2] for row in _values("same")] == sorted(job.due_at for job in first)


def test_bulk_create_splits_more_rows_than_one_statement_takes(agent):
    complaint = make_complaint(owner=agent)
    now = timezone.now()
    fields = [f for f in OutgoingEmail._meta.concrete_fields if not f.primary_key]

    def email(number: int) -> OutgoingEmail:
        return OutgoingEmail(
            key=f"batch:{number}",
            complaint=complaint,
            template="acknowledgement",
            to=f"klant{number}@example.nl",
            language="nl",
            subject="Ontvangen",
            body_text="Wij hebben uw klacht ontvangen.\n",
            created_at=now,
            next_attempt_at=now,
        )

    # PostgreSQL bound by the server takes at most 65,535 parameters in a statement, SQLite
    # 999 (or more, as compiled): bulk_create must split the rows over statements itself.
    count = 65_535 // len(fields) + 7
    OutgoingEmail.objects.bulk_create([email(number) for number in range(count)])
    assert OutgoingEmail.objects.filter(key__startswith="batch:").count() == count


def test_get_reads_a_row_as_the_orm_does(agent):
    customer = make_complaint(owner=agent).customer
    found = sql.get(Customer, customer.pk)
    assert found is not None
    expected = Customer.objects.get(pk=customer.pk)
    for field in Customer._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert timezone.is_aware(found.created_at)
    assert sql.get(Customer, customer.pk + 1000) is None
