"""API benchmark: list and create complaints through gunicorn against PostgreSQL.

The requirement it measures: with 100,000 complaints in PostgreSQL, served by gunicorn on a
2-core machine, listing (the first page, and a filtered page) runs at >= 300 requests/s with
p99 under 50 ms, and creating complaints at >= 200 requests/s.

Usage (from the project root)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kw_bench \\
        .venv/bin/python bench/api_bench.py [--complaints 100000] [--duration 15] \\
        [--connections N] [--workers N] [--regenerate] [--load-generator auto|wrk|python] \\
        [--sweep-duration 5] [--wsgi-app config.wsgi] [--baseline DIR [--rounds 3]]

What it does:

1. Creates the database when it is missing (through the ``postgres`` maintenance database) and
   runs the migrations. It only touches a database whose name contains "bench".
2. Generates the data when it is not there yet (or with ``--regenerate``): customers and
   complaints spread over stages, channels, priorities, owners and two years of received
   dates, with valid references, deadlines, triad steps and audit events, written with COPY;
   the reference counters are set to the highest number used, so creates continue after them.
   Users: two teams of agents with their managers; the requests use token authentication.
3. Starts gunicorn (sync workers) on 127.0.0.1 on a free port with DEBUG=false. Without
   ``--workers`` it first tries 2 to 5 workers in short rounds and keeps the best count.
4. Loads three scenarios for ``--duration`` seconds each: the first page of the list (agent),
   a filtered page (manager), and creating complaints (agent). It uses ``wrk`` when installed
   (Debian package ``wrk``), otherwise a small Python load generator, and says which.
5. Prints requests/s, p50, p99 and errors per scenario next to the targets.

The load is closed-loop: ``--connections`` clients (default twice the workers) each send the
next request when the last one is answered. gunicorn's sync workers close the connection after
every response, so each request opens a new TCP connection, as behind a proxy without
keep-alive. ``--wsgi-app module`` serves another WSGI module (e.g. an experiment that patches
the app) instead of ``config.wsgi``. Creates add complaints: the data is generated again only
when fewer than ``--complaints`` are present.

``--baseline DIR`` compares this tree with another checkout of the project (``git worktree add
DIR <commit>``, with its own ``.venv`` or a link to this one) side by side in one run: on the
same data, gunicorn serves each tree in turn, ``--rounds`` times (the order swapped every round,
so a slower stretch of the machine falls on both), for the two list scenarios; it prints both
figures per scenario and their ratio. Without ``--workers`` it uses 2. Exit status 1 there means
this tree lists more than 10 % slower than the baseline.

Exit status: 0 when every target is met, 1 when a target is missed, 2 when any request failed
(a non-2xx status or a socket error).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import itertools
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
WORKER_CHOICES = (2, 3, 4, 5)
SEED = 20260101

# Targets of the requirement.
LIST_RPS = 300.0
LIST_P99_MS = 50.0
CREATE_RPS = 200.0
# Above this share of the CPUs taken by other processes, the run is reported as disturbed.
OTHER_CPU_WARNING = 0.05

# --- Arguments ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Options:
    database_url: str
    complaints: int
    duration: float
    sweep_duration: float
    connections: int | None
    workers: int | None
    regenerate: bool
    load_generator: str
    max_requests: int
    wsgi_app: str
    smoke: bool = False
    baseline: Path | None = None
    rounds: int = 3


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description="Benchmark the complaint API under gunicorn against PostgreSQL.",
    )
    parser.add_argument("--complaints", type=int, default=100_000, help="complaints to generate")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument(
        "--sweep-duration",
        type=float,
        default=5.0,
        help="seconds per scenario while choosing the worker count",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=None,
        help="concurrent connections (default: twice the worker count)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn sync workers (default: try 2 to 5 and keep the best)",
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="drop the database and generate anew"
    )
    parser.add_argument(
        "--load-generator",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="wrk when installed (auto), or force one",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=500_000,
        help="upper bound of requests per scenario for the Python load generator",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a tiny run (300 complaints, 1 worker, 1 s per scenario) that only checks the "
        "script still works: errors fail it, missed targets do not",
    )
    parser.add_argument(
        "--wsgi-app",
        default="config.wsgi",
        help="the WSGI application gunicorn serves (default: config.wsgi)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout of the project to compare the list with, side by side",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="with --baseline: rounds per tree (default 3)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.complaints, args.duration, args.workers = 300, 1.0, args.workers or 1
        args.max_requests = min(args.max_requests, 2_000)
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql"}:
        parser.error("set DATABASE_URL=postgres://user@host:port/kw_bench (PostgreSQL only)")
    if "bench" not in database_name(url):
        parser.error("the database name must contain 'bench': this script drops and fills it")
    if args.complaints < 100:
        parser.error("--complaints must be at least 100")
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.connections is not None and args.connections < 1:
        parser.error("--connections must be at least 1")
    if args.baseline is not None and not (args.baseline / "config" / "wsgi.py").is_file():
        parser.error(f"--baseline {args.baseline}: no checkout of the project (config/wsgi.py)")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return Options(
        database_url=url,
        complaints=args.complaints,
        duration=args.duration,
        sweep_duration=args.sweep_duration,
        connections=args.connections,
        workers=args.workers,
        regenerate=args.regenerate,
        load_generator=args.load_generator,
        max_requests=args.max_requests,
        wsgi_app=args.wsgi_app,
        smoke=args.smoke,
        baseline=args.baseline.resolve() if args.baseline is not None else None,
        rounds=args.rounds,
    )


# --- Database ----------------------------------------------------------------------------------


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def ensure_database(url: str, *, drop: bool) -> None:
    """Create the benchmark database when missing (drop it first with ``drop``)."""
    import psycopg
    from psycopg import sql

    name = database_name(url)
    parts = urlsplit(url)
    # Only the address: options such as server_side_binding are for Django, not libpq.
    maintenance = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if drop:
            print(f"Dropping database {name} (--regenerate)")
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"Creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_environment(url: str) -> dict[str, str]:
    """The environment the app runs with here and under gunicorn: production-like settings."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # Plain HTTP on loopback, as behind a proxy that has ended TLS.
        "SECURE_SSL_REDIRECT": "false",
        # The API's throttles stay on (their cache round trips are part of every request), at
        # a rate this load never reaches: one second's window keeps each user's history about
        # as long as a production rate's minute (1,200 requests).
        "THROTTLE_USER_RATE": "2000/second",
        "THROTTLE_ANON_RATE": "2000/second",
        "THROTTLE_SIGN_IN_RATE": "2000/second",
    }


