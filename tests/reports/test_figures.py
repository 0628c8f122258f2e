"""Every section of the report against figures computed by hand from the May 2026 data set
(tests/reports/conftest.py). The same expectations hold on PostgreSQL (percentile_cont, window
functions) and on SQLite (the ordered LIMIT/OFFSET fallback)."""

from __future__ import annotations

import pytest

from reports import figures
from tests.reports.conftest import COMPUTED_AT, MAY_END, MAY_START, A, B, C


@pytest.fixture
def report(may_data):
    return figures.compute(start=MAY_START, end=MAY_END, now=COMPUTED_AT)


def _counts(rows, key="key"):
    return [(row[key], row["count"]) for row in rows]


def test_received_and_resolved_by_channel_category_and_cause(report):
    received, resolved = report["volumes"]["received"], report["volumes"]["resolved"]
    # Received in May: 1–6 and 8 (23:30 on 31 May); 7 came in April, 9 on 1 June at 00:10.
    assert received["total"] == 7
    assert _counts(received["by_channel"]) == [
        ("phone", 3), ("email", 2), ("chat", 1), ("web_form", 1),
    ]  # fmt: skip
    assert _counts(received["by_category"]) == [("Mobile", 3), ("Internet", 2), ("", 1), ("TV", 1)]
    assert _counts(received["by_root_cause"], "code") == [(A, 3), (B, 2), (None, 2)]
    # Resolved in May: 1–5 and 7 (00:30 on 1 May); 10 was resolved at 23:50 on 30 April.
    assert resolved["total"] == 6
    assert _counts(resolved["by_channel"]) == [
        ("phone", 3), ("chat", 1), ("email", 1), ("letter", 1),
    ]  # fmt: skip
    assert _counts(resolved["by_category"]) == [("Mobile", 3), ("Internet", 2), ("TV", 1)]


def test_pareto_counts_and_cumulative_shares(report):
    pareto = report["pareto"]
    assert pareto["total"] == 6
    assert [
        (r["code"], r["count"], r["share"], r["cumulative"], r["cumulative_share"])
        for r in pareto["causes"]
    ] == [(A, 3, 0.5, 3, 0.5), (B, 2, 0.3333, 5, 0.8333), (C, 1, 0.1667, 6, 1.0)]
    assert pareto["causes"][0]["name_en"] == "Incorrect amount"
    assert pareto["causes"][0]["group"] == "billing"


def test_twelve_month_trend_of_the_top_causes_in_local_months(report):
    trend = report["trend"]
    assert trend["months"][0] == "2025-06"
    assert trend["months"][-1] == "2026-05"
    series = {s["code"]: s["counts"] for s in trend["series"]}
    assert list(series) == [A, B, C]
    assert series[A][-2:] == [1, 3]  # 10 in April (23:50 local), 1–3 in May
    assert series[B][-2:] == [0, 2]
    assert series[C][-2:] == [0, 1]  # 00:30 local on 1 May is May, though 30 April in UTC
    assert sum(series[A]) == 4


def test_coulance_granted_per_root_cause(report):
    coulance = report["coulance"]
    assert (coulance["count"], coulance["amount_eur"]) == (4, "110.50")
    assert [(r["code"], r["count"], r["amount_eur"]) for r in coulance["by_root_cause"]] == [
        (A, 2, "70.50"), (B, 1, "30.00"), (None, 1, "10.00"),
    ]  # fmt: skip


def test_median_and_p90_hours_to_acknowledge_and_resolve(report):
    timings = report["timings"]
    # Acknowledged after 2, 4, 6, 8, 10, 12 h (8 is not acknowledged).
    assert timings["acknowledge"] == {"count": 6, "median_hours": 7.0, "p90_hours": 11.0}
    # Resolved after 10, 20, 30, 40, 50 and 62.5 h.
    assert timings["resolve"] == {"count": 6, "median_hours": 35.0, "p90_hours": 56.25}


def test_promise_keeping_rate_per_team(report):
    promises = report["promises"]
    assert (promises["kept"], promises["broken"], promises["rate"]) == (3, 1, 0.75)
    assert [(t["team"], t["kept"], t["broken"], t["rate"]) for t in promises["by_team"]] == [
        ("Klantenservice Noord", 2, 1, 0.6667),
        ("Klantenservice Zuid", 1, 0, 1.0),
    ]


def test_triad_compliance_and_how_long_each_step_took(report):
    triad = report["triad"]
    assert (triad["resolved"], triad["complete"], triad["share"]) == (6, 5, 0.8333)
    steps = {s["step"]: (s["count"], s["median_hours"], s["p90_hours"]) for s in triad["steps"]}
    assert steps == {
        "understand": (6, 5.0, 9.0),
        "apologise": (5, 1.0, 1.0),
        "solve": (5, 1.0, 1.0),
        "resolve": (6, 26.0, 48.75),
    }


