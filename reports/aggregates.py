"""SQL building blocks for the report: seconds between two moments, and percentiles.

PostgreSQL computes percentiles with ``percentile_cont … WITHIN GROUP``; SQLite has no such
aggregate, so there the same interpolated value is read with ordered ``LIMIT/OFFSET`` queries
(at most two rows per percentile), never by loading the rows into Python.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    QuerySet,
)
from django.db.models.sql.compiler import SQLCompiler


class Seconds(Func):
    """``end - start`` in seconds, as a float, on PostgreSQL and SQLite alike."""

    output_field = FloatField()

    def __init__(self, end: str | Expression, start: str | Expression) -> None:
        super().__init__(
            F(end) if isinstance(end, str) else end,
            F(start) if isinstance(start, str) else start,
        )

    def as_postgresql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        # julianday() reads Django's stored text moments; days × 86400 gives seconds.
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


class RunningSum(Func):
    """``SUM(<aggregate>)`` for use inside ``Window``: a running total over grouped rows.

    Django's ``Sum`` refuses an aggregate as its argument; in a window over a GROUP BY that is
    exactly what SQL allows (``SUM(COUNT(*)) OVER (ORDER BY COUNT(*) DESC)``).
    """

    function = "SUM"
    window_compatible = True
    output_field = IntegerField()


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (interpolated, like the SQLite path below)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Expression | F, fraction: float, **extra: Any) -> None:
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentiles(
    qs: QuerySet[Any],
    values: dict[str, Expression],
    fractions: dict[str, float],
    **extra: Aggregate,
) -> dict[str, Any]:
    """For each named value: ``{"count": n, <fraction name>: percentile, …}`` over the rows of
    ``qs`` where it is not NULL; plus the ``extra`` aggregates over all rows.

    Each percentile interpolates between the two nearest ranks (``percentile_cont``): the value
    at position ``f × (n − 1)`` of the sorted values. On PostgreSQL everything is one query.
    """
    qs = qs.annotate(**{f"_v_{name}": value for name, value in values.items()})
    if connection.vendor == "postgresql":
        return _read(
            qs.aggregate(**_aggregates(values, fractions, extra)), values, fractions, extra
        )
    result = qs.aggregate(**extra) if extra else {}
    for name in values:
        column = f"_v_{name}"
        present = qs.filter(**{f"{column}__isnull": False})
        n = present.count()
        ordered = present.order_by(column).values_list(column, flat=True)
        found: dict[str, Any] = {"count": n}
        for label, f in fractions.items():
            if n == 0:
                found[label] = None
                continue
            position = f * (n - 1)
            low = math.floor(position)
            pair = list(ordered[low : low + 2])  # at most two rows
            high = pair[1] if len(pair) > 1 else pair[0]
            found[label] = pair[0] + (high - pair[0]) * (position - low)
        result[name] = found
    return result


def grouped_percentiles(
    qs: QuerySet[Any],
    group: str,
    values: dict[str, Expression],
    fractions: dict[str, float],
    **extra: Aggregate,
) -> dict[Any, dict[str, Any]]:
    """``percentiles`` for each value of the field ``group``: ``{group value: result}``.

    On PostgreSQL one GROUP BY query; on SQLite ``percentiles`` once per group present.
    """
    if connection.vendor != "postgresql":
        keys = qs.order_by(group).values_list(group, flat=True).distinct()
        return {
            key: percentiles(qs.filter(**{group: key}), values, fractions, **extra) for key in keys
        }
    qs = qs.annotate(**{f"_v_{name}": value for name, value in values.items()})
    rows = qs.values(group).annotate(**_aggregates(values, fractions, extra)).order_by(group)
    return {row[group]: _read(row, values, fractions, extra) for row in rows}


def _aggregates(
    values: dict[str, Expression], fractions: dict[str, float], extra: dict[str, Aggregate]
) -> dict[str, Aggregate]:
    """PostgreSQL: the count and percentiles of each annotated ``_v_<name>``, and ``extra``."""
    aggregates: dict[str, Aggregate] = dict(extra)
    for name in values:
        aggregates[f"{name}__count"] = Count(f"_v_{name}")
        for label, f in fractions.items():
            aggregates[f"{name}__{label}"] = PercentileCont(F(f"_v_{name}"), f)
    return aggregates


def _read(
    found: dict[str, Any],
    values: dict[str, Expression],
    fractions: dict[str, float],
    extra: dict[str, Aggregate],
) -> dict[str, Any]:
    result: dict[str, Any] = {key: found[key] for key in extra}
    for name in values:
        result[name] = {"count": found[f"{name}__count"]} | {
            label: found[f"{name}__{label}"] for label in fractions
        }
    return result
