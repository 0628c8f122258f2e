"""Root-cause report benchmark: one month's report and the 12-month trends over 1,000,000
complaints in PostgreSQL.

The requirement it measures: with 1,000,000 complaints in PostgreSQL on this machine, generating
one month's report takes under 2 s, and the 12-month trends under 5 s.

Usage (from the project root)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kw_report_bench \\
        .venv/bin/python bench/report_bench.py [--complaints 1000000] [--rounds 3] [--regenerate]

What it does:

1. Creates the database when it is missing and runs the migrations. It only touches a database
   whose name contains "bench".
2. Generates the data when fewer complaints are there (or with ``--regenerate``), inside
   PostgreSQL with ``INSERT … SELECT generate_series`` (no rows travel through Python):
   complaints over the 24 months before the current one, 90 % of them resolved with a skewed
   (Pareto-like) root cause, stored in the order they were received (as in life), the three
   triad steps, callback promises (one in three), follow-ups
   with an NPS answer (one in four), approved goodwill gestures (one in fifty) and corrective
   actions; then ``VACUUM ANALYZE``.
3. Times, ``--rounds`` times each: ``figures.compute`` for last month (the whole report, trends
   included, as the monthly task runs it), ``figures.trend`` for the top five causes over 12
   months, and ``services.report_generate`` (compute and store the snapshot). Prints the best
   and median of each against the targets.

Exit status: 0 when both targets are met, 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MONTH_TARGET_S = 2.0
TREND_TARGET_S = 5.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true", help="delete and generate anew")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a tiny run (3,000 complaints, one round, generated anew) that only checks the "
        "script still works: errors fail it, missed targets do not",
    )
    args = parser.parse_args()
    if args.smoke:
        args.complaints, args.rounds, args.regenerate = 3_000, 1, True
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql"}:
        parser.error("set DATABASE_URL=postgres://user@host:port/kw_report_bench")
    if "bench" not in urlsplit(url).path:
        parser.error("the database name must contain 'bench': this script fills it")
    args.url = url
    return args


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"Creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdefghij",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


# --- Data --------------------------------------------------------------------------------------

# Every statement runs inside PostgreSQL; %(…)s are parameters.
GENERATE = [
    "SELECT setseed(0.2026)",
    """
    INSERT INTO complaints_customer (name, email, phone, customer_number, language, created_at)
    SELECT 'Bench klant ' || g, 'bench' || g || '@example.com', '', 'BENCH-' || g, 'nl', now()
    FROM generate_series(1, %(customers)s) g
    """,
    # Causes get a skewed share (index ~ n·u²: a few causes carry most complaints).
    """
    INSERT INTO complaints_complaint (
        reference, channel, received_at, subject, facts, category, priority, stage,
        emotion_at_intake, emotion_intensity, emotion_at_resolution, request_domain, outcome,
        balance, alternatives_offered, resolution_summary, customer_contribution, liability,
        acknowledge_due_at, resolve_due_at, acknowledged_at, resolved_at, closed_at,
        created_at, updated_at, owner_id, customer_id, root_cause_id, closed_in_source
    )
    SELECT
        'BENCH-' || lpad(g::text, 9, '0'),
        (ARRAY['phone','email','chat','web_form','letter','in_person','social'])[1 + floor(r1 * 7)::int],
        rec, 'Bench complaint', 'Generated for the report benchmark.',
        (ARRAY['Mobile','Internet','TV','Energy','Insurance'])[1 + floor(r2 * 5)::int],
        'normal',
        CASE WHEN resolved THEN 'resolved' ELSE 'solving' END,
        (ARRAY['angry','frustrated','anxious','aggrieved','disappointed','neutral'])[1 + floor(r3 * 6)::int],
        3,
        CASE WHEN resolved THEN (ARRAY['satisfied','neutral','disappointed','frustrated'])[1 + floor(r4 * 4)::int] ELSE '' END,
        '',
        CASE WHEN resolved THEN (ARRAY['upheld','upheld','partly_upheld','not_upheld'])[1 + floor(r2 * 4)::int] ELSE '' END,
        '',
        CASE WHEN r4 < 0.8 THEN 'Een alternatief aangeboden.' ELSE '' END,
        CASE WHEN resolved THEN 'Opgelost.' ELSE '' END, '', '',
        rec + interval '1 day', rec + interval '14 days',
        rec + r1 * interval '48 hours',
        CASE WHEN resolved THEN rec + r1 * interval '48 hours' + (1 + r2 * 400) * interval '1 hour' END,
        NULL, rec, rec,
        (SELECT array_agg(id ORDER BY id) FROM accounts_user WHERE username LIKE 'bench-report-__')[1 + g %% 20],
        %(first_customer)s + g %% %(customers)s,
        CASE WHEN resolved THEN causes[1 + floor(array_length(causes, 1) * r5 * r5)::int] END,
        false
    FROM (
        SELECT g, %(start)s::timestamptz + random() * (%(end)s::timestamptz - %(start)s::timestamptz) AS rec,
               random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
               random() < 0.9 AS resolved,
               (SELECT array_agg(id ORDER BY id) FROM complaints_rootcause WHERE parent_id IS NOT NULL) AS causes
        FROM generate_series(1, %(complaints)s) g
    ) AS base
    ORDER BY rec  -- ids and rows follow the received moment, as complaints arrive in life
    """,
    """
    INSERT INTO complaints_understandingstep
        (complaint_id, emotion, intensity, acknowledgement, recorded_by_id, recorded_at)
    SELECT id, emotion_at_intake, 3, 'Begrip getoond.', owner_id, acknowledged_at
    FROM complaints_complaint WHERE acknowledged_at IS NOT NULL AND reference LIKE 'BENCH-%%'
    """,
    """
    INSERT INTO complaints_apologystep (complaint_id, apology, apologised_at, recorded_by_id, recorded_at)
    SELECT id, 'Sorry.', acknowledged_at + interval '10 minutes', owner_id,
           acknowledged_at + interval '10 minutes'
    FROM complaints_complaint WHERE resolved_at IS NOT NULL AND reference LIKE 'BENCH-%%'
    """,
    """
    INSERT INTO complaints_solutionstep
        (complaint_id, facts_summary, next_steps, promised_at, recorded_by_id, recorded_at, wishes)
    SELECT id, 'Feiten.', 'Stappen.', acknowledged_at + interval '1 day', owner_id,
           acknowledged_at + interval '30 minutes',
           (ARRAY['[]', '["comfort"]', '["convenience", "identity"]'])[1 + (id %% 3)::int]::jsonb
    FROM complaints_complaint WHERE resolved_at IS NOT NULL AND reference LIKE 'BENCH-%%'
    """,
    """
    INSERT INTO complaints_callbackpromise (
        due_at, channel, purpose, origin, notify_customer, state, created_at, note, cancel_reason,
        complaint_id, created_by_id, owner_id
    )
    SELECT received_at + interval '1 day', 'phone', 'Terugbellen', 'solve', false,
           (ARRAY['kept','kept','kept','broken','unreachable'])[1 + (id %% 5)::int],
           received_at, '', '', id, owner_id, owner_id
    FROM complaints_complaint WHERE id %% 3 = 0 AND reference LIKE 'BENCH-%%'
    """,
    """
    INSERT INTO complaints_followup (
        due_at, state, send_survey, created_at, nps, emotion_now, note, answered_via,
        waive_reason, ended_at, complaint_id, owner_id
    )
    SELECT resolved_at + interval '30 days', 'completed', false, resolved_at, (id %% 11)::int,
           (ARRAY['satisfied', 'neutral', 'disappointed', ''])[1 + (id %% 4)::int], '', 'agent',
           '', resolved_at + interval '30 days', id, owner_id
    FROM complaints_complaint
    WHERE id %% 4 = 0 AND resolved_at IS NOT NULL AND reference LIKE 'BENCH-%%'
    """,
    """
    INSERT INTO complaints_coulancerequest (
        kind, description, amount, currency, amount_eur, reason, liability, request_domain,
        assessment, balance, status, requested_at, passed, decided_at, decision_comment,
        customer_contribution, complaint_id, decided_by_id, requested_by_id
    )
    SELECT 'voucher', '', 25 + (id %% 100), 'EUR', 25 + (id %% 100), 'Gebaar.', 'not_liable',
           'past', 'Redelijk.', 'win_win', 'approved', resolved_at - interval '1 hour', '[]',
           resolved_at - interval '30 minutes', '', '', id,
           (SELECT min(id) FROM accounts_user WHERE username = 'bench-report-manager'), owner_id
    FROM complaints_complaint
    WHERE id %% 50 = 0 AND resolved_at IS NOT NULL AND reference LIKE 'BENCH-%%'
    """,
    """
    INSERT INTO reports_correctiveaction (
        root_cause_id, title, description, owner_id, due_on, status, drop_reason, result,
        created_by_id, created_at, started_at, done_at, dropped_at
    )
    SELECT c.id, 'Verbeteractie ' || c.code, '', u.id, (%(end)s::date - 30 + (c.id %% 60)::int),
           CASE WHEN c.id %% 3 = 0 THEN 'done' ELSE 'in_progress' END, '', '', u.id,
           %(start)s::timestamptz + interval '200 days', %(start)s::timestamptz + interval '201 days',
           CASE WHEN c.id %% 3 = 0 THEN %(end)s::timestamptz - (c.id %% 90) * interval '1 day' END,
           NULL
    FROM complaints_rootcause c, (SELECT min(id) AS id FROM accounts_user
                                  WHERE username = 'bench-report-manager') u
    WHERE c.parent_id IS NOT NULL
    """,
]


def ensure_users() -> None:
    from django.contrib.auth.models import Group

    from accounts.models import Team, User
    from accounts.roles import GROUP_NAMES, Role

    team, _ = Team.objects.get_or_create(name="Bench report team")
    manager, _ = User.objects.get_or_create(
        username="bench-report-manager", defaults={"team": team, "last_name": "Manager"}
    )
    manager.groups.add(Group.objects.get(name=GROUP_NAMES[Role.MANAGER]))
    for n in range(20):
        agent, _ = User.objects.get_or_create(
            username=f"bench-report-{n:02d}", defaults={"team": team, "last_name": f"Agent {n}"}
        )
        agent.groups.add(Group.objects.get(name=GROUP_NAMES[Role.AGENT]))


def generate(complaints: int, *, regenerate: bool) -> None:
    from django.db import connection
    from django.utils import timezone

    from complaints.models import Complaint
    from reports import figure_parts

    have = Complaint.objects.filter(reference__startswith="BENCH-").count()
    if have >= complaints and not regenerate:
        print(f"Using the {have:,} generated complaints already there.")
        return
    print(f"Generating {complaints:,} complaints in PostgreSQL …", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE complaints_complaint, complaints_customer, reports_correctiveaction,"
            " reports_rootcausereport CASCADE"
        )
    ensure_users()
    today = timezone.localdate()
    this_month = figure_parts.month_start(today)
    params: dict[str, Any] = {
        "complaints": complaints,
        "customers": max(complaints // 10, 1),
        "start": figure_parts.local_midnight(figure_parts.month_start(today, 24)).isoformat(),
        "end": figure_parts.local_midnight(this_month).isoformat(),
    }
    with connection.cursor() as cursor:
        for statement in GENERATE:
            if "complaints_complaint (" in statement:
                cursor.execute("SELECT coalesce(min(id), 0) FROM complaints_customer")
                params["first_customer"] = cursor.fetchone()[0]
            cursor.execute(statement, params)
    with connection.cursor() as cursor:  # Django's autocommit: VACUUM runs outside a transaction
        cursor.execute("VACUUM ANALYZE")
    print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)


# --- Timing ------------------------------------------------------------------------------------


def timed(label: str, rounds: int, run: object) -> list[float]:
    assert callable(run)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    args = parse_args()
    ensure_database(args.url)
    setup_django(args.url)
    generate(args.complaints, regenerate=args.regenerate)

    from django.utils import timezone

    from accounts.models import User
    from complaints.models import Complaint
    from reports import agents, figure_parts, figures, services
    from reports.models import RootCauseReport

    total = Complaint.objects.count()
    now = timezone.now()
    start = services.previous_month(now)
    end = services.month_end(start)
    period = figure_parts.Period(start, end)
    resolved = Complaint.objects.filter(
        resolved_at__gte=period.start_at, resolved_at__lt=period.end_at
    )
    top = [row["code"] for row in figures.pareto(resolved)["causes"][: figures.TOP_CAUSES]]
    print(f"{total:,} complaints; report for {start} – {end} ({resolved.count():,} resolved in it)")
    quality = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-report-admin", password=None
    )
    print(f"figures per agent: {agents.agents_in_scope(quality).count()} people")

    results = {
        "month report (figures.compute)": (
            timed("month", args.rounds, lambda: figures.compute(start=start, end=end, now=now)),
            MONTH_TARGET_S,
        ),
        "12-month trends (top 5 causes)": (
            timed("trend", args.rounds, lambda: figures.trend(period, top)),
            TREND_TARGET_S,
        ),
        "figures per agent, everyone, a month": (
            timed(
                "agents",
                args.rounds,
                lambda: agents.agent_figures(list(agents.agents_in_scope(quality)), period),
            ),
            MONTH_TARGET_S,
        ),
        "month report stored (service)": (
            timed(
                "store",
                args.rounds,
                lambda: services.report_generate(start=start, end=end, actor=None, now=now),
            ),
            MONTH_TARGET_S,
        ),
    }
    RootCauseReport.objects.filter(kind="on_demand", generated_by=None).delete()
    # What each section on customers' experience costs of the month report (same rounds).
    from django.db import transaction

    from reports import experience

    sections = {
        "triad": lambda: experience.triad(resolved, short_period=True),
        "emotions": lambda: experience.emotions(resolved),
        "journey": lambda: experience.journey(resolved, period),
        "wishes": lambda: experience.wishes(resolved),
        "nps": lambda: experience.nps(period),
        "outcomes": lambda: experience.outcomes(resolved),
    }
    print(f"\n{'section of the month report':36} {'best':>8} {'median':>8}")
    for name, section in sections.items():

        def in_transaction(section: Any = section) -> None:
            with transaction.atomic():  # as the report computes it
                section()

        times = timed(name, args.rounds, in_transaction)
        print(f"{name:36} {min(times):7.3f}s {statistics.median(times):7.3f}s")
    ok = True
    print(f"\n{'scenario':36} {'best':>8} {'median':>8} {'target':>8}")
    for label, (times, target) in results.items():
        best, median = min(times), statistics.median(times)
        met = median < target
        ok &= met
        print(
            f"{label:36} {best:7.3f}s {median:7.3f}s {'<' + str(target) + 's':>8} "
            f"{'met' if met else 'MISSED'}"
        )
    if args.smoke:
        print("(smoke run: the figures only show that the script works)")
        return 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
