"""Faults the scheduler must survive, on real Celery workers and beat against PostgreSQL and the
configured broker (the filesystem one by default, Redis in CI): every reminder exactly once.

The workers run the project's own settings in child processes against the test database, so
the data must be committed (transactional tests) and PostgreSQL is needed: SQLite's test
database lives in this process's memory. Beat ticks every second here instead of every minute;
the promises are made due by their rows, so no test sleeps for real minutes.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from complaints.models import (
    CallbackPromise,
    EmailState,
    JobKind,
    JobState,
    Notification,
    NotificationKind,
    OutgoingEmail,
    ScheduledJob,
)
from config.celery import app
from tests.factories import make_complaint
from tests.promises.cluster import Cluster, running, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the workers are other processes, and SKIP LOCKED is the point "
        "(set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT = 45  # seconds; a guard against a hang, not a timing assertion


@pytest.fixture(autouse=True, scope="module")
def _migrated_rows_back_afterwards(django_db_blocker: Any) -> Iterator[None]:
    """Transactional tests empty every table; put the migrated rows back at the end (as the
    concurrency tests do) so that a kept test database is complete on the next run."""
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)
            connection.close()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("filesystem"):
        app.control.purge()  # messages left over from an earlier run are not ours
    with running(
        Cluster(workdir=tmp_path, database=settings.DATABASES["default"], broker_url=broker)
    ) as started:
        yield started


def make_due_promises(agent: Any, count: int) -> list[str]:
    """``count`` promises whose reminders are due now; the keys their emails will carry."""
    complaint = make_complaint(owner=agent)
    now = timezone.now()
    promises = CallbackPromise.objects.bulk_create(
        CallbackPromise(
            complaint=complaint,
            owner=agent,
            due_at=now + timedelta(minutes=10),
            purpose=f"Terugbellen {i}",
            created_by=agent,
            created_at=now,
        )
        for i in range(count)
    )
    ScheduledJob.objects.bulk_create(
        ScheduledJob(
            key=f"{JobKind.PROMISE_REMINDER}:{p.pk}:0",
            kind=JobKind.PROMISE_REMINDER,
            complaint=complaint,
            promise=p,
            due_at=now - timedelta(seconds=1),
            target_at=p.due_at,
            created_at=now,
        )
        for p in promises
    )
    # The complaint's own acknowledgement and deadline watch are not what is counted here.
    OutgoingEmail.objects.all().delete()
    ScheduledJob.objects.exclude(kind=JobKind.PROMISE_REMINDER).delete()
    return [f"{JobKind.PROMISE_REMINDER}:{p.pk}:0:{agent.pk}" for p in promises]


def reminders_sent() -> int:
    return OutgoingEmail.objects.filter(
        state=EmailState.SENT, key__startswith=JobKind.PROMISE_REMINDER
    ).count()


def assert_each_reminder_exactly_once(cluster: Cluster, keys: list[str]) -> None:
    notified = list(
        Notification.objects.filter(kind=NotificationKind.PROMISE_REMINDER).values_list(
            "promise_id", flat=True
        )
    )
    assert len(notified) == len(set(notified)) == len(keys)
    assert not CallbackPromise.objects.filter(reminded_at__isnull=True).exists()
    assert not ScheduledJob.objects.filter(state=JobState.PENDING).exists()
    emails = dict(OutgoingEmail.objects.values_list("key", "pk"))
    assert sorted(emails) == sorted(keys)
    sent = cluster.sent_message_ids()
    expected = {f"<{key}.{pk}@klachtwijzer>" for key, pk in emails.items()}
    assert set(sent) == expected, "an email was lost"
    assert [m for m, times in sent.items() if times > 1] == [], "an email went out twice"


def test_a_thousand_due_at_once_two_workers_and_beat_each_reminder_exactly_once(cluster, agent):
    keys = make_due_promises(agent, 1000)
    cluster.worker("worker-1")
    cluster.worker("worker-2")
    cluster.beat("beat")

    wait_until(
        lambda: reminders_sent() == 1000, timeout=TIMEOUT, what="1000 reminders", cluster=cluster
    )
    cluster.stop()

    assert_each_reminder_exactly_once(cluster, keys)


def _in_a_transaction(application_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
            "AND xact_start IS NOT NULL AND state <> 'idle'",
            [application_name],
        )
        (count,) = cursor.fetchone()
    return bool(count)


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(cluster, agent):
    keys = make_due_promises(agent, 1000)
    # The dispatching worker alone on the dispatch queue, a second one sends the mail.
    cluster.worker("dispatcher", queues="celery")
    cluster.worker("mailer", queues="mail")
    cluster.beat("beat")

    def mid_batch() -> bool:
        done = ScheduledJob.objects.filter(state=JobState.DONE).count()
        return 0 < done < 1000 and _in_a_transaction("kw-dispatcher")

    wait_until(mid_batch, timeout=TIMEOUT, what="a batch in progress", cluster=cluster)
    cluster.kill("dispatcher")  # SIGKILL, inside the batch's transaction

    done = ScheduledJob.objects.filter(state=JobState.DONE).count()
    assert done < 1000, "the kill came too late to prove anything"
    # The killed batch left no trace: every notification belongs to a committed job.
    assert Notification.objects.count() == done
    assert OutgoingEmail.objects.count() == done

    cluster.worker("dispatcher-restarted", queues="celery")
    wait_until(lambda: reminders_sent() == 1000, timeout=TIMEOUT, what="the rest", cluster=cluster)
    cluster.stop()

    assert_each_reminder_exactly_once(cluster, keys)


def test_two_beat_schedulers_still_send_each_reminder_once(cluster, agent):
    keys = make_due_promises(agent, 300)
    cluster.worker("worker-1")
    cluster.worker("worker-2")
    cluster.beat("beat-a")
    cluster.beat("beat-b")

    wait_until(
        lambda: reminders_sent() == 300, timeout=TIMEOUT, what="300 reminders", cluster=cluster
    )
    time.sleep(2)  # both schedulers keep ticking: still nothing more goes out
    cluster.stop()

    assert_each_reminder_exactly_once(cluster, keys)


def _restart_broker(cluster: Cluster) -> None:
    """Restart the broker: every message it held (queued or delivered, unacknowledged) is lost."""
    url = settings.CELERY_BROKER_URL
    scheme = urlsplit(url).scheme
    if scheme == "filesystem":
        cluster.wipe_filesystem_broker()
        return
    if scheme == "redis":
        parts = urlsplit(url)
        port = str(parts.port or 6379)
        subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], check=False)
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "-::1",
                "--port",
                port,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                "/var/lib/redis",
                "--logfile",
                "/var/log/redis/ci.log",
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ping = subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True, text=True)
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise AssertionError("Redis did not come back")
    raise AssertionError(f"no restart for {scheme}")


def _can_restart_broker() -> str | None:
    """Why the broker cannot be restarted by this test, or None when it can."""
    parts = urlsplit(settings.CELERY_BROKER_URL)
    if parts.scheme == "filesystem":
        return None
    if parts.scheme == "redis":
        if parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
            return "the Redis server is not on this machine"
        if not (shutil.which("redis-server") and shutil.which("redis-cli")):
            return "redis-server/redis-cli are not installed here"
        if not Path("/var/lib/redis").is_dir() or not Path("/var/log/redis").is_dir():
            return "the Redis folders of the CI start command are missing"
        return None
    return (
        f"restarting the {parts.scheme} broker would take it down for every other user of the "
        "server; the restart is tested on Redis and on the filesystem broker"
    )


def test_a_broker_restart_while_promises_are_due_loses_nothing(cluster, agent):
    if reason := _can_restart_broker():
        pytest.skip(reason)
    keys = make_due_promises(agent, 300)
    cluster.worker("worker-1")
    cluster.worker("worker-2")
    cluster.beat("beat")
    wait_until(
        lambda: ScheduledJob.objects.filter(state=JobState.DONE).exists(),
        timeout=TIMEOUT,
        what="the first batch",
        cluster=cluster,
    )

    _restart_broker(cluster)  # queued ticks, drains and mail kicks are gone

    wait_until(
        lambda: reminders_sent() == 300, timeout=TIMEOUT, what="300 reminders", cluster=cluster
    )
    cluster.stop()

    assert_each_reminder_exactly_once(cluster, keys)