def test_emotion_at_intake_against_resolution(report):
    emotions = report["emotions"]
    assert _counts(emotions["at_intake"]) == [
        ("angry", 2), ("anxious", 1), ("disappointed", 1), ("frustrated", 1), ("neutral", 1),
    ]  # fmt: skip
    assert _counts(emotions["at_resolution"]) == [("satisfied", 3), ("neutral", 2), ("angry", 1)]
    assert {"intake": "angry", "resolution": "angry", "count": 1} in emotions["pairs"]
    assert emotions["shift"] == {
        "compared": 6, "better": 5, "same": 1, "worse": 0, "better_share": 0.8333,
    }  # fmt: skip
    assert [
        (r["code"], r["compared"], r["better"], r["same"], r["worse"], r["better_share"])
        for r in emotions["shift_by_root_cause"]
    ] == [(A, 3, 2, 1, 0, 0.6667), (B, 2, 2, 0, 0, 1.0), (C, 1, 1, 0, 0, 1.0)]


def test_nps_after_follow_up_overall_and_per_cause(report):
    nps = report["nps"]
    assert (nps["answers"], nps["promoters"], nps["passives"], nps["detractors"], nps["nps"]) == (
        5, 2, 1, 2, 0.0,
    )  # fmt: skip
    assert [(r["code"], r["answers"], r["nps"]) for r in nps["by_root_cause"]] == [
        (A, 2, 100.0), (B, 2, -50.0), (C, 1, -100.0),
    ]  # fmt: skip


def _legs(part):
    return {
        leg: tuple(part[leg][m] for m in ("compared", "better", "same", "worse", "better_share"))
        for leg in ("intake_resolution", "resolution_follow_up", "intake_follow_up")
    }


def test_the_emotion_journey_has_three_points(report):
    """Intake → resolution over the complaints resolved in May; → the follow-up over the
    follow-ups completed in May (the April one and the one without a feeling do not count)."""
    overall = report["journey"]["overall"]
    assert (overall["resolved"], overall["followed_up"]) == (6, 5)
    assert _legs(overall) == {
        "intake_resolution": (6, 5, 1, 0, 0.8333),
        "resolution_follow_up": (4, 1, 2, 1, 0.25),
        "intake_follow_up": (4, 3, 0, 1, 0.75),
    }
    # The same answers as the NPS section counts.
    assert overall["nps"] == {
        "answers": 5, "promoters": 2, "passives": 1, "detractors": 2, "nps": 0.0,
    }  # fmt: skip
    assert _counts(report["journey"]["at_follow_up"]) == [
        ("satisfied", 2), ("disappointed", 1), ("neutral", 1),
    ]  # fmt: skip


def test_saying_no_measured_emotion_shift_and_nps_per_outcome(report):
    rows = {row["key"]: row for row in report["journey"]["by_outcome"]}
    assert [row["key"] for row in report["journey"]["by_outcome"]] == [
        "upheld", "partly_upheld", "not_upheld",
    ]  # fmt: skip
    upheld, partly, no = rows["upheld"], rows["partly_upheld"], rows["not_upheld"]
    assert (upheld["resolved"], upheld["followed_up"]) == (3, 3)
    assert _legs(upheld) == {
        "intake_resolution": (3, 3, 0, 0, 1.0),
        "resolution_follow_up": (3, 0, 2, 1, 0.0),
        "intake_follow_up": (3, 2, 0, 1, 0.6667),
    }
    assert (upheld["nps"]["answers"], upheld["nps"]["nps"]) == (3, 0.0)
    assert (no["resolved"], no["followed_up"]) == (2, 2)
    assert _legs(no) == {
        "intake_resolution": (2, 2, 0, 0, 1.0),
        "resolution_follow_up": (1, 1, 0, 0, 1.0),
        "intake_follow_up": (1, 1, 0, 0, 1.0),
    }
    assert (no["nps"]["promoters"], no["nps"]["detractors"], no["nps"]["nps"]) == (1, 1, 0.0)
    assert (partly["resolved"], partly["followed_up"]) == (1, 0)
    assert _legs(partly)["intake_resolution"] == (1, 0, 1, 0, 0.0)
    assert _legs(partly)["intake_follow_up"] == (0, 0, 0, 0, None)
    assert partly["nps"]["nps"] is None


def test_outcomes_and_no_with_an_alternative(report):
    outcomes = report["outcomes"]
    assert _counts(outcomes["by_outcome"]) == [
        ("upheld", 3), ("not_upheld", 2), ("partly_upheld", 1),
    ]  # fmt: skip
    assert (outcomes["no"], outcomes["no_with_alternative"]) == (3, 2)
    assert outcomes["no_with_alternative_share"] == 0.6667


def test_corrective_actions_opened_done_overdue_and_effect(report):
    actions = report["corrective_actions"]
    assert {k: actions[k] for k in ("opened", "done", "dropped", "overdue", "open_at_end")} == {
        "opened": 2, "done": 1, "dropped": 1, "overdue": 1, "open_at_end": 2,
    }  # fmt: skip
    [effect] = actions["effects"]
    # Done 2 May 12:00, measured 2 June 08:00: 30-day windows; A received 25 April and 2 May
    # 10:00 before, 3 and 4 May after.
    assert (effect["title"], effect["window_days"], effect["before"], effect["after"]) == (
        "Z", 30, 2, 2,
    )  # fmt: skip
    assert effect["change"] == 0.0


def test_an_empty_month_gives_zeros_not_errors(db):
    empty = figures.compute(start=MAY_START, end=MAY_END, now=COMPUTED_AT)
    assert empty["volumes"]["received"]["total"] == 0
    assert empty["timings"]["resolve"] == {"count": 0, "median_hours": None, "p90_hours": None}
    assert empty["nps"]["nps"] is None
    assert empty["promises"]["rate"] is None