def setup_django(url: str) -> None:
    os.environ.update(server_environment(url))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


# --- Data --------------------------------------------------------------------------------------

# fmt: off
FIRST_NAMES = (
    "Jan", "Sanne", "Pieter", "Fatima", "Mohammed", "Emma", "Daan", "Lotte", "Ahmed", "Sophie",
    "Bram", "Noor", "Thomas", "Julia", "Ruben", "Eva", "Kees", "Anouk", "Yusuf", "Lisa", "Sem",
    "Fleur", "Mila", "Lucas", "Zeynep", "Milan", "Iris", "Jesse", "Sara", "Luuk",
)
LAST_NAMES = (
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Yılmaz", "El Amrani", "Dekker", "Brouwer",
    "van Leeuwen", "Kok", "Willems", "Koster", "Prins",
)
# fmt: on
TOPICS = (
    ("billing", "Te veel betaald voor mobiel internet", "Klant betaalt al jaren voor een bundel."),
    ("billing", "Dubbele afschrijving", "Het bedrag is twee keer van de rekening afgeschreven."),
    ("delivery", "Pakket niet ontvangen", "Volgens de vervoerder bezorgd, klant heeft niets."),
    ("delivery", "Beschadigd geleverd", "De doos was ingedeukt en het scherm is gebarsten."),
    ("product", "Apparaat werkt niet meer", "Na twee weken start het apparaat niet meer op."),
    ("website", "Bestelling loopt vast", "Bij het afrekenen verschijnt steeds een foutmelding."),
    ("service", "Niet teruggebeld", "Er was beloofd dat de klant dezelfde dag zou horen."),
    ("contract", "Opzegging niet verwerkt", "Klant heeft opgezegd maar betaalt nog steeds."),
)
CHANNELS = {
    "phone": 30,
    "email": 25,
    "web_form": 15,
    "chat": 15,
    "letter": 5,
    "in_person": 3,
    "social": 7,
}
PRIORITIES = {"low": 15, "normal": 60, "high": 20, "urgent": 5}
EMOTIONS = ("angry", "frustrated", "anxious", "aggrieved", "disappointed", "neutral")
RESOLUTION_EMOTIONS = ("satisfied", "neutral", "disappointed", "frustrated")
OUTCOMES = {"upheld": 50, "partly_upheld": 30, "not_upheld": 20}
STAGES = ("received", "understood", "apologised", "solving", "resolved", "closed")
# Stage weights by the age of the complaint (days): old complaints are mostly closed.
STAGE_WEIGHTS_BY_AGE = (
    (2, (50, 25, 15, 10, 0, 0)),
    (14, (10, 15, 15, 35, 20, 5)),
    (60, (2, 3, 5, 15, 25, 50)),
    (10_000, (0.5, 0.5, 0.5, 1.5, 2, 95)),
)
EVENT_TYPES = {
    "received": "complaint_received",
    "understood": "understanding_shown",
    "apologised": "apologised",
    "solving": "solution_given",
    "resolved": "resolved",
    "closed": "closed",
}


# Columns written with COPY, as model field names (in the order of the generated rows).
# fmt: off
CUSTOMER_COLUMNS = ("id", "name", "email", "phone", "customer_number", "language", "created_at")
COMPLAINT_COLUMNS = (
    "id", "reference", "customer", "channel", "received_at", "subject", "facts", "category",
    "priority", "owner", "stage", "emotion_at_intake", "emotion_intensity",
    "emotion_at_resolution", "request_domain", "outcome", "balance", "alternatives_offered",
    "resolution_summary", "customer_contribution", "liability", "root_cause",
    "acknowledge_due_at", "resolve_due_at", "acknowledged_at", "resolved_at", "closed_at",
    "created_at", "updated_at", "closed_in_source",
)
UNDERSTANDING_COLUMNS = (
    "complaint", "emotion", "intensity", "acknowledgement", "recorded_by", "recorded_at",
)
APOLOGY_COLUMNS = ("complaint", "apology", "apologised_at", "recorded_by", "recorded_at")
SOLUTION_COLUMNS = (
    "complaint", "facts_summary", "next_steps", "promised_at", "recorded_by", "recorded_at",
    "wishes",
)
EVENT_COLUMNS = (
    "complaint", "type", "actor", "from_stage", "to_stage", "payload", "created_at",
)
# fmt: on


