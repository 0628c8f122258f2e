"""A stored report's figures made readable: labels in the reader's language, and the charts.

Only presentation happens here; every number comes from the snapshot as it was stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from complaints.choices import Channel, Emotion, Outcome, Wish
from reports import charts
from reports.models import RootCauseReport

JOURNEY_LABELS: dict[str, Callable[[], str]] = {
    "intake_resolution": lambda: _("From intake to resolution"),
    "resolution_follow_up": lambda: _("From resolution to the follow-up"),
    "intake_follow_up": lambda: _("From intake to the follow-up"),
}

STEP_LABELS: dict[str, Callable[[], str]] = {
    "understand": lambda: _("Show understanding (from receipt)"),
    "apologise": lambda: _("Apologise (from understanding)"),
    "solve": lambda: _("Solve (from the apology)"),
    "resolve": lambda: _("Resolve (from the solution)"),
}


def _choice(choices: Any, value: str | None) -> str:
    if not value:
        return _("(none)")
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def cause_name(row: dict[str, Any], prefix: str = "") -> str:
    """The cause's name as stored in the report, in the reader's language."""
    if row.get(f"{prefix}code") is None:
        return _("Not known yet")
    return str(row[f"{prefix}name_nl" if _dutch() else f"{prefix}name_en"])


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f} %"


def _labelled(rows: list[dict[str, Any]], choices: Any) -> list[dict[str, Any]]:
    return [{**row, "label": _choice(choices, row["key"])} for row in rows]


Section = Callable[[dict[str, Any]], dict[str, Any]]


def report_context(report: RootCauseReport) -> dict[str, Any]:
    """Everything the page and the PDF show: the report, its figures, and each section's rows
    and charts."""
    f = report.figures
    context: dict[str, Any] = {"report": report, "f": f}
    for section in SECTIONS:
        context.update(section(f))
    return context


def _volumes(f: dict[str, Any]) -> dict[str, Any]:
    volumes = {}
    for name in ("received", "resolved"):
        part = f["volumes"][name]
        volumes[name] = {
            "total": part["total"],
            "by_channel": _labelled(part["by_channel"], Channel),
            "by_category": [
                {**row, "label": row["key"] or _("(none)")} for row in part["by_category"]
            ],
            "by_root_cause": [{**row, "label": cause_name(row)} for row in part["by_root_cause"]],
        }
    return {"volumes": volumes}


def _pareto(f: dict[str, Any]) -> dict[str, Any]:
    pareto_rows = [
        {
            **row,
            "label": cause_name(row),
            "share_text": _percent(row["share"]),
            "cumulative_text": _percent(row["cumulative_share"]),
        }
        for row in f["pareto"]["causes"]
    ]
    return {
        "pareto_rows": pareto_rows,
        "pareto_chart": charts.pareto_svg(
            [row["label"] for row in pareto_rows],
            [row["count"] for row in pareto_rows],
            [row["cumulative_share"] for row in pareto_rows],
            title=_("Pareto of root causes"),
            description=_("Bars: resolved complaints per root cause; line: cumulative share."),
        ),
    }


def _trend(f: dict[str, Any]) -> dict[str, Any]:
    # A series is named as its cause in the Pareto (the top causes are among them).
    names = {row["code"]: cause_name(row) for row in f["pareto"]["causes"]}
    trend = f["trend"]
    trend_rows = [
        {"label": names.get(s["code"], s["code"]), "counts": s["counts"]} for s in trend["series"]
    ]
    return {
        "trend_months": trend["months"],
        "trend_rows": trend_rows,
        "trend_chart": charts.trend_svg(
            trend["months"],
            [(row["label"], row["counts"]) for row in trend_rows],
            title=_("The top causes over the last 12 months"),
            description=_("Resolved complaints per month for each of the most frequent causes."),
        ),
    }


def _coulance(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "coulance_rows": [
            {**row, "label": cause_name(row)} for row in f["coulance"]["by_root_cause"]
        ],
    }


def _timings(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "timing_rows": [
            {"label": _("Time to acknowledge"), **f["timings"]["acknowledge"]},
            {"label": _("Time to resolve"), **f["timings"]["resolve"]},
        ],
    }


def _promises(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "promise_rows": [
            {**row, "label": row["team"] or _("No team"), "rate_text": _percent(row["rate"])}
            for row in f["promises"]["by_team"]
        ],
        "promise_rate": _percent(f["promises"]["rate"]),
    }


def _triad(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "triad_share": _percent(f["triad"]["share"]),
        "step_rows": [{**row, "label": STEP_LABELS[row["step"]]()} for row in f["triad"]["steps"]],
    }


def _emotions(f: dict[str, Any]) -> dict[str, Any]:
    emotions = f["emotions"]
    intake = {row["key"]: row["count"] for row in emotions["at_intake"]}
    resolution = {row["key"]: row["count"] for row in emotions["at_resolution"]}
    emotion_rows = [
        {
            "label": str(label),
            "intake": intake.get(value, 0),
            "resolution": resolution.get(value, 0),
        }
        for value, label in Emotion.choices
    ]
    if "journey" in f:  # not in reports made before the follow-up's emotion was counted
        at_follow_up = {row["key"]: row["count"] for row in f["journey"]["at_follow_up"]}
        for row, (value, _label) in zip(emotion_rows, Emotion.choices, strict=True):
            row["follow_up"] = at_follow_up.get(value, 0)
    return {
        "emotion_rows": emotion_rows,
        "better_share": _percent(emotions["shift"]["better_share"]),
        "shift_rows": [
            {**row, "label": cause_name(row), "share_text": _percent(row["better_share"])}
            for row in emotions.get("shift_by_root_cause", [])
        ],
        "emotion_chart": charts.paired_bars_svg(
            [row["label"] for row in emotion_rows],
            [row["intake"] for row in emotion_rows],
            [row["resolution"] for row in emotion_rows],
            first_label=_("At intake"),
            second_label=_("At resolution"),
            title=_("Emotion at intake and at resolution"),
            description=_("Resolved complaints per emotion, at intake and at resolution."),
        ),
    }


def _wishes(f: dict[str, Any]) -> dict[str, Any]:
    # Reports made before wishes were recorded have no such section.
    if "wishes" not in f:
        return {"wish_rows": [], "wish_none": None}
    wishes = f["wishes"]
    return {
        "wish_rows": [
            {**row, "label": _choice(Wish, row["key"]), "share_text": _percent(row["better_share"])}
            for row in wishes["by_wish"]
        ],
        "wish_none": {**wishes["none"], "share_text": _percent(wishes["none"]["better_share"])},
    }


def _nps(f: dict[str, Any]) -> dict[str, Any]:
    return {"nps_rows": [{**row, "label": cause_name(row)} for row in f["nps"]["by_root_cause"]]}


def _outcomes(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "outcome_rows": _labelled(f["outcomes"]["by_outcome"], Outcome),
        "no_alternative_share": _percent(f["outcomes"]["no_with_alternative_share"]),
    }


def _corrective_actions(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "effect_rows": [
            {
                **row,
                "label": row["root_cause_name_nl"] if _dutch() else row["root_cause_name_en"],
                "change_text": "–" if row["change"] is None else f"{row['change'] * 100:+.0f} %",
            }
            for row in f["corrective_actions"]["effects"]
        ],
    }


def _journey(f: dict[str, Any]) -> dict[str, Any]:
    """The emotion journey's three legs, and per outcome ("saying no, measured"); reports made
    before the follow-up's emotion was counted have no such section (an empty dict)."""
    if "journey" not in f:
        return {}
    journey = f["journey"]

    def legs(part: dict[str, Any]) -> dict[str, Any]:
        return {
            leg: {**part[leg], "share_text": _percent(part[leg]["better_share"])}
            for leg in JOURNEY_LABELS
        }

    return {
        "journey": journey,
        "journey_rows": [
            {"key": leg, "label": label(), **legs(journey["overall"])[leg]}
            for leg, label in JOURNEY_LABELS.items()
        ],
        "journey_outcome_rows": [
            {**row, **legs(row), "label": _choice(Outcome, row["key"])}
            for row in journey["by_outcome"]
        ],
    }


# The report's sections in the order of the page, each giving its part of the context.
SECTIONS: tuple[Section, ...] = (
    _volumes,
    _pareto,
    _trend,
    _coulance,
    _timings,
    _promises,
    _triad,
    _emotions,
    _journey,
    _wishes,
    _nps,
    _outcomes,
    _corrective_actions,
)


def _dutch() -> bool:
    return (get_language() or "nl").startswith("nl")
