"""The database itself keeps the audit trail and the record of data access append-only.

Raw SQL as a shell or ``psql`` would send it, on PostgreSQL and SQLite alike: every UPDATE and
DELETE is refused, except the erasure's scrubbing inside ``append_only.unlocked()``, which then
leaves its own record.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from complaints import append_only, privacy, workflow
from complaints.models import AccessKind, AccessVia, Complaint, ComplaintEvent, DataAccess
from complaints.models.events import EventType
from complaints.states import Stage
from tests.factories import CustomerFactory, advance, make_complaint

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def trail(agent, quality) -> Complaint:
    """A resolved complaint with events, and a data-access row of its customer."""
    complaint = advance(make_complaint(owner=agent, customer=CustomerFactory()), to=Stage.RESOLVED)
    privacy.access_record(
        actor=quality,
        kind=AccessKind.CUSTOMER_VIEWED,
        via=AccessVia.API,
        customer_id=complaint.customer_id,
        now=timezone.now(),
    )
    assert ComplaintEvent.objects.filter(complaint=complaint).count() >= 4
    assert DataAccess.objects.filter(customer_id=complaint.customer_id).exists()
    return complaint


def _refused(sql: str, params: list[object] | None = None) -> str:
    """Run ``sql``; it must fail as the trigger's refusal (and change nothing)."""
    with pytest.raises(IntegrityError) as refusal, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    message = str(refusal.value)
    assert "append-only" in message
    return message


STATEMENTS = {
    "update an event": "UPDATE complaints_complaintevent SET payload = '{}'",
    "delete an event": "DELETE FROM complaints_complaintevent",
    "update an access": "UPDATE complaints_dataaccess SET kind = 'exported'",
    "delete an access": "DELETE FROM complaints_dataaccess",
}


@pytest.mark.parametrize("sql", STATEMENTS.values(), ids=STATEMENTS.keys())
def test_a_raw_update_or_delete_is_refused_by_the_database(trail, sql):
    events = list(ComplaintEvent.objects.order_by("pk").values())
    accesses = list(DataAccess.objects.order_by("pk").values())
    _refused(sql)
    assert list(ComplaintEvent.objects.order_by("pk").values()) == events
    assert list(DataAccess.objects.order_by("pk").values()) == accesses


def test_the_orm_is_refused_too_and_a_complaint_cannot_take_its_trail_with_it(trail):
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintEvent.objects.filter(complaint=trail).update(to_stage="closed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=trail.pk).delete()  # the events would go with it
    assert Complaint.objects.filter(pk=trail.pk).exists()


def test_new_events_are_still_written(trail, agent):
    before = ComplaintEvent.objects.count()
    workflow.run(workflow.Transition.REOPEN, trail, actor=agent, reason="Klant belt terug.")
    assert ComplaintEvent.objects.count() == before + 1


def test_the_erasure_scrubs_the_trail_and_leaves_its_record(trail, quality):
    customer = trail.customer
    name = customer.name
    ComplaintEvent.objects.create(  # an event that names the customer
        complaint=trail,
        type=EventType.DETAILS_CHANGED,
        payload={"name": name},
        created_at=timezone.now(),
    )
    privacy.customer_erase(customer=customer, actor=quality, reason="Op verzoek", via="api")

    payloads = list(
        ComplaintEvent.objects.filter(complaint=trail).values_list("payload", flat=True)
    )
    assert all(name not in str(payload) for payload in payloads)
    [erased] = ComplaintEvent.objects.filter(
        complaint=trail, type=EventType.PERSONAL_DATA_ERASED
    ).values_list("actor", flat=True)
    assert erased == quality.pk
    assert DataAccess.objects.filter(customer=customer, kind=AccessKind.ERASED).count() == 1
    # And the trail is locked again at once, in the same transaction.
    _refused("UPDATE complaints_complaintevent SET payload = '{}'")


def _scrub_then_fail(complaint: Complaint) -> None:
    with append_only.unlocked():
        ComplaintEvent.objects.filter(complaint=complaint).update(payload={})
        raise RuntimeError("half way")


def test_a_failed_unlocked_block_leaves_the_trail_locked(trail):
    with pytest.raises(RuntimeError):
        _scrub_then_fail(trail)
    assert ComplaintEvent.objects.filter(complaint=trail, payload={}).count() == 0
    _refused("UPDATE complaints_complaintevent SET payload = '{}'")


def test_the_data_access_rows_change_only_inside_the_erasure(trail):
    """The erasure blanks the search terms that found the customer (tests/privacy); outside
    it the rows stay as written, through the ORM as by hand."""
    with pytest.raises(IntegrityError), transaction.atomic():
        DataAccess.objects.update(detail="changed")
    with append_only.unlocked():
        assert DataAccess.objects.update(detail="") == DataAccess.objects.count()


def test_only_the_erasure_and_flush_unlock_the_trail():
    callers = sorted(
        str(path.relative_to(ROOT))
        for folder in ("accounts", "common", "complaints", "config", "reports", "dbperf")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"with append_only\.unlocked\(", path.read_text())
    )
    assert callers == ["complaints/management/commands/flush.py", "complaints/privacy.py"]


# serialized_rollback: flush restarts the id sequences, so content types made again after it
# would take the ids that a later test with serialized_rollback restores (a unique violation).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flush_empties_the_trail_like_every_other_table(agent):
    advance(make_complaint(owner=agent, customer=CustomerFactory()), to=Stage.UNDERSTOOD)
    assert ComplaintEvent.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not ComplaintEvent.objects.exists()
    assert not Complaint.objects.exists()
