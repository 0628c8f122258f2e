"""Every figure of the root-cause report, computed by SQL aggregation through the ORM.

``compute(start=…, end=…)`` returns plain JSON-ready data: it is stored as the report's
snapshot and never recomputed. Each section is one or a few GROUP BY queries (window functions
for the Pareto's cumulative count, ``percentile_cont`` on PostgreSQL with an exact ordered
LIMIT/OFFSET fallback on SQLite); no query loads complaints into Python.

Periods are local (Europe/Amsterdam) dates, both inclusive. "Received" counts complaints by
``received_at``; everything about the resolution (root cause, outcome, emotion shift, triad,
time to resolve) counts complaints by ``resolved_at`` in the period, because the root cause is
known only from then on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import OrderBy
from django.utils import timezone

from complaints.choices import Emotion, Outcome
from complaints.models import (
    CallbackPromise,
    Complaint,
    CoulanceRequest,
    CoulanceStatus,
    FollowUp,
    FollowUpState,
    PromiseState,
)
from reports import actions
from reports.aggregates import RunningSum, Seconds, percentiles
from reports.models import CorrectiveAction

# How many causes the trend follows, and how many months back.
TOP_CAUSES = 5
TREND_MONTHS = 12
# Corrective actions whose effect is shown: done in the trend's months, newest first, at most:
EFFECT_ROWS = 20
HOUR = 3600.0
NEGATIVE_EMOTIONS = [
    Emotion.ANGRY,
    Emotion.FRUSTRATED,
    Emotion.ANXIOUS,
    Emotion.AGGRIEVED,
    Emotion.DISAPPOINTED,
]
SAYING_NO = [Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD]
CAUSE_FIELDS = ("code", "name_nl", "name_en")


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


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / HOUR, 2)


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def _cause(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The cause's code and names as they were when the report was made (None: not known)."""
    return {name: row[f"{prefix}{name}"] for name in CAUSE_FIELDS}


def _code_order(field: str) -> OrderBy:
    """By code, complaints without a cause last (SQLite and PostgreSQL differ by default)."""
    return F(field).asc(nulls_last=True)


def _cause_values(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in CAUSE_FIELDS]


# --- Sections ----------------------------------------------------------------------------------


def _grouped(qs: QuerySet[Complaint], field: str) -> list[dict[str, Any]]:
    rows = qs.values(field).annotate(count=Count("id")).order_by("-count", field)
    return [{"key": row[field], "count": row["count"]} for row in rows]


def _by_cause(qs: QuerySet[Complaint]) -> list[dict[str, Any]]:
    fields = _cause_values("root_cause__")
    rows = (
        qs.values(*fields)
        .annotate(count=Count("id"))
        .order_by("-count", _code_order("root_cause__code"))
    )
    return [{**_cause(row, "root_cause__"), "count": row["count"]} for row in rows]


def volumes(received: QuerySet[Complaint], resolved: QuerySet[Complaint]) -> dict[str, Any]:
    """Complaints received and resolved, by channel, category and root cause."""
    result = {}
    for name, qs in (("received", received), ("resolved", resolved)):
        by_channel = _grouped(qs, "channel")
        result[name] = {
            # Every complaint has a channel: the total is the sum of the (at most 7) groups.
            "total": sum(row["count"] for row in by_channel),
            "by_channel": by_channel,
            "by_category": _grouped(qs, "category"),
            "by_root_cause": _by_cause(qs),
        }
    return result


def pareto(resolved: QuerySet[Complaint]) -> dict[str, Any]:
    """Root causes of the resolved complaints, most frequent first, with the running total
    (a window over the grouped counts: SUM(COUNT(*)) OVER (ORDER BY COUNT(*) DESC, code))."""
    # MIN(code) is the row's own code; as an aggregate it keeps the window out of GROUP BY.
    order = [Count("id").desc(), Min("root_cause__code").asc()]
    rows = (
        resolved.filter(root_cause__isnull=False)
        .values(*_cause_values("root_cause__"), "root_cause__parent__code")
        .annotate(
            count=Count("id"),
            cumulative=Window(RunningSum(Count("id")), order_by=order),
        )
        .order_by("-count", "root_cause__code")
    )
    rows = list(rows)
    total = sum(row["count"] for row in rows)  # the grouped rows, one per cause
    return {
        "total": total,
        "causes": [
            {
                **_cause(row, "root_cause__"),
                "group": row["root_cause__parent__code"],
                "count": row["count"],
                "share": _share(row["count"], total),
                "cumulative": int(row["cumulative"]),
                "cumulative_share": _share(int(row["cumulative"]), total),
            }
            for row in rows
        ],
    }


