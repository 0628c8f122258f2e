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

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Q, QuerySet, Sum, Window
from django.utils import timezone

from complaints.models import (
    CallbackPromise,
    Complaint,
    CoulanceRequest,
    CoulanceStatus,
    PromiseState,
)
from reports import actions
from reports.aggregates import RunningSum, Seconds, percentiles
from reports.experience import (
    INDEX_PROBE_DAYS,
    emotions,
    journey,
    nps,
    outcomes,
    triad,
    wishes,
)
from reports.figure_parts import (
    FRACTIONS,
    Period,
    cause,
    cause_values,
    code_order,
    local_midnight,
    month_start,
    share,
    timing,
)
from reports.models import CorrectiveAction

# How many causes the trend follows, and how many months back.
TOP_CAUSES = 5
TREND_MONTHS = 12
# Corrective actions whose effect is shown: done in the trend's months, newest first, at most:
EFFECT_ROWS = 20


# --- Sections ----------------------------------------------------------------------------------


def _grouped(qs: QuerySet[Complaint], field: str) -> list[dict[str, Any]]:
    rows = qs.values(field).annotate(count=Count("id")).order_by("-count", field)
    return [{"key": row[field], "count": row["count"]} for row in rows]


def _by_cause(qs: QuerySet[Complaint]) -> list[dict[str, Any]]:
    fields = cause_values("root_cause__")
    rows = (
        qs.values(*fields)
        .annotate(count=Count("id"))
        .order_by("-count", code_order("root_cause__code"))
    )
    return [{**cause(row, "root_cause__"), "count": row["count"]} for row in rows]


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
        .values(*cause_values("root_cause__"), "root_cause__parent__code")
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
                **cause(row, "root_cause__"),
                "group": row["root_cause__parent__code"],
                "count": row["count"],
                "share": share(row["count"], total),
                "cumulative": int(row["cumulative"]),
                "cumulative_share": share(int(row["cumulative"]), total),
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
    fields = cause_values("complaint__root_cause__")
    rows = (
        approved.values(*fields)
        .annotate(count=Count("id"), amount=Sum("amount_eur"))
        .order_by("-amount", code_order("complaint__root_cause__code"))
    )
    totals = approved.aggregate(count=Count("id"), amount=Sum("amount_eur"))
    return {
        "count": totals["count"],
        "amount_eur": _money(totals["amount"]),
        "by_root_cause": [
            {
                **cause(row, "complaint__root_cause__"),
                "count": row["count"],
                "amount_eur": _money(row["amount"]),
            }
            for row in rows
        ],
    }


def _money(value: Decimal | None) -> str:
    return f"{(value or Decimal('0')):.2f}"


def timings(received: QuerySet[Complaint], resolved: QuerySet[Complaint]) -> dict[str, Any]:
    """Median and 90th percentile of the hours to acknowledge (complaints received in the
    period) and to resolve (complaints resolved in it)."""
    acknowledge = percentiles(
        received, {"v": Seconds("acknowledged_at", "received_at")}, FRACTIONS
    )["v"]
    resolve = percentiles(resolved, {"v": Seconds("resolved_at", "received_at")}, FRACTIONS)["v"]
    return {"acknowledge": timing(acknowledge), "resolve": timing(resolve)}


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
        qs.values("owner__team__name").annotate(**counts).order_by(code_order("owner__team__name"))
    )
    overall = qs.aggregate(**counts)
    return {
        "kept": overall["kept"],
        "broken": overall["broken"],
        "rate": share(overall["kept"], overall["kept"] + overall["broken"]),
        "by_team": [
            {
                "team": row["owner__team__name"],
                "kept": row["kept"],
                "broken": row["broken"],
                "rate": share(row["kept"], row["kept"] + row["broken"]),
            }
            for row in rows
        ],
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
        "journey": journey(resolved, period),
        "wishes": wishes(resolved),
        "nps": nps(period),
        "outcomes": outcomes(resolved),
        "corrective_actions": corrective_actions(period, now=now),
    }
