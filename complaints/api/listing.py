"""The complaint list: the API's busiest answer, read with two hand-written statements.

``complaints.list_filters`` declares what the list's filters mean, each as a ``Q`` that
``selectors.complaint_filter`` gives the ORM; ``conditions`` writes the same ``Q`` in SQL
(``where_sql``), with the same visibility decision (``policies.sight``), and a property test
holds the two to the same complaints. Building an ORM query costs more than PostgreSQL
takes to run it, and a fixed SQL text lets psycopg prepare it once per connection.

``ListQuery`` is what DRF's ``CursorPagination`` gets in place of a queryset: it takes the
pagination's ``order_by``, its position ``filter`` and its slice, and the slice runs the query.
DRF keeps its cursor rules (ties on the same moment, previous pages); no ORM query is built.
The rows are shaped here exactly as ``ComplaintListSerializer`` would (a test holds them equal).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connections
from django.db.models import Field, Model, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from accounts.models import Team, User
from complaints import list_filters
from complaints.models import Complaint, Customer, RootCause
from complaints.models.complaint import is_overdue
from complaints.policies import Sight
from dbperf import sql

# (key in the row, table alias, model, field name): the columns a list item is made of.
_COLUMNS: tuple[tuple[str, str, Any, str], ...] = (
    ("pk", "c", Complaint, "id"),
    ("reference", "c", Complaint, "reference"),
    ("channel", "c", Complaint, "channel"),
    ("received_at", "c", Complaint, "received_at"),
    ("subject", "c", Complaint, "subject"),
    ("category", "c", Complaint, "category"),
    ("priority", "c", Complaint, "priority"),
    ("stage", "c", Complaint, "stage"),
    ("acknowledge_due_at", "c", Complaint, "acknowledge_due_at"),
    ("resolve_due_at", "c", Complaint, "resolve_due_at"),
    ("acknowledged_at", "c", Complaint, "acknowledged_at"),
    ("outcome", "c", Complaint, "outcome"),
    ("customer_id", "c", Complaint, "customer"),
    ("customer__name", "cu", Customer, "name"),
    ("customer__customer_number", "cu", Customer, "customer_number"),
    ("customer__language", "cu", Customer, "language"),
    ("owner_id", "c", Complaint, "owner"),
    ("owner__username", "u", User, "username"),
    ("owner__first_name", "u", User, "first_name"),
    ("owner__last_name", "u", User, "last_name"),
    ("owner__team__name", "tm", Team, "name"),
    ("root_cause_id", "c", Complaint, "root_cause"),
    ("root_cause__code", "rc", RootCause, "code"),
    ("root_cause__name_nl", "rc", RootCause, "name_nl"),
    ("root_cause__name_en", "rc", RootCause, "name_en"),
)
KEYS = tuple(key for key, *_ in _COLUMNS)
FIELDS: tuple[Field[Any, Any], ...] = tuple(
    model._meta.get_field(name) for _, _, model, name in _COLUMNS
)
ORDERABLE = {"received_at", "id"}


def _c(name: str, alias: str = "c", model: Any = Complaint) -> str:
    return sql.column(model._meta.get_field(name), alias)


_CUSTOMER_JOIN = f" JOIN {sql.table(Customer)} cu ON {_c('id', 'cu', Customer)} = {_c('customer')}"
_FROM = (
    f" FROM {sql.table(Complaint)} c"
    + _CUSTOMER_JOIN
    + f" JOIN {sql.table(User)} u ON {_c('id', 'u', User)} = {_c('owner')}"
    f" LEFT JOIN {sql.table(Team)} tm ON {_c('id', 'tm', Team)} = {_c('team', 'u', User)}"
    f" LEFT JOIN {sql.table(RootCause)} rc ON {_c('id', 'rc', RootCause)} = {_c('root_cause')}"
)
_SELECT = "SELECT " + ", ".join(
    sql.column(field, alias) for field, (_, alias, *_) in zip(FIELDS, _COLUMNS, strict=True)
)


def conditions(
    seen: Sight, filters: dict[str, Any], now: datetime
) -> tuple[list[str], list[Any], bool]:
    """The WHERE conditions (joined by AND) and their parameters: what ``seen`` lets the user
    see, narrowed by ``filters`` (the conditions ``list_filters`` declares, in SQL); and
    whether they read a customer's column (alias ``cu``: the statement then needs its join)."""
    where: list[str] = []
    params: list[Any] = []
    if seen.no_one:
        return ["1 = 0"], [], False
    if not seen.everyone:
        people = [f"{_c('id', 'su', User)} = %s"]
        params.append(seen.user_id)
        if seen.team_id:
            people.append(f"{_c('team', 'su', User)} = %s")
            params.append(seen.team_id)
        if seen.manager_id:
            people.append(f"{_c('manager', 'st', Team)} = %s")
            params.append(seen.manager_id)
        where.append(
            f"{_c('owner')} IN (SELECT {_c('id', 'su', User)} FROM {sql.table(User)} su"
            f" LEFT JOIN {sql.table(Team)} st ON {_c('id', 'st', Team)} = {_c('team', 'su', User)}"
            f" WHERE {' OR '.join(people)})"
        )
    customer = False
    for condition in list_filters.narrowing(filters, now):
        text, values = where_sql(condition)
        where.append(text)
        params.extend(values)
        customer = customer or any(_relation(path)[0] == "cu" for path in _paths(condition))
    return where, params, customer


