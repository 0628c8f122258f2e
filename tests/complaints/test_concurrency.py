"""Two requests moving the same complaint at the same moment, each on its own connection.

Only PostgreSQL shows what the row locks do; SQLite serialises whole-database writes, so these
tests are skipped there. To make the requests really collide, the test holds the complaint's
row lock itself until both threads are waiting on it (seen in pg_stat_activity), then lets go.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection, transaction

from accounts.models import User
from common.errors import ActionForbidden, DomainError, InvalidData, TransitionNotAllowed
from complaints import services, workflow
from complaints.models import (
    Complaint,
    ComplaintEvent,
    EventType,
    OwnershipTransfer,
    ReferenceCounter,
    UnderstandingStep,
)
from complaints.states import Stage
from tests.factories import CustomerFactory, advance, make_complaint, step_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks across connections (set DATABASE_URL=postgres://…)",
    ),
    # Threads need committed data, so no wrapping transaction; each test ends with a flush of
    # every table, and serialized_rollback reloads the migrated rows (roles, root causes) first.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True, scope="module")
def _migrated_rows_back_afterwards(django_db_blocker: Any) -> Iterator[None]:
    """Each transactional test ends by emptying every table, the migrated rows included;
    after the last one, put those rows back, so that a kept test database (--reuse-db) is
    still complete on the next run."""
    yield
    # Django keeps what it serialised at set-up here for serialized_rollback.
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)
            connection.close()


# A guard against a hang if a thread never reaches the lock; not a timing assertion.
WAIT_LIMIT_SECONDS = 30


def _waiting_on_locks() -> int:
    """How many other sessions of this test database are waiting for a lock right now."""
    with connection.cursor() as cursor:
        # Inside a transaction pg_stat_activity is read once and then kept: clear that copy.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def race(*calls: Callable[[], Any], hold: Callable[[], Any], back_off: bool = False) -> list[Any]:
    """Run ``calls`` at the same moment, each in its own thread with its own connection.

    The test first takes a lock (``hold`` runs inside a transaction on the test's connection)
    and releases it only when every thread is blocked on a lock, so the calls cannot help but
    collide; with ``back_off`` that transaction is rolled back rather than committed.
    Returns each call's result or the exception it raised.
    """
    barrier = threading.Barrier(len(calls) + 1)
    outcomes: list[Any] = [None] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=WAIT_LIMIT_SECONDS)
            outcomes[index] = call()
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=item) for item in enumerate(calls)]

    with transaction.atomic():
        hold()
        for thread in threads:
            thread.start()
        barrier.wait(timeout=WAIT_LIMIT_SECONDS)
        # Every thread must be queued behind our lock before we let go of it.
        deadline = time.monotonic() + WAIT_LIMIT_SECONDS
        while _waiting_on_locks() < len(calls):
            assert all(t.is_alive() for t in threads), f"a thread ended early: {outcomes}"
            assert time.monotonic() < deadline, "the threads never queued on the lock"
        transaction.set_rollback(back_off)
    for thread in threads:
        thread.join(timeout=WAIT_LIMIT_SECONDS)
        assert not thread.is_alive(), "a thread is stuck"
    return outcomes


def lock_row(complaint: Complaint) -> Callable[[], Any]:
    return lambda: Complaint.objects.select_for_update().get(pk=complaint.pk)


def move(name: str, pk: int, actor: User, **extra: Any) -> Callable[[], Complaint]:
    """A request taking transition ``name``, loading the complaint as a request would."""

    def call() -> Complaint:
        complaint = Complaint.objects.get(pk=pk)
        return workflow.run(
            workflow.Transition(name), complaint, actor=actor, **step_data(name) | extra
        )

    return call


def stage_moves(complaint: Complaint) -> list[tuple[str, str]]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .exclude(to_stage="")
        .order_by("id")
        .values_list("from_stage", "to_stage")
    )


def split(outcomes: list[Any]) -> tuple[list[Complaint], list[Exception]]:
    done = [o for o in outcomes if isinstance(o, Complaint)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    unexpected = [o for o in refused if not isinstance(o, DomainError)]
    assert not unexpected, f"a request crashed: {unexpected!r}"
    return done, refused


def test_two_people_showing_understanding_at_once_record_it_once(agent, manager):
    complaint = make_complaint(owner=agent)

    outcomes = race(
        move("understand", complaint.pk, agent, emotion="angry"),
        move("understand", complaint.pk, manager, emotion="anxious"),
        hold=lock_row(complaint),
    )

    done, refused = split(outcomes)
    assert len(done) == 1
    assert [type(e) for e in refused] == [TransitionNotAllowed]
    complaint.refresh_from_db()
    assert complaint.stage == Stage.UNDERSTOOD
    step = UnderstandingStep.objects.get(complaint=complaint)
    winner = done[0].understanding
    assert (step.emotion, step.recorded_by) == (winner.emotion, winner.recorded_by)
    assert stage_moves(complaint) == [("", "received"), ("received", "understood")]


def test_two_resolutions_at_once_keep_the_winners_outcome(agent, manager):
    complaint = advance(make_complaint(owner=agent), to=Stage.SOLVING)

    outcomes = race(
        move("resolve", complaint.pk, agent, outcome="upheld"),
        move(
            "resolve",
            complaint.pk,
            manager,
            outcome="not_upheld",
            request_domain="past",
            balance="win_win",
            alternatives_offered="Tegoed voor de volgende maand.",
        ),
        hold=lock_row(complaint),
    )

    done, refused = split(outcomes)
    assert len(done) == 1
    assert [type(e) for e in refused] == [TransitionNotAllowed]
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RESOLVED
    assert complaint.outcome == done[0].outcome
    [resolved] = ComplaintEvent.objects.filter(complaint=complaint, type=EventType.RESOLVED)
    assert resolved.payload["outcome"] == done[0].outcome
    assert stage_moves(complaint)[-1] == ("solving", "resolved")


def test_two_reopens_at_once_reopen_once(agent, manager):
    complaint = advance(make_complaint(owner=agent), to=Stage.RESOLVED)

    outcomes = race(
        move("reopen", complaint.pk, agent),
        move("reopen", complaint.pk, manager),
        hold=lock_row(complaint),
    )

    done, refused = split(outcomes)
    assert len(done) == 1
    assert [type(e) for e in refused] == [TransitionNotAllowed]
    assert ComplaintEvent.objects.filter(complaint=complaint, type=EventType.REOPENED).count() == 1
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.SOLVING


def test_close_and_reopen_at_once_end_as_if_one_came_after_the_other(agent, manager):
    """Both leave a resolved complaint. Whichever goes first, the other sees its result:
    reopen first makes close impossible; close first still allows reopen."""
    complaint = advance(make_complaint(owner=agent), to=Stage.RESOLVED)

    outcomes = race(
        move("close", complaint.pk, agent),
        move("reopen", complaint.pk, manager),
        hold=lock_row(complaint),
    )

    closed, reopened = outcomes
    split(outcomes)
    assert isinstance(reopened, Complaint), "reopen is allowed from resolved and from closed"
    complaint.refresh_from_db()
    assert complaint.stage == Stage.SOLVING
    assert (complaint.resolved_at, complaint.closed_at) == (None, None)
    if isinstance(closed, Complaint):
        assert stage_moves(complaint)[-2:] == [("resolved", "closed"), ("closed", "solving")]
    else:
        assert isinstance(closed, TransitionNotAllowed)
        assert stage_moves(complaint)[-1] == ("resolved", "solving")
        assert not complaint.events.filter(type=EventType.CLOSED).exists()


def test_a_transfer_racing_a_step_is_judged_on_the_fresh_owner(agent, other_agent, manager):
    """If the manager hands the complaint to a colleague first, the old owner's step is
    refused; if the step comes first, it counts and the transfer follows."""
    complaint = make_complaint(owner=agent)

    outcomes = race(
        move("understand", complaint.pk, agent),
        lambda: services.complaint_transfer(
            complaint=Complaint.objects.get(pk=complaint.pk),
            actor=manager,
            to_user=other_agent,
            reason="Werkverdeling.",
        ),
        hold=lock_row(complaint),
    )

    understood, transferred = outcomes
    split(outcomes)
    assert isinstance(transferred, Complaint)
    complaint.refresh_from_db()
    assert complaint.owner == other_agent
    types = list(complaint.events.order_by("id").values_list("type", flat=True))
    if isinstance(understood, Complaint):
        assert complaint.stage == Stage.UNDERSTOOD
        assert types == [EventType.RECEIVED, EventType.UNDERSTOOD, EventType.OWNER_CHANGED]
    else:
        assert isinstance(understood, ActionForbidden)
        assert complaint.stage == Stage.RECEIVED
        assert types == [EventType.RECEIVED, EventType.OWNER_CHANGED]
        assert not UnderstandingStep.objects.filter(complaint=complaint).exists()


def test_two_transfers_at_once_hand_the_complaint_over_once(agent, other_agent, manager):
    """The owner and the manager both give the complaint to the same colleague; one hand-over
    happens. If the owner's came first, the manager finds it already the colleague's; if the
    manager's came first, the former owner may no longer act on it."""

    def transfer(actor: User) -> Callable[[], Complaint]:
        return lambda: services.complaint_transfer(
            complaint=Complaint.objects.get(pk=complaint.pk),
            actor=actor,
            to_user=other_agent,
            reason="Bram neemt het over.",
        )

    complaint = make_complaint(owner=agent)

    outcomes = race(transfer(agent), transfer(manager), hold=lock_row(complaint))

    by_owner, by_manager = outcomes
    done, _refused = split(outcomes)
    assert len(done) == 1
    if isinstance(by_owner, Complaint):
        assert isinstance(by_manager, InvalidData)
        assert set(by_manager.errors) == {"to_user"}
    else:
        assert isinstance(by_owner, ActionForbidden)
    assert Complaint.objects.get(pk=complaint.pk).owner == other_agent
    [transfer_row] = OwnershipTransfer.objects.filter(complaint=complaint)
    assert (transfer_row.from_user, transfer_row.to_user) == (agent, other_agent)
    assert transfer_row.transferred_by == (agent if by_owner is done[0] else manager)
    assert complaint.events.filter(type=EventType.OWNER_CHANGED).count() == 1


def _create(actor: User, received_at: datetime | None = None) -> Callable[[], Complaint]:
    customer = CustomerFactory()
    return lambda: services.complaint_create(
        customer=customer,
        channel="phone",
        subject="Storing",
        facts="Geen internet sinds gisteren.",
        actor=actor,
        received_at=received_at,
    )


def test_two_complaints_logged_at_once_get_consecutive_references(agent, other_agent):
    first = make_complaint(owner=agent)  # the year's counter row exists from here on
    year = first.reference.split("-")[1]

    outcomes = race(
        _create(agent),
        _create(other_agent),
        hold=lambda: ReferenceCounter.objects.select_for_update().get(year=int(year)),
    )

    done, refused = split(outcomes)
    assert refused == []
    assert sorted(c.reference for c in done) == [f"KL-{year}-000002", f"KL-{year}-000003"]
    assert ReferenceCounter.objects.get(year=int(year)).last == 3


def test_the_first_two_complaints_of_a_year_logged_at_once_get_distinct_references(
    agent, other_agent
):
    """Neither finds the year's counter row, so both try to create it: one wins the insert
    and the other, refused by the unique key, counts on from the winner's row."""
    received_at = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert not ReferenceCounter.objects.filter(year=2024).exists()

    outcomes = race(
        _create(agent, received_at),
        _create(other_agent, received_at),
        # Inserted, never committed: both threads' inserts queue behind it, then race.
        hold=lambda: ReferenceCounter.objects.create(year=2024, last=0),
        back_off=True,
    )

    done, refused = split(outcomes)
    assert refused == []
    assert sorted(c.reference for c in done) == ["KL-2024-000001", "KL-2024-000002"]
    assert ReferenceCounter.objects.get(year=2024).last == 2