def trend(period: Period, codes: list[str]) -> dict[str, Any]:
    """Resolved complaints per month for each of ``codes`` over the months up to the period's
    last one: one GROUP BY cause with a filtered COUNT per month, whose bounds are local
    (Amsterdam) midnights, so no row needs a time-zone conversion."""
    months = [month_start(period.end, back) for back in range(TREND_MONTHS - 1, -1, -1)]
    bounds = [local_midnight(m) for m in months] + [period.end_at]
    counts = {
        f"m{i}": Count("id", filter=Q(resolved_at__gte=bounds[i], resolved_at__lt=bounds[i + 1]))
        for i in range(TREND_MONTHS)
    }
    series = {code: [0] * TREND_MONTHS for code in codes}
    if codes:
        rows = (
            Complaint.objects.filter(
                root_cause__code__in=codes, resolved_at__gte=bounds[0], resolved_at__lt=bounds[-1]
            )
            .values("root_cause__code")
            .annotate(**counts)
            .order_by()
        )
        for row in rows:
            series[row["root_cause__code"]] = [row[f"m{i}"] for i in range(TREND_MONTHS)]
    return {
        "months": [f"{m:%Y-%m}" for m in months],
        "series": [{"code": c, "counts": series[c]} for c in codes],
    }


def coulance(period: Period) -> dict[str, Any]:
    """Goodwill gestures approved in the period, per root cause of their complaint (EUR)."""
    approved = CoulanceRequest.objects.filter(
        status=CoulanceStatus.APPROVED,
        decided_at__gte=period.start_at,
        decided_at__lt=period.end_at,
    )
    fields = _cause_values("complaint__root_cause__")
    rows = (
        approved.values(*fields)
        .annotate(count=Count("id"), amount=Sum("amount_eur"))
        .order_by("-amount", _code_order("complaint__root_cause__code"))
    )
    totals = approved.aggregate(count=Count("id"), amount=Sum("amount_eur"))
    return {
        "count": totals["count"],
        "amount_eur": _money(totals["amount"]),
        "by_root_cause": [
            {
                **_cause(row, "complaint__root_cause__"),
                "count": row["count"],
                "amount_eur": _money(row["amount"]),
            }
            for row in rows
        ],
    }


def _money(value: Decimal | None) -> str:
    return f"{(value or Decimal('0')):.2f}"


FRACTIONS = {"median": 0.5, "p90": 0.9}


def _timing(found: dict[str, Any]) -> dict[str, Any]:
    return {
        "count": found["count"],
        "median_hours": _hours(found["median"]),
        "p90_hours": _hours(found["p90"]),
    }


def timings(received: QuerySet[Complaint], resolved: QuerySet[Complaint]) -> dict[str, Any]:
    """Median and 90th percentile of the hours to acknowledge (complaints received in the
    period) and to resolve (complaints resolved in it)."""
    acknowledge = percentiles(
        received, {"v": Seconds("acknowledged_at", "received_at")}, FRACTIONS
    )["v"]
    resolve = percentiles(resolved, {"v": Seconds("resolved_at", "received_at")}, FRACTIONS)["v"]
    return {"acknowledge": _timing(acknowledge), "resolve": _timing(resolve)}


def promises(period: Period) -> dict[str, Any]:
    """Callback promises due in the period that were kept or broken, per team of the owner
    (rescheduled and cancelled ones count for neither)."""
    qs = CallbackPromise.objects.filter(
        due_at__gte=period.start_at,
        due_at__lt=period.end_at,
        state__in=[PromiseState.KEPT, PromiseState.BROKEN],
    )
    counts = {
        "kept": Count("id", filter=Q(state=PromiseState.KEPT)),
        "broken": Count("id", filter=Q(state=PromiseState.BROKEN)),
    }
    rows = (
        qs.values("owner__team__name").annotate(**counts).order_by(_code_order("owner__team__name"))
    )
    overall = qs.aggregate(**counts)
    return {
        "kept": overall["kept"],
        "broken": overall["broken"],
        "rate": _share(overall["kept"], overall["kept"] + overall["broken"]),
        "by_team": [
            {
                "team": row["owner__team__name"],
                "kept": row["kept"],
                "broken": row["broken"],
                "rate": _share(row["kept"], row["kept"] + row["broken"]),
            }
            for row in rows
        ],
    }


TRIAD_STEPS = [
    ("understand", "understanding__recorded_at", "received_at"),
    ("apologise", "apology__recorded_at", "understanding__recorded_at"),
    ("solve", "solution__recorded_at", "apology__recorded_at"),
    ("resolve", "resolved_at", "solution__recorded_at"),
]


# Up to this many days, a period's complaints are few enough to look their steps up by index.
INDEX_PROBE_DAYS = 92


