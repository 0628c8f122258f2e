"""The report's sections on how customers fared: the triad's steps, emotions, NPS and outcomes.

Each is one or a few GROUP BY queries over the complaints resolved in the period (NPS: the
follow-ups completed in it); ``figures.compute`` puts them together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from complaints.choices import Emotion, Outcome, Wish
from complaints.models import Complaint, FollowUp, FollowUpState
from reports.aggregates import Seconds, percentiles
from reports.figure_parts import FRACTIONS, Period, cause, cause_values, code_order, share, timing

NEGATIVE_EMOTIONS = [
    Emotion.ANGRY,
    Emotion.FRUSTRATED,
    Emotion.ANXIOUS,
    Emotion.AGGRIEVED,
    Emotion.DISAPPOINTED,
]
SAYING_NO = [Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD]

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
        "share": share(found["complete"], found["resolved"]),
        "steps": [{"step": name, **timing(found[name])} for name, _end, _start in TRIAD_STEPS],
    }


def valence(field: str) -> Case:
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
            before=valence("emotion_at_intake"), after=valence("emotion_at_resolution")
        )
        .filter(before__isnull=False, after__isnull=False)
        .values(*cause_values("root_cause__"))
        .annotate(**counts)
        .order_by(code_order("root_cause__code"))
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
        "shift": {**shift, "better_share": share(shift["better"], shift["compared"])},
        "shift_by_root_cause": [
            {
                **cause(row, "root_cause__"),
                **{key: row[key] for key in counts},
                "better_share": share(row["better"], row["compared"]),
            }
            for row in by_cause
        ],
    }


def wishes(resolved: QuerySet[Complaint]) -> dict[str, Any]:
    """How often the solutions served each real human wish, and how many of those complaints
    ended with a better feeling than they began with, against those that named no wish.

    One query. A solution's wishes are a JSON list of codes; "served" is a text match on it,
    which holds because no code is part of another (a test keeps it so), and "none" is a list
    without any quoted code.
    """
    compared = Q(before__isnull=False, after__isnull=False)
    better = compared & Q(after__gt=F("before"))
    groups = {code: Q(solution__wishes__icontains=code) for code in Wish.values}
    groups["none"] = ~Q(solution__wishes__icontains='"')
    counts: dict[str, Count] = {}
    for key, served in groups.items():
        counts[f"{key}_count"] = Count("id", filter=served)
        counts[f"{key}_compared"] = Count("id", filter=served & compared)
        counts[f"{key}_better"] = Count("id", filter=served & better)
    found = resolved.annotate(
        before=valence("emotion_at_intake"), after=valence("emotion_at_resolution")
    ).aggregate(**counts)

    def row(key: str) -> dict[str, Any]:
        better_count, compared_count = found[f"{key}_better"], found[f"{key}_compared"]
        return {
            "key": key,
            "count": found[f"{key}_count"],
            "compared": compared_count,
            "better": better_count,
            "better_share": share(better_count, compared_count),
        }

    return {"by_wish": [row(code) for code in Wish.values], "none": row("none")}


NPS_GROUPS = {
    "answers": Q(),
    "promoters": Q(nps__gte=9),
    "passives": Q(nps__gte=7, nps__lte=8),
    "detractors": Q(nps__lte=6),
}


def _nps_counts() -> dict[str, Any]:
    return {key: Count("id", filter=condition) for key, condition in NPS_GROUPS.items()}


def nps_figures(row: dict[str, Any]) -> dict[str, Any]:
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
    fields = cause_values("complaint__root_cause__")
    rows = (
        qs.values(*fields)
        .annotate(**_nps_counts())
        .order_by(code_order("complaint__root_cause__code"))
    )
    return {
        **nps_figures(qs.aggregate(**_nps_counts())),
        "by_root_cause": [
            {**cause(row, "complaint__root_cause__"), **nps_figures(row)} for row in rows
        ],
    }


# The three legs of the emotion journey (intake, resolution, the follow-up), as (name, from, to).
JOURNEY_LEGS = [
    ("intake_resolution", "before", "mid"),
    ("resolution_follow_up", "mid", "after"),
    ("intake_follow_up", "before", "after"),
]
SHIFT_METRICS = ("compared", "better", "same", "worse")


def shift_counts(prefix: str, first: str, second: str) -> dict[str, Count]:
    compared = Q(**{f"{first}__isnull": False, f"{second}__isnull": False})
    return {
        f"{prefix}compared": Count("id", filter=compared),
        f"{prefix}better": Count("id", filter=compared & Q(**{f"{second}__gt": F(first)})),
        f"{prefix}same": Count("id", filter=compared & Q(**{second: F(first)})),
        f"{prefix}worse": Count("id", filter=compared & Q(**{f"{second}__lt": F(first)})),
    }


def shift_figures(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    found = {metric: row.get(f"{prefix}{metric}", 0) for metric in SHIFT_METRICS}
    return {**found, "better_share": share(found["better"], found["compared"])}


def journey(resolved: QuerySet[Complaint], period: Period) -> dict[str, Any]:
    """The emotion journey's three points – at intake, at resolution and at the follow-up –
    overall and per outcome, with the NPS per outcome: does a well-said no keep the customer?

    Two GROUP BY outcome queries: the complaints resolved in the period (intake → resolution),
    and the follow-ups completed in it (→ the follow-up, and the NPS), as the NPS section counts.
    """
    by_outcome: dict[str, dict[str, Any]] = {}
    resolved_rows = (
        resolved.annotate(before=valence("emotion_at_intake"), mid=valence("emotion_at_resolution"))
        .values("outcome")
        .annotate(resolved=Count("id"), **shift_counts("ir_", "before", "mid"))
        .order_by("outcome")
    )
    for row in resolved_rows:
        by_outcome[row["outcome"]] = {
            "resolved": row["resolved"],
            "intake_resolution": shift_figures(row, "ir_"),
        }
    follow_ups = FollowUp.objects.filter(
        state=FollowUpState.COMPLETED, ended_at__gte=period.start_at, ended_at__lt=period.end_at
    ).annotate(
        before=valence("complaint__emotion_at_intake"),
        mid=valence("complaint__emotion_at_resolution"),
        after=valence("emotion_now"),
    )
    follow_up_rows = (
        follow_ups.values("complaint__outcome")
        .annotate(
            followed_up=Count("id"),
            **shift_counts("rf_", "mid", "after"),
            **shift_counts("if_", "before", "after"),
            **{
                key: Count("id", filter=Q(nps__isnull=False) & condition)
                for key, condition in NPS_GROUPS.items()
            },
        )
        .order_by("complaint__outcome")
    )
    for row in follow_up_rows:
        part = by_outcome.setdefault(
            row["complaint__outcome"], {"resolved": 0, "intake_resolution": shift_figures({}, "")}
        )
        part["followed_up"] = row["followed_up"]
        part["resolution_follow_up"] = shift_figures(row, "rf_")
        part["intake_follow_up"] = shift_figures(row, "if_")
        part["nps"] = nps_figures(row)
    rows = []
    for key in [*Outcome.values, *sorted(k for k in by_outcome if k not in Outcome.values)]:
        if key not in by_outcome:
            continue
        part = by_outcome[key]
        part.setdefault("followed_up", 0)
        for leg in ("resolution_follow_up", "intake_follow_up"):
            part.setdefault(leg, shift_figures({}, ""))
        part.setdefault("nps", nps_figures(dict.fromkeys(NPS_GROUPS, 0)))
        rows.append({"key": key, **part})
    # The whole: the sums of the (at most four) grouped rows.
    overall: dict[str, Any] = {
        "resolved": sum(row["resolved"] for row in rows),
        "followed_up": sum(row["followed_up"] for row in rows),
    }
    for leg, _first, _second in JOURNEY_LEGS:
        totals = {m: sum(row[leg][m] for row in rows) for m in SHIFT_METRICS}
        overall[leg] = shift_figures(totals, "")
    overall["nps"] = nps_figures({k: sum(row["nps"][k] for row in rows) for k in NPS_GROUPS})
    at_follow_up = (
        follow_ups.exclude(emotion_now="")
        .values("emotion_now")
        .annotate(count=Count("id"))
        .order_by("-count", "emotion_now")
    )
    return {
        "overall": overall,
        "by_outcome": rows,
        "at_follow_up": [{"key": r["emotion_now"], "count": r["count"]} for r in at_follow_up],
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
        "no_with_alternative_share": share(with_alternative, said_no),
    }
