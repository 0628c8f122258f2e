"""Scheduler benchmark: 10,000 due promises dispatched by two Celery workers.

The requirement it measures: dispatching 10,000 due promises takes under 20 s with two workers
on PostgreSQL + Redis on this machine, and the per-minute dispatcher's query count per batch is
constant (``tests/promises/test_dispatch.py`` asserts that too).

Usage (from the project root)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kw_promises_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/promises_bench.py [--promises 10000] [--batch-size 100]

What it does:

1. Creates the database when it is missing and migrates it (only a database whose name
   contains "bench"), and empties the promise, job, notification and email tables.
2. Measures the queries of one dispatcher batch of 10 and of 100 due reminders, in-process.
3. Writes ``--promises`` callback promises with their reminder jobs, not yet due; starts two
   workers (``--pool solo``, one process each: two cores) and beat ticking every second, and
   waits until both workers have run a tick.
4. Makes every reminder due at once and measures until every job is done (dispatched: the
   owner's notification and the email row written) and until every email was handed to the
   mail server (a file backend in a temporary folder).
5. Checks that every reminder was notified once and every email went out exactly once.

Exit status: 0 when the target is met and nothing was lost or doubled, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

TARGET_SECONDS = 20.0


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    maintenance = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--promises", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="200 promises: checks the script still works and nothing is lost or doubled "
        "(a missed target does not fail it)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.promises = 200

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL=postgres://…/<name with 'bench'>: SKIP LOCKED is measured.")
    ensure_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Team, User
    from complaints.models import (
        CallbackPromise,
        Complaint,
        EmailState,
        JobKind,
        JobState,
        Notification,
        OutgoingEmail,
        ScheduledJob,
    )
    from complaints.scheduling import dispatch
    from config.celery import app
    from tests.promises.cluster import Cluster, running, wait_until

    call_command("migrate", verbosity=0)
    for model in (Notification, OutgoingEmail, ScheduledJob, CallbackPromise):
        model.objects.all().delete()

    team, _ = Team.objects.get_or_create(name="Bench team")
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"team": team, "email": "manager@example.com"}
    )
    team.manager = manager
    team.save()
    agent, _ = User.objects.get_or_create(
        username="bench-agent",
        defaults={"team": team, "email": "agent@example.com", "first_name": "Anna"},
    )
    complaint = Complaint.objects.filter(owner=agent).first()
    if complaint is None:
        from complaints.models import Customer
        from complaints.services import deadlines_for, reference_next

        now = timezone.now()
        ack, resolve = deadlines_for(priority="normal", received_at=now)
        complaint = Complaint.objects.create(
            reference=reference_next(year=now.year),
            customer=Customer.objects.create(name="Bench Klant", phone="+31 6 0000 0000"),
            channel="phone",
            subject="Benchmark",
            facts="Benchmark",
            owner=agent,
            acknowledge_due_at=ack,
            resolve_due_at=resolve,
        )

    def make(count: int, *, due_in: timedelta, prefix: str) -> None:
        now = timezone.now()
        promises = CallbackPromise.objects.bulk_create(
            [
                CallbackPromise(
                    complaint=complaint,
                    owner=agent,
                    due_at=now + timedelta(hours=2),
                    purpose=f"Terugbellen {i}",
                    created_by=agent,
                    created_at=now,
                )
                for i in range(count)
            ],
            batch_size=2000,
        )
        ScheduledJob.objects.bulk_create(
            [
                ScheduledJob(
                    key=f"{prefix}:{JobKind.PROMISE_REMINDER}:{p.pk}",
                    kind=JobKind.PROMISE_REMINDER,
                    complaint=complaint,
                    promise=p,
                    due_at=now + due_in,
                    target_at=p.due_at,
                    created_at=now,
                )
                for p in promises
            ],
            batch_size=2000,
        )

    # 2. Queries per batch, in this process.
    counts = {}
    for size in (10, 100):
        make(size, due_in=timedelta(seconds=-1), prefix=f"sample{size}")
        with CaptureQueriesContext(connection) as queries:
            claimed = dispatch.dispatch_batch(size=size)
        assert claimed == size
        counts[size] = len(queries)
    for model in (Notification, OutgoingEmail, ScheduledJob, CallbackPromise):
        model.objects.all().delete()
    print(f"queries per dispatcher batch: {counts[10]} for 10 rows, {counts[100]} for 100 rows")

    def connected(names: set[str]) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT application_name FROM pg_stat_activity"
                " WHERE datname = current_database()"
            )
            return names <= {name for (name,) in cursor.fetchall()}

    # 3. The promises, not yet due, and the cluster.
    make(args.promises, due_in=timedelta(hours=1), prefix="bench")
    connection.close()
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("filesystem"):
        app.control.purge()
    with tempfile.TemporaryDirectory(prefix="kw-promises-bench-") as tmp:
        cluster = Cluster(
            workdir=Path(tmp),
            database=settings.DATABASES["default"],
            broker_url=broker,
            batch_size=args.batch_size,
        )
        with running(cluster):
            cluster.worker("worker-1")
            cluster.worker("worker-2")
            cluster.beat("beat")
            # Ready when both workers have run a tick's drain (they connect to the database).
            wait_until(
                lambda: connected({"kw-worker-1", "kw-worker-2"}),
                timeout=60,
                what="two workers",
                cluster=cluster,
            )

            # 4. Everything due at once.
            started = time.monotonic()
            ScheduledJob.objects.filter(state=JobState.PENDING).update(due_at=timezone.now())
            total = args.promises
            dispatched_at = sent_at = None
            while sent_at is None:
                if time.monotonic() - started > 300:
                    print(cluster.logs())
                    sys.exit("gave up after 300 s")
                if (
                    dispatched_at is None
                    and not ScheduledJob.objects.filter(state=JobState.PENDING).exists()
                ):
                    dispatched_at = time.monotonic() - started
                if OutgoingEmail.objects.filter(state=EmailState.SENT).count() == total:
                    sent_at = time.monotonic() - started
                    dispatched_at = dispatched_at or sent_at
                time.sleep(0.1)
            assert dispatched_at is not None
        # 5. Exactly once.
        notified = Notification.objects.count()
        sent = cluster.sent_message_ids()
        doubled = sum(1 for times in sent.values() if times > 1)
        lost = total - len(sent)

    print(f"promises due at once:    {total:,}")
    print(
        f"workers:                 2 (solo pool), beat ticking every 1 s, batch {args.batch_size}"
    )
    print(f"broker:                  {urlsplit(broker).scheme}, database: PostgreSQL")
    print(
        f"all dispatched after:    {dispatched_at:.1f} s ({total / dispatched_at:,.0f} reminders/s)"
        f"  target < {TARGET_SECONDS:.0f} s"
    )
    print(f"all emails sent after:   {sent_at:.1f} s ({total / sent_at:,.0f} emails/s)")
    print(f"notifications: {notified:,}; emails lost: {lost}; emails sent twice: {doubled}")
    constant = counts[10] == counts[100]
    print(f"query count per batch constant: {'yes' if constant else 'NO'}")
    correct = notified == total and lost == 0 and doubled == 0
    if args.smoke:
        print("(smoke run: the figures only show that the script works)")
        return 0 if correct and constant else 1
    ok = dispatched_at < TARGET_SECONDS and correct
    return 0 if ok and constant else 1


if __name__ == "__main__":
    sys.exit(main())