@dataclasses.dataclass(frozen=True)
class BenchUsers:
    agent_token: str
    manager_token: str
    owners: list[int]
    customer_ids: tuple[int, int] = (0, 0)


def ensure_users() -> BenchUsers:
    """Two teams of agents with their managers (bench-* users), and an API token for agent 1
    of team 1 and for that team's manager, who make the requests. Every one of these users
    owns complaints.
    """
    from django.contrib.auth.models import Group

    from accounts.models import ApiToken, Team, User
    from accounts.roles import GROUP_NAMES, Role
    from accounts.services import token_create

    agent_group = Group.objects.get(name=GROUP_NAMES[Role.AGENT])
    manager_group = Group.objects.get(name=GROUP_NAMES[Role.MANAGER])

    def user(username: str, last_name: str, team: Team, group: Group) -> User:
        found, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": "Bench", "last_name": last_name, "team": team},
        )
        if created:
            found.set_unusable_password()
            found.save(update_fields=["password"])
            found.groups.add(group)
        return found

    owners: list[int] = []
    for team_no, agents in ((1, 6), (2, 4)):
        team, _ = Team.objects.get_or_create(name=f"Bench team {team_no}")
        manager = user(f"bench-manager-{team_no}", f"Manager {team_no}", team, manager_group)
        if team.manager_id != manager.pk:
            team.manager = manager
            team.save(update_fields=["manager"])
        owners.append(manager.pk)
        for agent_no in range(1, agents + 1):
            name = f"{team_no}-{agent_no}"
            owners.append(user(f"bench-agent-{name}", f"Agent {name}", team, agent_group).pk)
    # Keys are kept only as hashes: each run makes its own two tokens (and drops the last run's).
    ApiToken.objects.filter(user__username__startswith="bench-", name="bench").delete()
    _agent_token, agent_key = token_create(
        user=User.objects.get(username="bench-agent-1-1"), name="bench"
    )
    _manager_token, manager_key = token_create(
        user=User.objects.get(username="bench-manager-1"), name="bench"
    )
    return BenchUsers(agent_token=agent_key, manager_token=manager_key, owners=owners)


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def copy_rows(model: Any, fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY ``rows`` into ``model``'s table; ``fields`` are model field names (or ``id``)."""
    from django.db import connection

    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    connection.ensure_connection()
    count = 0
    pg = connection.connection
    assert pg is not None
    with pg.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


@dataclasses.dataclass
class _Complaint:
    """One generated complaint and its history, before it is written."""

    row: list[Any]
    steps: dict[str, list[Any]] = dataclasses.field(default_factory=dict)
    events: list[list[Any]] = dataclasses.field(default_factory=list)


def _moments(
    rng: random.Random,
    hours: dict[str, int],
    reached: Sequence[str],
    *,
    at: datetime,
    now: datetime,
) -> tuple[datetime | None, datetime | None, datetime | None]:
    """When a complaint received ``at`` was acknowledged, resolved and closed: each step after
    the one before, none in the future; some deadlines missed."""
    acknowledged = resolved = closed = None
    if "understood" in reached:
        window = min(
            hours["acknowledge"] * 3600 * rng.uniform(0.05, 1.3),
            (now - at).total_seconds() * 0.3,
        )
        acknowledged = at + timedelta(seconds=window)
    if "resolved" in reached and acknowledged is not None:
        window = min(
            hours["resolve"] * 3600 * rng.uniform(0.1, 1.4),
            (now - acknowledged).total_seconds() * 0.9,
        )
        resolved = acknowledged + timedelta(seconds=window)
    if "closed" in reached and resolved is not None:
        closed = resolved + timedelta(
            seconds=min(rng.uniform(1, 10) * 86_400, (now - resolved).total_seconds() * 0.9)
        )
    return acknowledged, resolved, closed


def _step_row(
    rng: random.Random,
    name: str,
    *,
    pk: int,
    owner: int,
    at: datetime,
    emotion: tuple[str, int | None],
) -> list[Any] | None:
    """The triad step a complaint took on reaching stage ``name`` (None for the other moves)."""
    if name == "understood":
        acknowledgement = "Ik begrijp dat u hier boos over bent."
        return [pk, *emotion, acknowledgement, owner, at]
    if name == "apologised":
        return [pk, "Het spijt me.", at, owner, at]
    if name == "solving":
        promised = at + timedelta(days=rng.randrange(1, 8))
        next_steps = "Ik zoek het uit en bel u terug."
        return [pk, "De feiten op een rij.", next_steps, promised, owner, at, "[]"]  # no wishes
    return None


def generate(count: int, owners: list[int], *, now: datetime) -> None:
    """Write ``count`` complaints (and customers, steps, events) into empty tables."""
    from django.conf import settings
    from django.db import connection, transaction

    from complaints.models import (
        ApologyStep,
        Complaint,
        ComplaintEvent,
        Customer,
        ReferenceCounter,
        RootCause,
        SolutionStep,
        UnderstandingStep,
    )

    rng = random.Random(SEED)
    local = ZoneInfo(settings.TIME_ZONE)
    policy: dict[str, dict[str, int]] = settings.COMPLAINT_DEADLINES_HOURS
    causes = list(RootCause.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    started = time.perf_counter()

    # Customers: one for every two complaints, some complain more than once.
    customer_count = max(1, count // 2)
    first_seen = now - timedelta(days=3 * 365)

    def customers() -> Iterator[list[Any]]:
        for pk in range(1, customer_count + 1):
            yield [
                pk,
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                f"klant{pk}@example.nl",
                f"+31 6 {rng.randrange(10_000_000, 99_999_999)}",
                f"C{pk:08d}",
                "en" if rng.random() < 0.15 else "nl",
                first_seen + timedelta(seconds=rng.randrange(0, 365 * 86_400)),
            ]

    # Received moments over the last two years, mostly in office hours, oldest first.
    received: list[datetime] = []
    for _ in range(count):
        day = now - timedelta(days=rng.randrange(0, 730))
        hour = rng.choice((8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 17, 19, 21))
        moment = day.astimezone(local).replace(
            hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0
        )
        received.append(min(moment, now - timedelta(minutes=rng.randrange(1, 120))))
    received.sort()

    last_number: dict[int, int] = {}

    def complaint(pk: int, at: datetime) -> _Complaint:
        year = at.astimezone(local).year
        last_number[year] = last_number.get(year, 0) + 1
        priority = weighted(rng, PRIORITIES)
        hours = policy[priority]
        ack_due = at + timedelta(hours=hours["acknowledge"])
        resolve_due = at + timedelta(hours=hours["resolve"])
        age_days = (now - at).total_seconds() / 86_400
        weights = next(w for limit, w in STAGE_WEIGHTS_BY_AGE if age_days < limit)
        stage = rng.choices(STAGES, weights=weights)[0]
        reached = STAGES[: STAGES.index(stage) + 1]
        owner = rng.choice(owners)
        category, subject, facts = rng.choice(TOPICS)
        emotion = rng.choice(EMOTIONS) if stage != "received" or rng.random() < 0.5 else ""
        intensity = rng.randint(1, 5) if emotion else None

        acknowledged, resolved, closed = _moments(rng, hours, reached, at=at, now=now)
        outcome = weighted(rng, OUTCOMES) if resolved else ""
        saying_no = outcome in {"partly_upheld", "not_upheld"}
        row = [
            pk,
            f"KL-{year}-{last_number[year]:06d}",
            rng.randint(1, customer_count),
            weighted(rng, CHANNELS),
            at,
            subject,
            facts,
            category,
            priority,
            owner,
            stage,
            emotion,
            intensity,
            rng.choice(RESOLUTION_EMOTIONS) if resolved else "",
            rng.choice(("past", "present", "future")) if saying_no else "",
            outcome,
            rng.choice(("win_win", "customer_loses", "company_loses")) if saying_no else "",
            "Tegoedbon of kosteloze reparatie aangeboden." if saying_no else "",
            "Afgehandeld met de klant." if resolved else "",
            "",
            rng.choice(("liable", "not_liable", "unclear")) if resolved else "",
            rng.choice(causes) if resolved else None,
            ack_due,
            resolve_due,
            acknowledged,
            resolved,
            closed,
            at,
            closed or resolved or acknowledged or at,
            False,  # not imported: never closed in a source
        ]
        made = _Complaint(row=row)
        made.events.append(
            [pk, EVENT_TYPES["received"], owner, "", "received", _received_payload(row), at]
        )
        # The triad steps and the moves after them, each a few minutes after the one before.
        step_at = acknowledged
        for previous, name in itertools.pairwise(reached):
            if name == "resolved":
                step_at = resolved
            elif name == "closed":
                step_at = closed
            elif name != "understood":
                assert step_at is not None
                step_at = step_at + timedelta(minutes=rng.randrange(1, 30))
            assert step_at is not None
            step = _step_row(
                rng, name, pk=pk, owner=owner, at=step_at, emotion=(emotion, intensity)
            )
            if step is not None:
                made.steps[name] = step
            made.events.append([pk, EVENT_TYPES[name], owner, previous, name, "{}", step_at])
        return made

    made = [complaint(pk, at) for pk, at in enumerate(received, start=1)]
    print(f"  generated {count:,} complaints in memory in {time.perf_counter() - started:.1f} s")

    with transaction.atomic():
        written = copy_rows(Customer, CUSTOMER_COLUMNS, customers())
        print(f"  customers:  {written:>9,}")
        written = copy_rows(Complaint, COMPLAINT_COLUMNS, (m.row for m in made))
        print(f"  complaints: {written:>9,}")
        step_models: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
            ("understood", UnderstandingStep, UNDERSTANDING_COLUMNS),
            ("apologised", ApologyStep, APOLOGY_COLUMNS),
            ("solving", SolutionStep, SOLUTION_COLUMNS),
        )
        for stage, model, fields in step_models:
            rows = (m.steps[stage] for m in made if stage in m.steps)
            written = copy_rows(model, fields, rows)
            print(f"  {model.__name__ + ':':<20} {written:>9,}")
        written = copy_rows(ComplaintEvent, EVENT_COLUMNS, (e for m in made for e in m.events))
        print(f"  events:     {written:>9,}")
        tables = (Customer, Complaint, ComplaintEvent, UnderstandingStep, ApologyStep, SolutionStep)
        for model in tables:
            table = model._meta.db_table
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 1))",
                    [table],
                )
        for year, number in last_number.items():
            counter, _ = ReferenceCounter.objects.get_or_create(year=year)
            if counter.last < number:
                counter.last = number
                counter.save(update_fields=["last"])
    with connection.cursor() as cur:
        for model in (Customer, Complaint, ComplaintEvent):
            cur.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        # And the small tables (users, teams): autovacuum never analyses a table of a dozen
        # rows, and without statistics the planner misjudges whose complaints a user sees.
        cur.execute("ANALYZE")
    print(f"  data written in {time.perf_counter() - started:.1f} s in all")


