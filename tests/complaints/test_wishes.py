"""The real human wishes a solution serves: tagged at the solve step (optional), shown with the
step, and counted in the root-cause report against how the customer felt at the end."""

from __future__ import annotations

from datetime import timedelta
from itertools import permutations
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common.errors import InvalidData
from complaints import workflow
from complaints.choices import Wish
from complaints.models import Complaint, ComplaintEvent, EventType, SolutionStep
from complaints.states import Stage
from reports import figures
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import advance, make_complaint, step_data


def solve(complaint: Complaint, **extra: Any) -> Complaint:
    return workflow.solve(complaint, actor=complaint.owner, **step_data("solve"), **extra)


@pytest.fixture
def apologised(agent: User) -> Complaint:
    return advance(make_complaint(owner=agent), to=Stage.APOLOGISED)


def test_no_code_is_part_of_another():
    """The report counts a wish by a text match on the stored list: it relies on this."""
    assert not [(a, b) for a, b in permutations(Wish.values, 2) if a in b]
    assert not [code for code in Wish.values if '"' in code]


def test_the_wishes_are_kept_once_each_in_their_own_order(apologised):
    solve(apologised, wishes=["identity", "convenience", "identity"])

    step = SolutionStep.objects.get(complaint=apologised)
    assert step.wishes == ["convenience", "identity"]
    event = ComplaintEvent.objects.get(complaint=apologised, type=EventType.SOLVED)
    assert event.payload["wishes"] == ["convenience", "identity"]


def test_naming_no_wish_is_fine(apologised):
    solve(apologised)

    assert SolutionStep.objects.get(complaint=apologised).wishes == []


def test_an_unknown_wish_is_refused_and_nothing_is_written(apologised):
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        solve(apologised, wishes=["convenience", "wealth"])

    assert list(refused.value.errors) == ["wishes"]
    assert db_changes(before, db_snapshot()) == {}


def test_the_api_takes_and_shows_the_wishes(api_as, agent, apologised):
    api = api_as(agent)
    url = f"/api/complaints/{apologised.reference}/solve/"
    data = step_data("solve") | {"promised_at": timezone.now() + timedelta(days=1)}

    refused = api.post(url, data | {"wishes": ["wealth"]}, format="json")
    solved = api.post(url, data | {"wishes": ["comfort", "recognition"]}, format="json")

    assert refused.status_code == 400
    assert list(refused.json()) == ["wishes"]
    assert solved.status_code == 200
    assert solved.json()["solution"]["wishes"] == ["comfort", "recognition"]


def _resolved(agent: User, *, wishes: list[str], intake: str, resolution: str) -> None:
    complaint = advance(
        make_complaint(
            owner=agent, emotion_at_intake=intake, emotion_intensity=3 if intake else None
        ),
        to=Stage.APOLOGISED,
    )
    complaint = solve(complaint, wishes=wishes)
    workflow.resolve(
        complaint,
        actor=agent,
        **step_data("resolve") | {"emotion_at_resolution": resolution},
    )


def test_the_report_counts_each_wish_and_how_the_customers_ended(agent):
    # angry → satisfied is better; angry → angry and frustrated → frustrated are not
    _resolved(agent, wishes=["convenience", "identity"], intake="angry", resolution="satisfied")
    _resolved(agent, wishes=["convenience"], intake="angry", resolution="angry")
    _resolved(agent, wishes=[], intake="angry", resolution="satisfied")
    _resolved(agent, wishes=[], intake="frustrated", resolution="frustrated")
    today = timezone.localdate()

    found = figures.compute(start=today.replace(day=1), end=today)["wishes"]

    by_wish = {row["key"]: row for row in found["by_wish"]}
    assert [row["key"] for row in found["by_wish"]] == Wish.values
    assert by_wish["convenience"] == {
        "key": "convenience",
        "count": 2,
        "compared": 2,
        "better": 1,
        "better_share": 0.5,
    }
    assert (by_wish["identity"]["count"], by_wish["identity"]["better"]) == (1, 1)
    assert by_wish["comfort"]["count"] == 0
    assert by_wish["comfort"]["better_share"] is None
    assert found["none"] == {
        "key": "none",
        "count": 2,
        "compared": 2,
        "better": 1,
        "better_share": 0.5,
    }


def test_the_report_page_and_csv_show_the_wishes_and_older_reports_still_open(
    client, agent, quality
):
    from reports import services as report_services
    from reports.exports import figure_rows

    _resolved(agent, wishes=["comfort"], intake="angry", resolution="satisfied")
    today = timezone.localdate()
    report = report_services.report_generate(start=today.replace(day=1), end=today, actor=quality)
    client.force_login(quality)

    page = client.get(reverse("report-page", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en")
    rows = [row for row in figure_rows(report.figures) if row[0] == "wishes"]
    report.figures.pop("wishes")  # as a report made before wishes were recorded
    report.save(update_fields=["figures"])
    older = client.get(reverse("report-page", args=[report.pk]))

    assert 'id="wish-table"' in page.content.decode()
    assert ["wishes", "wish", "comfort", "better", 1] in rows
    assert older.status_code == 200
    assert 'id="wish-table"' not in older.content.decode()


def test_the_demo_names_wishes_where_the_stories_do(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())

    named = [s.wishes for s in SolutionStep.objects.all() if s.wishes]
    assert ["convenience", "identity"] in named  # the invoice date that cannot move
    assert ["comfort", "convenience"] in named  # the take-away pizza
