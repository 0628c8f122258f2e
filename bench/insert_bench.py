"""Insert benchmark: creating complaints with Django's ``bulk_create`` against a written-out INSERT.

The question it answers: is a written-out INSERT (the retired ``sql.insert``, kept here as the
contender) for the rows written with every complaint and step (audit events, due jobs, outbox
emails, data-access records) worth having over Django's ``bulk_create``, which the code uses?
It would be brought back only when it made creating a complaint at least 20 % faster.

Usage (from the project root)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kw_insert_bench \\
        .venv/bin/python bench/insert_bench.py [--creates 1500] [--rounds 6] [--smoke]

Both ways run in one process, on the same database, in alternating rounds (ABBA, so that a
warming cache or a busy neighbour does not favour one): every round posts ``--creates``
complaints to ``POST /api/complaints/`` through Django's test client with token
authentication and production-like settings (DEBUG off), the full request path but without a
socket. The contender's way replaces ``QuerySet.bulk_create`` by ``written_out_insert`` for the
same rows. It prints the median and p90 of a create in each way, creates per second, and the
difference.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_bench

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import Field, Model

WORTH_KEEPING = 0.20  # a written-out INSERT must save at least this share of a create


@dataclasses.dataclass(frozen=True)
class Options:
    creates: int
    rounds: int
    warmup: int
    smoke: bool


def parse_args(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creates", type=int, default=1500, help="creates per round and way")
    parser.add_argument("--rounds", type=int, default=6, help="rounds per way (even: ABBA)")
    parser.add_argument("--smoke", action="store_true", help="a tiny run for CI: 20 creates x 2")
    args = parser.parse_args(argv)
    if args.smoke:
        return Options(creates=20, rounds=2, warmup=5, smoke=True)
    return Options(creates=args.creates, rounds=args.rounds, warmup=100, smoke=False)


_INSERTS: dict[tuple[Any, ...], str] = {}


def written_out_insert(
    objs: Sequence[Model], *, ignore_conflicts: bool = False, using: str = "default"
) -> None:
    """``bulk_create(objs)`` without building the ORM query.

    For the rows written with every complaint and step (audit events, due jobs, outbox
    emails). As with ``bulk_create``, ``save()`` is not called, no signals are sent, and the
    objects get no primary key back. With ``ignore_conflicts`` a row whose unique key exists
    already is left as it is.
    """
    if not objs:
        return
    from django.db import connections

    model = type(objs[0])
    connection = connections[using]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    batch = rows_per_statement(fields, objs, connection)
    for start in range(0, len(objs), batch):
        _insert(model, fields, objs[start : start + batch], connection, ignore_conflicts)


# PostgreSQL takes at most this many parameters in a statement bound by the server.
MAX_PARAMETERS = 65535


def rows_per_statement(
    fields: Sequence[Field[Any, Any]], objs: Sequence[Model], connection: BaseDatabaseWrapper
) -> int:
    """How many rows of ``fields`` one INSERT may carry on ``connection``."""
    allowed = connection.ops.bulk_batch_size(list(fields), objs)
    return max(1, min(allowed, MAX_PARAMETERS // max(1, len(fields))))


def _insert(
    model: type[Model],
    fields: list[Field[Any, Any]],
    objs: Sequence[Model],
    connection: BaseDatabaseWrapper,
    ignore_conflicts: bool,
) -> None:
    from dbperf.sql import table

    key = (model, len(objs), connection.vendor, ignore_conflicts)
    if key not in _INSERTS:
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        _INSERTS[key] = (
            f"INSERT INTO {table(model)} ({columns}) VALUES {', '.join([row] * len(objs))}"
            + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
        )
    text = _INSERTS[key]
    params = [
        field.get_db_prep_save(field.pre_save(obj, add=True), connection)
        for obj in objs
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(text, params)


def customers(count: int) -> list[int]:
    from complaints.models import Customer

    have = list(
        Customer.objects.filter(customer_number__startswith="INSB-").values_list("pk", flat=True)
    )
    for number in range(len(have), count):
        have.append(
            Customer.objects.create(
                name=f"Insert Bench {number}",
                customer_number=f"INSB-{number:05d}",
                email=f"insert-bench-{number}@example.org",
            ).pk
        )
    return have


def create_round(client: Any, token: str, customer_ids: list[int], count: int) -> list[float]:
    """``count`` creates; the milliseconds each took. Any answer but 201 stops the run."""
    timings = []
    headers = {"HTTP_AUTHORIZATION": f"Token {token}", "HTTP_ACCEPT": "application/json"}
    for number in range(count):
        body = api_bench.CREATE_BODY % customer_ids[number % len(customer_ids)]
        started = time.perf_counter()
        response = client.post(
            "/api/complaints/", data=body, content_type="application/json", **headers
        )
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 201:
            raise SystemExit(f"create answered {response.status_code}: {response.content[:300]!r}")
    return timings


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in api_bench.database_name(url):
        print("DATABASE_URL must name a PostgreSQL database whose name contains 'bench'")
        return 2
    api_bench.ensure_database(url, drop=False)
    api_bench.setup_django(url)
    api_bench.migrate()
    from django.db.models import QuerySet
    from django.test import Client

    users = api_bench.ensure_users()
    customer_ids = customers(50)
    client = Client(HTTP_HOST="127.0.0.1")
    orm_bulk_create = QuerySet.bulk_create
    calls = 0

    def counted(bulk_create: Callable[..., Any]) -> Callable[..., Any]:
        def run(queryset: QuerySet[Any], objs: Sequence[Any], **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return bulk_create(queryset, objs, **kwargs)

        return run

    def contender(queryset: QuerySet[Any], objs: Sequence[Any], **kwargs: Any) -> Any:
        """The written-out INSERT for the calls it can stand in for (no batch size given)."""
        if set(kwargs) - {"ignore_conflicts"}:
            return orm_bulk_create(queryset, objs, **kwargs)
        written_out_insert(list(objs), using=queryset.db, **kwargs)
        return list(objs)

    ways: dict[str, Callable[..., Any]] = {
        "bulk_create": counted(orm_bulk_create),
        "written out": counted(contender),
    }
    timings: dict[str, list[float]] = {name: [] for name in ways}
    try:
        for way in ways.values():  # warm both: caches, prepared statements, imports
            QuerySet.bulk_create = way  # type: ignore[method-assign]
            create_round(client, users.agent_token, customer_ids, options.warmup)
        calls = 0
        order = list(ways)
        for round_no in range(options.rounds):
            for name in order if round_no % 2 == 0 else reversed(order):
                QuerySet.bulk_create = ways[name]  # type: ignore[method-assign]
                timings[name] += create_round(
                    client, users.agent_token, customer_ids, options.creates
                )
    finally:
        QuerySet.bulk_create = orm_bulk_create  # type: ignore[method-assign]
    creates = options.rounds * options.creates * len(ways)

    print(f"\nInsert benchmark ({'smoke' if options.smoke else 'full'} size)")
    for label, value in api_bench.machine_facts():
        print(f"  {label}: {value}")
    print(f"  {options.rounds} rounds x {options.creates} creates per way, alternating (ABBA)")
    print(f"  bulk_create calls per create: {calls / creates:.1f}\n")
    print(f"  {'way':<14}{'median ms':>11}{'p90 ms':>9}{'creates/s':>11}")
    medians = {}
    for name, values in timings.items():
        values.sort()
        medians[name] = statistics.median(values)
        p90 = values[int(len(values) * 0.9) - 1]
        rate = len(values) / (sum(values) / 1000)
        print(f"  {name:<14}{medians[name]:>11.2f}{p90:>9.2f}{rate:>11.0f}")
    saved = 1 - medians["written out"] / medians["bulk_create"]
    verdict = "worth bringing back" if saved >= WORTH_KEEPING else "bulk_create stays"
    print(
        f"\n  the written-out INSERT saves {saved:.1%} of a create against bulk_create"
        f" (needed: {WORTH_KEEPING:.0%}): {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