# The relations a condition may name (``customer__name``), with their alias in the statements.
_RELATIONS: dict[str, tuple[str, Any]] = {"customer": ("cu", Customer)}
_OPERATORS = {"exact", "gt", "gte", "lt", "lte", "iexact", "icontains"}


@cache  # a handful of paths; resolving one is most of what writing a condition costs
def _relation(path: str) -> tuple[str, Any, str, str]:
    """(alias, model, field name, lookup) of a ``Q`` child's path such as ``customer__name``."""
    parts = path.split("__")
    lookup = (
        parts.pop() if len(parts) > 1 and parts[-1] in {*_OPERATORS, "in", "isnull"} else "exact"
    )
    if len(parts) == 2 and parts[0] in _RELATIONS:
        alias, model = _RELATIONS[parts[0]]
        return alias, model, parts[1], lookup
    if len(parts) != 1:
        raise ValueError(f"the list's SQL cannot follow {path!r}")
    return "c", Complaint, parts[0], lookup


def _paths(condition: Q) -> list[str]:
    """The lookup paths ``condition`` names, at any depth."""
    return [
        path
        for child in condition.children
        for path in (_paths(child) if isinstance(child, Q) else [_lookup_of(child)[0]])
    ]


def _lookup_of(child: Any) -> tuple[str, Any]:
    """A ``Q`` child that is no ``Q``: a (path, value) pair (expressions are not written here)."""
    if not (isinstance(child, tuple) and len(child) == 2 and isinstance(child[0], str)):
        raise ValueError(f"the list's SQL cannot write {child!r}")
    return child[0], child[1]


def where_sql(condition: Q, *, negated: bool = False) -> tuple[str, list[Any]]:
    """``condition`` in SQL, as the ORM would filter with it, with its parameters.

    Only what the list's conditions use: ``AND``/``OR``/``NOT`` of the lookups in
    ``_OPERATORS``, ``in`` and ``isnull`` on a complaint's column or a customer's. As the ORM
    does, a nullable column compared under a NOT counts as not matching where it is NULL.
    """
    negated = negated or condition.negated
    parts: list[str] = []
    params: list[Any] = []
    for child in condition.children:
        if isinstance(child, Q):
            text, values = where_sql(child, negated=negated)
        else:
            text, values = _leaf(*_lookup_of(child), negated=negated)
        parts.append(text)
        params.extend(values)
    if not parts:
        return "1 = 1", []
    text = f" {condition.connector} ".join(parts)
    text = text if len(parts) == 1 else f"({text})"
    return (f"NOT {text}" if condition.negated else text), params


def _leaf(path: str, value: Any, *, negated: bool) -> tuple[str, list[Any]]:
    connection = connections["default"]
    alias, model, name, lookup = _relation(path)
    field = model._meta.get_field(name)
    column = sql.column(field, alias)
    if isinstance(value, Model):
        value = value.pk
    if lookup == "isnull" or (lookup == "exact" and value is None):
        return f"{column} IS {'' if lookup == 'exact' or value else 'NOT '}NULL", []
    if lookup == "in":
        values = [field.get_db_prep_value(item, connection) for item in value]
        if not values:
            return "1 = 0", []
        return f"{column} IN ({', '.join(['%s'] * len(values))})", values
    if lookup == "icontains":
        prepared: Any = f"%{connection.ops.prep_for_like_query(value)}%"
    elif lookup == "iexact":
        prepared = connection.ops.prep_for_iexact_query(value)
    else:
        prepared = field.get_db_prep_value(value, connection)
    cast = connection.ops.lookup_cast(lookup, field.get_internal_type()) % column
    text = f"{cast} {connection.operators[lookup] % '%s'}"
    if negated and field.null:
        text = f"({text} AND {column} IS NOT NULL)"
    return text, [prepared]


