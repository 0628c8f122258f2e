"""The faster timestamp loader reads what Django's own would, and refuses what it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no timestamptz (set DATABASE_URL=postgres://…)",
    ),
]

MOMENTS = [
    "2026-11-23 15:05:06.681428+00",
    "2026-11-23 15:05:06+00",
    "2026-03-29 02:30:00+02",  # given with another offset: the same instant, read as UTC
    "1999-12-31 23:59:59.999999-05:30",
    "0044-03-15 10:00:00+00",
]
# Beyond what Python's datetime holds: both loaders refuse them alike.
REFUSED = ["infinity", "0044-03-15 10:00:00+00 BC", "12026-01-01 00:00:00+00"]


def _read(sql: str, params: list[Any], *, django_loader: bool) -> Any:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        if django_loader:
            from psycopg.pq import Format

            ours = cursor.adapters.get_loader(cursor.adapters.types["timestamptz"].oid, Format.TEXT)
            cursor.adapters.register_loader("timestamptz", ours.__mro__[1])
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_the_connection_uses_the_faster_loader():
    from psycopg.pq import Format

    connection.ensure_connection()
    adapters = connection.connection.adapters
    loader = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    assert getattr(loader, "reads_iso", False)


@pytest.mark.parametrize("moment", MOMENTS)
def test_a_moment_reads_as_with_djangos_loader(moment):
    sql = "SELECT %s::timestamptz"
    ours = _read(sql, [moment], django_loader=False)
    django = _read(sql, [moment], django_loader=True)
    assert ours == django
    assert ours.utcoffset().total_seconds() == 0
    assert ours.tzinfo == django.tzinfo


@pytest.mark.parametrize("moment", REFUSED)
def test_what_datetime_cannot_hold_is_refused_as_before(moment):
    from psycopg import DataError

    for django_loader in (False, True):
        with pytest.raises(DataError):
            _read("SELECT %s::timestamptz", [moment], django_loader=django_loader)
