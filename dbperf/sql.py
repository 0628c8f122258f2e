"""Hand-written SELECTs for the few hottest reads, with the ORM's value conversion kept.

The ORM spends more time building a query than PostgreSQL spends running it. For the reads made
on every API request (the token's user, the complaint list) the SQL is written out once and sent
as is; with server-side binding, psycopg prepares a statement it sees again and PostgreSQL
skips planning it. ``select`` runs such SQL and passes every value through the converters the
ORM would apply to that model field (SQLite returns its datetimes naive, for instance), so
callers get the same Python values as from a queryset, on every database Django supports here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]

_converters: dict[
    tuple[str, tuple[Field[Any, Any], ...]], list[tuple[int, Any, list[Converter]]]
] = {}


def column(field: Field[Any, Any], alias: str) -> str:
    """``alias."column"`` of a model field, quoted for the database in use."""
    return f"{alias}.{connections['default'].ops.quote_name(field.column)}"


def table(model: Any) -> str:
    return connections["default"].ops.quote_name(model._meta.db_table)


def select(
    sql: str, params: Sequence[Any], fields: Sequence[Field[Any, Any]], *, using: str = "default"
) -> list[tuple[Any, ...]]:
    """The rows of ``sql``, whose columns are the values of ``fields`` in that order."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    converters = _converters_for(connection, tuple(fields))
    if not converters or not rows:
        return rows
    converted = []
    for row in rows:
        values = list(row)
        for index, expression, functions in converters:
            value = values[index]
            for function in functions:
                value = function(value, expression, connection)
            values[index] = value
        converted.append(tuple(values))
    return converted


def get(model: type[M], pk: int, *, using: str = "default") -> M | None:
    """The ``model`` row with primary key ``pk``, or None: ``filter(pk=pk).first()`` without
    building the ORM query."""
    text, fields, names = _get_statement(model)
    rows = select(text, [pk], fields, using=using)
    return model.from_db(using, names, rows[0]) if rows else None


@cache
def _get_statement(model: type[Model]) -> tuple[str, tuple[Field[Any, Any], ...], list[str]]:
    fields = tuple(model._meta.concrete_fields)
    text = (
        f"SELECT {', '.join(column(field, 't') for field in fields)} FROM {table(model)} t"
        f" WHERE {column(model._meta.pk, 't')} = %s"
    )
    return text, fields, [field.attname for field in fields]


def _converters_for(
    connection: BaseDatabaseWrapper, fields: tuple[Field[Any, Any], ...]
) -> list[tuple[int, Any, list[Converter]]]:
    key = (connection.vendor, fields)
    if key not in _converters:
        found = []
        for index, field in enumerate(fields):
            expression = field.get_col(field.model._meta.db_table)
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            )
            if functions:
                found.append((index, expression, functions))
        _converters[key] = found
    return _converters[key]