class ListQuery:
    """A page of the complaints ``seen`` lets a user see, narrowed by ``filters``; see above."""

    def __init__(
        self,
        seen: Sight,
        filters: dict[str, Any],
        *,
        now: datetime | None = None,
        ordering: Sequence[str] = ("-received_at", "-id"),
        extra: Sequence[tuple[str, Any]] = (),
    ) -> None:
        self.seen = seen
        self.filters = filters
        self.now = now or timezone.now()
        self.ordering = tuple(ordering)
        self.extra = tuple(extra)
        for name in self.ordering:
            if name.lstrip("-") not in ORDERABLE:
                raise ValueError(f"the list cannot be ordered by {name!r}")

    def order_by(self, *ordering: str) -> ListQuery:
        return ListQuery(self.seen, self.filters, now=self.now, ordering=ordering, extra=self.extra)

    def filter(self, **position: Any) -> ListQuery:
        """The cursor's position: ``received_at__lt`` or ``received_at__gt`` a moment."""
        ((lookup, value),) = position.items()
        if lookup not in {"received_at__lt", "received_at__gt"}:
            raise ValueError(f"the list cannot be filtered by {lookup!r}")
        moment = value if isinstance(value, datetime) else parse_datetime(str(value))
        if moment is None:
            raise NotFound(CursorPagination.invalid_cursor_message)
        operator = "<" if lookup.endswith("__lt") else ">"
        condition = (f"{_c('received_at')} {operator} %s", moment)
        return ListQuery(
            self.seen,
            self.filters,
            now=self.now,
            ordering=self.ordering,
            extra=(*self.extra, condition),
        )

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        """The rows ``window`` (a slice with a start and a stop) picks, as dicts by ``KEYS``.

        Two statements: the page is picked on the complaint table alone, planned for the
        filters at hand; then its rows are read with their customer, owner, team and cause by
        id, a statement whose plan PostgreSQL keeps (planning the five-table join for every
        request would cost more than running it).
        """
        start, stop = int(window.start or 0), int(window.stop)
        where, params, customer = conditions(self.seen, self.filters, self.now)
        moment = connections["default"].ops.adapt_datetimefield_value
        for condition, value in self.extra:
            where.append(condition)
            params.append(moment(value))
        order = ", ".join(
            f"{_c(name.lstrip('-'))} {'DESC' if name.startswith('-') else 'ASC'}"
            for name in self.ordering
        )
        # LIMIT and OFFSET are written into the text (whole numbers, checked above) so that the
        # planner sees them: a plan made for a LIMIT parameter may not pick the index walk.
        page = sql.select(
            f"SELECT {_c('id')} FROM {sql.table(Complaint)} c"
            + (_CUSTOMER_JOIN if customer else "")
            + (" WHERE " + " AND ".join(where) if where else "")
            + f" ORDER BY {order} LIMIT {stop - start} OFFSET {start}",
            params,
            (Complaint._meta.pk,),
        )
        ids = [pk for (pk,) in page]
        if not ids:
            return []
        rows = sql.select(
            _SELECT + _FROM + f" WHERE {_c('id')} IN ({', '.join(['%s'] * len(ids))})",
            ids,
            FIELDS,
        )
        by_id = {row[0]: dict(zip(KEYS, row, strict=True)) for row in rows}
        # A complaint deleted between the two statements is left out, not a server error.
        return [by_id[pk] for pk in ids if pk in by_id]


def complaint_items(
    rows: Sequence[dict[str, Any]], *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The list items of ``rows`` (from ``ListQuery``) as the API answers them, in that order."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()

    def moment(value: datetime | None) -> str | None:
        """As DRF's DateTimeField writes it: ISO 8601 in the current time zone, UTC as Z."""
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return [_item(row, now, moment) for row in rows]


def _item(
    row: dict[str, Any], now: datetime, moment: Callable[[Any], str | None]
) -> dict[str, Any]:
    full_name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    return {
        "reference": row["reference"],
        "customer": {
            "id": row["customer_id"],
            "name": row["customer__name"],
            "customer_number": row["customer__customer_number"],
            "language": row["customer__language"],
        },
        "channel": row["channel"],
        "received_at": moment(row["received_at"]),
        "subject": row["subject"],
        "category": row["category"],
        "priority": row["priority"],
        "owner": {
            "id": row["owner_id"],
            "username": row["owner__username"],
            "name": full_name or row["owner__username"],
            "team": row["owner__team__name"],
        },
        "stage": row["stage"],
        "acknowledge_due_at": moment(row["acknowledge_due_at"]),
        "resolve_due_at": moment(row["resolve_due_at"]),
        "is_overdue": is_overdue(
            stage=row["stage"],
            resolve_due_at=row["resolve_due_at"],
            acknowledged_at=row["acknowledged_at"],
            acknowledge_due_at=row["acknowledge_due_at"],
            now=now,
        ),
        "outcome": row["outcome"],
        "root_cause": None
        if row["root_cause_id"] is None
        else {
            "id": row["root_cause_id"],
            "code": row["root_cause__code"],
            "name_nl": row["root_cause__name_nl"],
            "name_en": row["root_cause__name_en"],
        },
    }