@contextmanager
def _index_probes(enabled: bool) -> Iterator[None]:
    """On PostgreSQL, have the planner look each complaint's steps up by their unique
    complaint index instead of hashing the whole step tables.

    A month's slice (~40,000 of 1,000,000 complaints) joins 1:1 onto three step tables of a
    million rows each; the planner prefers hash joins that read all three (0.8 s in the
    benchmark) over 120,000 index probes (0.35 s). Longer periods keep the planner's choice.
    Only inside the report's transaction (SET LOCAL), and switched back afterwards.
    """
    if not enabled or connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_hashjoin = on; SET LOCAL enable_mergejoin = on")


def triad(resolved: QuerySet[Complaint], *, short_period: bool = False) -> dict[str, Any]:
    """Resolved complaints that had all three steps, and how many hours each step took
    (median and 90th percentile; one query on PostgreSQL)."""
    with _index_probes(short_period):
        found = percentiles(
            resolved,
            {name: Seconds(end, start) for name, end, start in TRIAD_STEPS},
            FRACTIONS,
            resolved=Count("id"),
            complete=Count(
                "id",
                filter=Q(
                    understanding__isnull=False, apology__isnull=False, solution__isnull=False
                ),
            ),
        )
    return {
        "resolved": found["resolved"],
        "complete": found["complete"],
        "share": _share(found["complete"], found["resolved"]),
        "steps": [{"step": name, **_timing(found[name])} for name, _end, _start in TRIAD_STEPS],
    }


def _valence(field: str) -> Case:
    """−1 for a negative feeling, 0 for neutral, 1 for satisfied (NULL when not recorded)."""
    return Case(
        When(**{f"{field}__in": NEGATIVE_EMOTIONS}, then=Value(-1)),
        When(**{field: Emotion.NEUTRAL}, then=Value(0)),
        When(**{field: Emotion.SATISFIED}, then=Value(1)),
        default=None,
        output_field=IntegerField(),
    )