def _received_payload(row: list[Any]) -> str:
    return json.dumps(
        {"reference": row[1], "channel": row[3], "owner_id": row[9], "priority": row[8]}
    )


def ensure_data(options: Options) -> BenchUsers:
    """Migrate, make the users, and generate the complaints unless they are there already."""
    from django.db import connection

    from complaints.models import Complaint, Customer

    migrate()
    users = ensure_users()
    present = Complaint.objects.count()
    if present >= options.complaints:
        print(f"Data present: {present:,} complaints (generation skipped; --regenerate to redo)")
    else:
        print(f"Generating {options.complaints:,} complaints ({present:,} present: replaced)")
        tables = ["complaints_customer", "complaints_complaint", "complaints_referencecounter"]
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        from django.utils import timezone

        generate(options.complaints, users.owners, now=timezone.now())
    low = Customer.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    high = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or low
    return dataclasses.replace(users, customer_ids=(low, high))


# --- Gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gunicorn:
    """gunicorn with ``workers`` sync workers on 127.0.0.1, stopped with SIGTERM; it serves
    the checkout at ``root`` (this one by default)."""

    def __init__(
        self, *, workers: int, database_url: str, app: str = "config.wsgi", root: Path = ROOT
    ) -> None:
        self.workers = workers
        self.app = app
        self.root = root
        self.port = free_port()
        self.database_url = database_url
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)

    def __enter__(self) -> Gunicorn:
        env = {**os.environ, **server_environment(self.database_url)}
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(
            command, cwd=self.root, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        return self

    def wait_ready(self, token: str, timeout: float = 60.0) -> None:
        """Until every worker answers the list (the first request of a worker is slow)."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        answered = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.output()}")
            status = self.get("/api/complaints/", token)
            if status == 200:
                answered += 1
                if answered >= self.workers * 4:
                    return
            elif status:
                raise RuntimeError(f"GET /api/complaints/ answered {status}:\n{self.output()}")
            else:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.output()}")

    def get(self, path: str, token: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path, headers={"Authorization": f"Token {token}"})
            response = conn.getresponse()
            response.read()
            return response.status
        except OSError:
            return 0
        finally:
            conn.close()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-4000:]

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print(f"gunicorn (pid {self.process.pid}) ignored SIGTERM; killing it")
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- CPU accounting ----------------------------------------------------------------------------


def _proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (0 when it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _busy_seconds() -> float:
    """CPU seconds all CPUs spent busy since boot (everything but idle and iowait)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Who used the CPUs during a measurement: the app, the database, the load generator, and
    other processes (anything else on the machine, e.g. other test runs)."""

    def __init__(self, server_pid: int) -> None:
        from django.db import connection

        self.app_pids = [server_pid, *_children(server_pid)]
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            self.db_pids = [row[0] for row in cur.fetchall()]

    def _snapshot(self) -> dict[str, float]:
        import resource

        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "busy": _busy_seconds(),
            "app": sum(_proc_cpu_seconds(pid) for pid in self.app_pids),
            "db": sum(_proc_cpu_seconds(pid) for pid in self.db_pids),
            "load": children.ru_utime + children.ru_stime + time.process_time(),
        }

    def __enter__(self) -> CpuMeter:
        self.start = self._snapshot()
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        end = self._snapshot()
        self.seconds = time.monotonic() - self.started
        used = {key: end[key] - self.start[key] for key in end}
        used["other"] = max(0.0, used["busy"] - used["app"] - used["db"] - used["load"])
        self.used = used

    def shares(self) -> dict[str, float]:
        """Each user's share of the machine's capacity (all CPUs) during the measurement."""
        capacity = self.seconds * (os.cpu_count() or 1)
        return {key: self.used[key] / capacity for key in ("app", "db", "load", "other")}


# --- Load generators ---------------------------------------------------------------------------

CREATE_BODY = (
    '{"customer": %d, "channel": "phone", "subject": "Factuur klopt niet", '
    '"facts": "De klant is twee keer gefactureerd voor dezelfde maand.", "priority": "normal"}'
)


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    token: str
    target_rps: float
    target_p99_ms: float | None
    customer_ids: tuple[int, int] | None = None

    def headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        if self.method == "POST":
            headers["Content-Type"] = "application/json"
        return headers


@dataclasses.dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    statuses: dict[int, int]
    cpu: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


class LoadGenerator:
    name = "none"

    def run(self, scenario: Scenario, port: int, *, connections: int, seconds: float) -> Result:
        raise NotImplementedError


WRK_SCRIPT = """
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  bad = 0
  math.randomseed(os.time() * 100 + thread_id)
end
wrk.method = "%(method)s"
%(headers)s
local body_template = [[%(body)s]]
local low, high = %(low)d, %(high)d
function request()
  if wrk.method == "POST" then
    return wrk.format(nil, nil, nil, string.format(body_template, math.random(low, high)))
  end
  return wrk.format()
end
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local non2xx = 0
  for _, t in ipairs(threads) do non2xx = non2xx + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "non2xx": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "timeout": %%d, "p50_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, non2xx, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


class Wrk(LoadGenerator):
    def __init__(self, executable: str) -> None:
        self.executable = executable
        version = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, check=False
        )
        first = (version.stdout or version.stderr).splitlines()
        match = re.search(r"wrk\s+(\S+)", first[0]) if first else None
        self.name = f"wrk {match.group(1) if match else '(unknown version)'}"

    def run(self, scenario: Scenario, port: int, *, connections: int, seconds: float) -> Result:
        low, high = scenario.customer_ids or (0, 0)
        headers = "\n".join(
            f'wrk.headers["{key}"] = "{value}"' for key, value in scenario.headers().items()
        )
        script = WRK_SCRIPT % {
            "method": scenario.method,
            "headers": headers,
            "body": CREATE_BODY,
            "low": low,
            "high": high,
        }
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(script)
        try:
            completed = subprocess.run(
                [
                    self.executable,
                    "--threads",
                    "1",
                    "--connections",
                    str(connections),
                    "--duration",
                    f"{max(1, round(seconds))}s",
                    "--timeout",
                    "10s",
                    "--latency",
                    "--script",
                    handle.name,
                    f"http://127.0.0.1:{port}{scenario.path}",
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 60,
                check=False,
            )
        finally:
            os.unlink(handle.name)
        line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH ")), None)
        if completed.returncode != 0 or line is None:
            raise RuntimeError(f"wrk failed:\n{completed.stdout}\n{completed.stderr}")
        data = json.loads(line.removeprefix("BENCH "))
        return Result(
            requests=data["requests"],
            seconds=data["duration_us"] / 1e6,
            p50_ms=data["p50_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            non_2xx=data["non2xx"],
            socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
            statuses={},
        )


class PythonLoad(LoadGenerator):
    """Threads with http.client connections; bounded by time and by ``max_requests``."""

    name = "python (threads + http.client)"

    def __init__(self, max_requests: int) -> None:
        self.max_requests = max_requests

    def run(self, scenario: Scenario, port: int, *, connections: int, seconds: float) -> Result:
        lock = threading.Lock()
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        socket_errors = 0
        issued = 0
        start = time.perf_counter()
        deadline = start + seconds

        def worker(index: int) -> None:
            nonlocal issued, socket_errors
            rng = random.Random(SEED + index)
            mine: list[float] = []
            codes: Counter[int] = Counter()
            failures = 0
            headers = scenario.headers()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            while time.perf_counter() < deadline:
                with lock:
                    if issued >= self.max_requests:
                        break
                    issued += 1
                body = None
                if scenario.customer_ids:
                    body = CREATE_BODY % rng.randint(*scenario.customer_ids)
                began = time.perf_counter()
                try:
                    conn.request(scenario.method, scenario.path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    codes[response.status] += 1
                except (OSError, http.client.HTTPException):
                    failures += 1
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    continue
                mine.append(time.perf_counter() - began)
            conn.close()
            with lock:
                latencies.extend(mine)
                statuses.update(codes)
                socket_errors += failures

        threads = [
            threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 30)
        elapsed = time.perf_counter() - start
        latencies.sort()
        return Result(
            requests=len(latencies),
            seconds=elapsed,
            p50_ms=percentile(latencies, 50) * 1000,
            p99_ms=percentile(latencies, 99) * 1000,
            non_2xx=sum(n for code, n in statuses.items() if not 200 <= code <= 299),
            socket_errors=socket_errors,
            statuses=dict(statuses),
        )


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending sequence (0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(1, round(pct / 100 * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def load_generator(options: Options) -> tuple[LoadGenerator, str]:
    found = shutil.which("wrk")
    if options.load_generator == "python":
        return PythonLoad(options.max_requests), "forced with --load-generator python"
    if found:
        return Wrk(found), "found on PATH"
    if options.load_generator == "wrk":
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    return PythonLoad(options.max_requests), "wrk not installed: Python fallback"


# --- Scenarios and reporting ------------------------------------------------------------------


def scenarios(users: BenchUsers) -> list[Scenario]:
    return [
        Scenario(
            name="list: first page (agent)",
            method="GET",
            path="/api/complaints/",
            token=users.agent_token,
            target_rps=LIST_RPS,
            target_p99_ms=LIST_P99_MS,
        ),
        Scenario(
            name="list: filtered (manager)",
            method="GET",
            path="/api/complaints/?stage=solving&channel=phone&overdue=true",
            token=users.manager_token,
            target_rps=LIST_RPS,
            target_p99_ms=LIST_P99_MS,
        ),
        Scenario(
            name="create (agent)",
            method="POST",
            path="/api/complaints/",
            token=users.agent_token,
            target_rps=CREATE_RPS,
            target_p99_ms=None,
            customer_ids=users.customer_ids,
        ),
    ]


def run_round(
    generator: LoadGenerator,
    items: list[Scenario],
    *,
    workers: int,
    connections: int,
    seconds: float,
    options: Options,
    root: Path = ROOT,
) -> list[Result]:
    with Gunicorn(
        workers=workers, database_url=options.database_url, app=options.wsgi_app, root=root
    ) as server:
        server.wait_ready(items[0].token)
        results = []
        for scenario in items:
            # A short unmeasured warm-up, so each worker has its connections and caches.
            generator.run(scenario, server.port, connections=connections, seconds=1)
            assert server.process is not None
            with CpuMeter(server.process.pid) as meter:
                result = generator.run(
                    scenario, server.port, connections=connections, seconds=seconds
                )
            results.append(dataclasses.replace(result, cpu=meter.shares()))
        return results


def targets(scenario: Scenario, result: Result) -> list[tuple[str, bool]]:
    """The scenario's targets as (description, met)."""
    checks = [(f">= {scenario.target_rps:.0f} req/s", result.rps >= scenario.target_rps)]
    if scenario.target_p99_ms is not None:
        limit = scenario.target_p99_ms
        checks.append((f"p99 < {limit:.0f} ms", result.p99_ms < limit))
    checks.append(("0 errors", result.errors == 0))
    return checks


def score(items: list[Scenario], results: list[Result]) -> tuple[int, float, float]:
    """Rank a worker count: targets met, then the worst throughput share, then the mean one."""
    met = sum(ok for s, r in zip(items, results, strict=True) for _, ok in targets(s, r))
    shares = [r.rps / s.target_rps for s, r in zip(items, results, strict=True)]
    return met, min(shares), sum(shares) / len(shares)


def print_results(items: list[Scenario], results: list[Result]) -> bool:
    """Print the table with targets; True when every target is met."""
    print(
        f"{'scenario':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} "
        f"{'errors':>7}   targets"
    )
    ok = True
    for scenario, result in zip(items, results, strict=True):
        checks = targets(scenario, result)
        ok = ok and all(passed for _, passed in checks)
        verdicts = ", ".join(f"{text} {'PASS' if passed else 'FAIL'}" for text, passed in checks)
        print(
            f"{scenario.name:<28} {result.rps:>8.1f} {result.p50_ms:>8.1f} {result.p99_ms:>8.1f} "
            f"{result.requests:>9,} {result.errors:>7}   {verdicts}"
        )
    print()
    print(f"CPU use during each scenario, as a share of all {os.cpu_count()} CPUs:")
    print(f"{'scenario':<28} {'gunicorn':>9} {'postgres':>9} {'load gen':>9} {'other':>9}")
    for scenario, result in zip(items, results, strict=True):
        cpu = result.cpu
        if not cpu:
            continue
        print(
            f"{scenario.name:<28} {cpu['app']:>9.0%} {cpu['db']:>9.0%} {cpu['load']:>9.0%} "
            f"{cpu['other']:>9.0%}"
        )
    disturbed = max((r.cpu.get("other", 0.0) for r in results), default=0.0)
    if disturbed > OTHER_CPU_WARNING:
        print(
            f"NOTE: other processes took up to {disturbed:.0%} of the CPUs during a scenario: "
            "the figures are lower than on a quiet machine."
        )
    return ok


# --- Side by side with a baseline checkout ------------------------------------------------------

SLOWER_ALLOWED = 0.10  # this tree may list at most 10 % slower than the baseline


def compare(
    generator: LoadGenerator, items: list[Scenario], *, workers: int, options: Options
) -> int:
    """The list scenarios served by this tree and by ``options.baseline`` in turn; exit status."""
    assert options.baseline is not None
    trees = [("baseline", options.baseline), ("this tree", ROOT)]
    listing = [scenario for scenario in items if scenario.method == "GET"]
    connections = options.connections or 2 * workers
    print()
    print(
        f"Side by side: gunicorn sync, {workers} workers; {connections} connections; "
        f"{options.rounds} rounds of {options.duration:.0f} s per scenario and tree"
    )
    print(f"  {'baseline:':<21}{options.baseline} ({_commit(options.baseline)})")
    collected: dict[str, list[list[Result]]] = {label: [[] for _ in listing] for label, _ in trees}
    for round_ in range(options.rounds):
        # Swapped every round (ABBA...), so neither tree always runs on a fresher machine.
        for label, root in trees if round_ % 2 == 0 else trees[::-1]:
            results = run_round(
                generator,
                listing,
                workers=workers,
                connections=connections,
                seconds=options.duration,
                options=options,
                root=root,
            )
            for index, result in enumerate(results):
                collected[label][index].append(result)
            summary = "  ".join(
                f"{s.name.split(' (')[0]}: {r.rps:.0f}/s p99 {r.p99_ms:.0f} ms"
                for s, r in zip(listing, results, strict=True)
            )
            print(f"  round {round_ + 1}, {label:<9}  {summary}")
    print()
    print(
        f"{'scenario':<28} {'base req/s':>10} {'this req/s':>10} {'ratio':>6} "
        f"{'base p50':>8} {'this p50':>8} {'base p99':>8} {'this p99':>8}"
    )
    slower, errors = False, 0
    for index, scenario in enumerate(listing):
        base, this = collected["baseline"][index], collected["this tree"][index]
        errors += sum(r.errors for r in base + this)
        base_rps = sum(r.rps for r in base) / len(base)
        this_rps = sum(r.rps for r in this) / len(this)
        ratio = this_rps / base_rps if base_rps else 0.0
        slower = slower or ratio < 1 - SLOWER_ALLOWED

        def median(results: list[Result], key: str) -> float:
            values: list[float] = sorted(getattr(r, key) for r in results)
            return values[len(values) // 2]

        print(
            f"{scenario.name:<28} {base_rps:>10.1f} {this_rps:>10.1f} {ratio:>6.2f} "
            f"{median(base, 'p50_ms'):>8.1f} {median(this, 'p50_ms'):>8.1f} "
            f"{median(base, 'p99_ms'):>8.1f} {median(this, 'p99_ms'):>8.1f}"
        )
    print("(req/s: the mean over the rounds; p50 and p99 in ms: the median round)")
    if errors:
        print(f"ERROR: {errors} failed requests", file=sys.stderr)
        return 2
    if slower:
        print(f"This tree lists more than {SLOWER_ALLOWED:.0%} slower than the baseline.")
    else:
        print(f"This tree lists within {SLOWER_ALLOWED:.0%} of the baseline's speed.")
    if options.smoke:
        print("(smoke run: the figures only show that the script works)")
        return 0
    return 1 if slower else 0


def _commit(root: Path) -> str:
    return (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )


def machine_facts() -> list[tuple[str, str]]:
    from django.db import connection

    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        ("date", datetime.now().astimezone().isoformat(timespec="seconds")),
        ("cpus", f"{os.cpu_count()} x {model}"),
        ("python", platform.python_version()),
        ("postgresql", pg_version),
        ("commit", f"{commit or 'unknown'}{' (work tree has changes)' if dirty else ''}"),
        ("load average before", load),
    ]


def complaint_count() -> int:
    from complaints.models import Complaint

    return Complaint.objects.count()


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    ensure_database(options.database_url, drop=options.regenerate)
    setup_django(options.database_url)
    users = ensure_data(options)
    generator, why = load_generator(options)
    items = scenarios(users)

    print()
    print("Klachtwijzer API benchmark")
    for label, value in machine_facts():
        print(f"  {label + ':':<21}{value}")
    print(f"  {'complaints:':<21}{complaint_count():,}")
    print(f"  {'load generator:':<21}{generator.name} ({why})")

    if options.baseline is not None:
        return compare(generator, items, workers=options.workers or 2, options=options)

    workers = options.workers
    if workers is None:
        print()
        print(f"Choosing the worker count: {options.sweep_duration:.0f} s per scenario")
        best: tuple[tuple[int, float, float], int] | None = None
        for count in WORKER_CHOICES:
            connections = options.connections or 2 * count
            results = run_round(
                generator,
                items,
                workers=count,
                connections=connections,
                seconds=options.sweep_duration,
                options=options,
            )
            summary = "  ".join(
                f"{s.name.split(' (')[0]}: {r.rps:.0f}/s p99 {r.p99_ms:.0f} ms"
                + (f" ERR {r.errors}" if r.errors else "")
                for s, r in zip(items, results, strict=True)
            )
            other = max(r.cpu.get("other", 0.0) for r in results)
            summary += f"  (other processes: up to {other:.0%} CPU)" if other else ""
            print(f"  {count} workers, {connections:>2} connections: {summary}")
            current = score(items, results)
            if best is None or current > best[0]:
                best = (current, count)
        assert best is not None
        workers = best[1]
        print(f"  best: {workers} workers")

    connections = options.connections or 2 * workers
    print()
    print(
        f"Run: gunicorn sync, {workers} workers; {connections} connections; "
        f"{options.duration:.0f} s per scenario"
    )
    results = run_round(
        generator,
        items,
        workers=workers,
        connections=connections,
        seconds=options.duration,
        options=options,
    )
    ok = print_results(items, results)
    print(f"  {'complaints after:':<21}{complaint_count():,}")
    print(f"  {'load average after:':<21}{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    failed = [(s, r) for s, r in zip(items, results, strict=True) if r.errors]
    if failed:
        print()
        for scenario, result in failed:
            detail = f" statuses {result.statuses}" if result.statuses else ""
            print(
                f"ERROR: {scenario.name}: {result.non_2xx} non-2xx responses and "
                f"{result.socket_errors} socket errors{detail}",
                file=sys.stderr,
            )
        return 2
    print()
    print("ALL TARGETS MET" if ok else "SOME TARGETS MISSED")
    if options.smoke:
        print("(smoke run: the figures only show that the script works)")
        return 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
