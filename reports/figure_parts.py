"""What every section of the root-cause report shares: the period, shares, hours, a cause's names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F
from django.db.models.expressions import OrderBy
from django.utils import timezone

HOUR = 3600.0
CAUSE_FIELDS = ("code", "name_nl", "name_en")
FRACTIONS = {"median": 0.5, "p90": 0.9}


def timing(found: dict[str, Any]) -> dict[str, Any]:
    return {
        "count": found["count"],
        "median_hours": hours(found["median"]),
        "p90_hours": hours(found["p90"]),
    }


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return local_midnight(self.start)

    @property
    def end_at(self) -> datetime:
        """The first moment after the period."""
        return local_midnight(self.end + timedelta(days=1))


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / HOUR, 2)


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def cause(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The cause's code and names as they were when the report was made (None: not known)."""
    return {name: row[f"{prefix}{name}"] for name in CAUSE_FIELDS}


def code_order(field: str) -> OrderBy:
    """By code, complaints without a cause last (SQLite and PostgreSQL differ by default)."""
    return F(field).asc(nulls_last=True)


def cause_values(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in CAUSE_FIELDS]
