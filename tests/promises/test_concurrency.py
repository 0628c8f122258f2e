"""A person and the dispatcher, or two people, acting on one promise at the same moment.

PostgreSQL only (row locks across connections), like tests/complaints/test_concurrency.py,
whose ``race`` makes the calls collide: the test holds the complaint's row lock until every
call waits behind it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from common.errors import TransitionNotAllowed
from complaints import services
from complaints.care import promises
from complaints.models import (
    CallbackPromise,
    JobKind,
    JobState,
    Notification,
    NotificationKind,
    PromiseState,
    ScheduledJob,
)
from complaints.scheduling import dispatch
from tests.complaints.test_concurrency import lock_row, race
from tests.promises.conftest import solving

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks across connections (set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True, scope="module")
def _migrated_rows_back_afterwards(django_db_blocker: Any) -> Iterator[None]:
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)
            connection.close()


def test_a_promise_kept_while_the_dispatcher_breaks_it_ends_one_way_only(agent, manager):
    due = timezone.now() + timedelta(hours=1)
    complaint = solving(agent, promised_at=due)
    promise = complaint.promises.get()
    ScheduledJob.objects.filter(kind=JobKind.PROMISE_REMINDER).update(state=JobState.DONE)
    ScheduledJob.objects.exclude(kind=JobKind.PROMISE_BROKEN).update(state=JobState.DONE)

    keep, broke = race(
        lambda: promises.promise_keep(promise=promise, actor=agent),
        lambda: dispatch.dispatch_batch(now=due + timedelta(minutes=16)),
        hold=lock_row(complaint),
    )

    assert broke == 1  # the dispatcher claimed the job either way
    promise.refresh_from_db()
    broken_notes = Notification.objects.filter(kind=NotificationKind.PROMISE_BROKEN)
    if promise.state == PromiseState.KEPT:
        assert not broken_notes.exists()
        assert ScheduledJob.objects.get(kind=JobKind.PROMISE_BROKEN).state == JobState.SKIPPED
    else:
        assert promise.state == PromiseState.BROKEN
        assert isinstance(keep, TransitionNotAllowed)
        assert broken_notes.count() == 2  # the owner and the manager


def test_keeping_a_promise_while_its_complaint_is_transferred_does_not_deadlock(
    agent, other_agent, manager
):
    complaint = solving(agent, promised_at=timezone.now() + timedelta(days=1))
    promise = complaint.promises.get()

    kept, transferred = race(
        lambda: promises.promise_keep(promise=promise, actor=manager),
        lambda: services.complaint_transfer(
            complaint=complaint, actor=manager, to_user=other_agent, reason="Vakantie"
        ),
        hold=lock_row(complaint),
    )

    assert not isinstance(kept, Exception), kept
    assert not isinstance(transferred, Exception), transferred
    assert CallbackPromise.objects.get(pk=promise.pk).state == PromiseState.KEPT