def _margin(pairs: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    totals: dict[str, int] = {}
    for row in pairs:
        totals[row[field]] = totals.get(row[field], 0) + row["count"]
    return [
        {"key": key, "count": count}
        for key, count in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ]


def emotions(resolved: QuerySet[Complaint]) -> dict[str, Any]:
    """Emotion at intake against emotion at resolution: both distributions, the matrix, and
    how many complaints ended with a better, equal or worse feeling, overall and per cause."""
    pairs: list[dict[str, Any]] = list(
        resolved.values("emotion_at_intake", "emotion_at_resolution")
        .annotate(count=Count("id"))
        .order_by("emotion_at_intake", "emotion_at_resolution")
    )
    counts = {
        "compared": Count("id"),
        "better": Count("id", filter=Q(after__gt=F("before"))),
        "same": Count("id", filter=Q(after=F("before"))),
        "worse": Count("id", filter=Q(after__lt=F("before"))),
    }
    by_cause = list(
        resolved.annotate(
            before=_valence("emotion_at_intake"), after=_valence("emotion_at_resolution")
        )
        .filter(before__isnull=False, after__isnull=False)
        .values(*_cause_values("root_cause__"))
        .annotate(**counts)
        .order_by(_code_order("root_cause__code"))
    )
    # The whole: the sums of the grouped rows (one per cause).
    shift = {key: sum(row[key] for row in by_cause) for key in counts}
    return {
        # The margins of the (at most 8 × 8) matrix of aggregated pairs.
        "at_intake": _margin(pairs, "emotion_at_intake"),
        "at_resolution": _margin(pairs, "emotion_at_resolution"),
        "pairs": [
            {
                "intake": row["emotion_at_intake"],
                "resolution": row["emotion_at_resolution"],
                "count": row["count"],
            }
            for row in pairs
        ],
        "shift": {**shift, "better_share": _share(shift["better"], shift["compared"])},
        "shift_by_root_cause": [
            {
                **_cause(row, "root_cause__"),
                **{key: row[key] for key in counts},
                "better_share": _share(row["better"], row["compared"]),
            }
            for row in by_cause
        ],
    }


def _nps_counts() -> dict[str, Any]:
    return {
        "answers": Count("id"),
        "promoters": Count("id", filter=Q(nps__gte=9)),
        "passives": Count("id", filter=Q(nps__gte=7, nps__lte=8)),
        "detractors": Count("id", filter=Q(nps__lte=6)),
    }


def _nps(row: dict[str, Any]) -> dict[str, Any]:
    answers = row["answers"]
    score = (
        None if answers == 0 else round((row["promoters"] - row["detractors"]) * 100 / answers, 1)
    )
    return {
        "answers": answers,
        "promoters": row["promoters"],
        "passives": row["passives"],
        "detractors": row["detractors"],
        "nps": score,
    }


def nps(period: Period) -> dict[str, Any]:
    """NPS answers of follow-ups completed in the period, overall and per root cause."""
    qs = FollowUp.objects.filter(
        state=FollowUpState.COMPLETED,
        nps__isnull=False,
        ended_at__gte=period.start_at,
        ended_at__lt=period.end_at,
    )
    fields = _cause_values("complaint__root_cause__")
    rows = (
        qs.values(*fields)
        .annotate(**_nps_counts())
        .order_by(_code_order("complaint__root_cause__code"))
    )
    return {
        **_nps(qs.aggregate(**_nps_counts())),
        "by_root_cause": [{**_cause(row, "complaint__root_cause__"), **_nps(row)} for row in rows],
    }


def outcomes(resolved: QuerySet[Complaint]) -> dict[str, Any]:
    """Outcomes, and how often a (partial) no came with an alternative."""
    grouped = (
        resolved.values("outcome")
        .annotate(
            count=Count("id"), with_alternative=Count("id", filter=~Q(alternatives_offered=""))
        )
        .order_by("-count", "outcome")
    )
    rows = list(grouped)
    no = [row for row in rows if row["outcome"] in SAYING_NO]
    said_no = sum(row["count"] for row in no)  # at most two grouped rows
    with_alternative = sum(row["with_alternative"] for row in no)
    return {
        "by_outcome": [{"key": row["outcome"], "count": row["count"]} for row in rows],
        "no": said_no,
        "no_with_alternative": with_alternative,
        "no_with_alternative_share": _share(with_alternative, said_no),
    }


def corrective_actions(period: Period, *, now: datetime) -> dict[str, Any]:
    """Actions opened, done and dropped in the period, those overdue at its end, and the effect
    of the actions done in the trend's months (measured when the report was made)."""
    end = period.end_at
    finished_before_end = Q(done_at__lt=end) | Q(dropped_at__lt=end)
    counts = CorrectiveAction.objects.aggregate(
        opened=Count("id", filter=Q(created_at__gte=period.start_at, created_at__lt=end)),
        done=Count("id", filter=Q(done_at__gte=period.start_at, done_at__lt=end)),
        dropped=Count("id", filter=Q(dropped_at__gte=period.start_at, dropped_at__lt=end)),
        overdue=Count(
            "id",
            filter=Q(created_at__lt=end, due_on__lte=period.end) & ~finished_before_end,
        ),
        open_at_end=Count("id", filter=Q(created_at__lt=end) & ~finished_before_end),
    )
    done = (
        CorrectiveAction.objects.filter(
            done_at__gte=local_midnight(month_start(period.end, TREND_MONTHS - 1)),
            done_at__lt=end,
        )
        .select_related("root_cause", "owner")
        .order_by("-done_at", "-id")[:EFFECT_ROWS]
    )
    effects = []
    for action in done:  # at most EFFECT_ROWS, one conditional COUNT each
        effect = actions.action_effect(action=action, now=now)
        effects.append(
            {
                "id": action.pk,
                "title": action.title,
                "root_cause": action.root_cause.code,
                "root_cause_name_nl": action.root_cause.name_nl,
                "root_cause_name_en": action.root_cause.name_en,
                "owner": str(action.owner),
                "done_on": f"{timezone.localdate(action.done_at):%Y-%m-%d}"
                if action.done_at
                else None,
                "window_days": effect.window_days if effect else None,
                "before": effect.before if effect else None,
                "after": effect.after if effect else None,
                "change": effect.change if effect else None,
            }
        )
    return {**counts, "effects": effects}


# --- The whole report --------------------------------------------------------------------------


def compute(*, start: date, end: date, now: datetime | None = None) -> dict[str, Any]:
    """All figures for the local dates ``start``–``end`` (inclusive)."""
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # JIT compilation costs ~0.1 s per aggregate query here and pays off only for
            # scans far longer than a month's slice: off for this transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _compute(Period(start, end), now)


def _compute(period: Period, now: datetime) -> dict[str, Any]:
    start, end = period.start, period.end
    received = Complaint.objects.filter(
        received_at__gte=period.start_at, received_at__lt=period.end_at
    )
    resolved = Complaint.objects.filter(
        resolved_at__gte=period.start_at, resolved_at__lt=period.end_at
    )
    causes = pareto(resolved)
    top = [row["code"] for row in causes["causes"][:TOP_CAUSES]]
    return {
        "version": 1,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "computed_at": now.isoformat(),
        "volumes": volumes(received, resolved),
        "pareto": causes,
        "trend": trend(period, top),
        "coulance": coulance(period),
        "timings": timings(received, resolved),
        "promises": promises(period),
        "triad": triad(resolved, short_period=(end - start).days < INDEX_PROBE_DAYS),
        "emotions": emotions(resolved),
        "nps": nps(period),
        "outcomes": outcomes(resolved),
        "corrective_actions": corrective_actions(period, now=now),
    }
