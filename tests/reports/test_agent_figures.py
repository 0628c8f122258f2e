"""Learning per agent: every figure against the May 2026 data set computed by hand
(tests/reports/conftest.py: all complaints are anna's; one promise is olaf's), who may see whose
figures, the small-number rule, and refusals."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import agents, figures
from reports.figure_parts import Period
from tests.factories import UserFactory
from tests.reports.conftest import COMPUTED_AT, MAY_END, MAY_START

MAY = {"start": MAY_START.isoformat(), "end": MAY_END.isoformat()}


def _anna(agent):
    [found] = agents.agent_figures([agent], Period(MAY_START, MAY_END))
    return found


def test_an_agents_figures_over_may(may_data, agent):
    anna = _anna(agent)
    assert anna["promises"] == {
        "kept": 2, "broken": 1, "unreachable": 1, "rescheduled": 0,
        "rate": None,  # 3 kept or broken: too few for a share
    }  # fmt: skip
    journey = anna["emotions"]
    assert (journey["resolved"], journey["followed_up"]) == (6, 5)
    assert journey["intake_resolution"] == {
        "compared": 6, "better": 5, "same": 1, "worse": 0, "better_share": 0.8333,
    }  # fmt: skip
    # Four follow-ups with a feeling: counted, but no share over fewer than five.
    assert journey["resolution_follow_up"] == {
        "compared": 4, "better": 1, "same": 2, "worse": 1, "better_share": None,
    }  # fmt: skip
    assert journey["intake_follow_up"]["better"] == 3
    assert anna["nps"] == {
        "answers": 5, "promoters": 2, "passives": 1, "detractors": 2, "nps": 0.0,
    }  # fmt: skip
    # All six resolved complaints are anna's: her triad is the report's.
    report = figures.compute(start=MAY_START, end=MAY_END, now=COMPUTED_AT)
    assert anna["triad"]["steps"] == report["triad"]["steps"]
    assert (anna["triad"]["complete"], anna["triad"]["share"]) == (5, 0.8333)
    # Approved in May at her request: 50 + 20.50 + 30 + 10 (not the April one, not the pending).
    assert anna["goodwill"] == {"count": 4, "amount_eur": "110.50"}


def test_someone_without_cases_has_zeros_and_no_shares(may_data, other_agent):
    bram = _anna(other_agent)
    assert bram["promises"]["rate"] is None
    assert bram["nps"]["answers"] == 0
    assert bram["triad"]["resolved"] == 0
    assert bram["triad"]["steps"][0]["median_hours"] is None
    assert bram["goodwill"] == {"count": 0, "amount_eur": "0.00"}


def test_the_figures_of_many_agents_take_as_many_queries_as_those_of_one(
    may_data, agent, other_agent, manager, outsider
):
    period = Period(MAY_START, MAY_END)
    with CaptureQueriesContext(connection) as one:
        agents.agent_figures([agent], period)
    with CaptureQueriesContext(connection) as four:
        rows = agents.agent_figures([agent, other_agent, manager, outsider], period)
    assert len(four) == len(one)
    assert [row["promises"]["kept"] for row in rows] == [2, 0, 0, 1]


def test_who_sees_whose_figures(may_data, agent, other_agent, manager, outsider, quality):
    names = lambda viewer: [u.username for u in agents.agents_in_scope(viewer)]  # noqa: E731
    assert names(agent) == ["anna"]
    assert sorted(names(manager)) == ["anna", "bram", "marieke"]
    assert sorted(names(quality)) == ["anna", "bram", "marieke", "olaf", "zoe"]


# --- API ---------------------------------------------------------------------------------------


def test_api_my_figures_and_the_scope(api_as, may_data, agent, manager, outsider):
    api = api_as(agent)
    mine = api.get("/api/agent-figures/me/", MAY)
    assert mine.status_code == 200
    body = mine.json()
    assert body["agent"]["username"] == "anna"
    assert body["min_cases"] == 5
    assert body["period"] == {"start": "2026-05-01", "end": "2026-05-31"}
    assert body["goodwill"]["amount_eur"] == "110.50"
    assert body["emotions"]["intake_resolution"]["better_share"] == 0.8333
    assert [
        row["agent"]["username"] for row in api.get("/api/agent-figures/").json()["results"]
    ] == ["anna"]
    # Outside one's scope a person's figures do not exist.
    assert api.get(f"/api/agent-figures/{manager.pk}/").status_code == 404
    assert api.get("/api/agent-figures/nobody/").status_code == 404
    boss = api_as(manager)
    assert boss.get(f"/api/agent-figures/{agent.pk}/", MAY).json()["nps"]["nps"] == 0.0
    assert boss.get(f"/api/agent-figures/{outsider.pk}/").status_code == 404


def test_api_quality_sees_everyone_but_has_no_figures_of_their_own(api_as, may_data, quality):
    api = api_as(quality)
    listed = api.get("/api/agent-figures/", MAY).json()
    by_name = {row["agent"]["username"]: row for row in listed["results"]}
    assert by_name["olaf"]["promises"]["kept"] == 1
    assert by_name["anna"]["nps"]["answers"] == 5
    assert api.get("/api/agent-figures/me/").status_code == 404


def test_api_refuses_a_bad_period_in_words(api_as, agent):
    api = api_as(agent)
    reversed_period = api.get(
        "/api/agent-figures/me/", {"start": "2026-05-31", "end": "2026-05-01"}
    )
    assert reversed_period.status_code == 400
    assert "end" in reversed_period.json()
    not_a_date = api.get("/api/agent-figures/", {"start": "May"})
    assert not_a_date.status_code == 400
    assert "start" in not_a_date.json()
    future = api.get("/api/agent-figures/me/", {"end": "2999-01-01"})
    assert future.status_code == 400
    assert "future" in str(future.json()["end"])


def test_without_a_period_the_last_ninety_days(api_as, agent, time_machine):
    time_machine.move_to(COMPUTED_AT)
    body = api_as(agent).get("/api/agent-figures/me/").json()
    assert body["period"] == {"start": "2026-03-05", "end": "2026-06-02"}


# --- Pages -------------------------------------------------------------------------------------


def test_my_figures_page_shows_small_numbers_as_such(client, may_data, agent):
    client.force_login(agent)
    assert client.get(reverse("agent-figures"))["Location"] == reverse("my-figures")
    page = client.get(reverse("my-figures"), MAY)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="promise-rate">too few (3)<' in html
    assert 'data-testid="agent-nps">0<' in html
    assert "4 approved goodwill gestures, EUR 110.50 in all." in html
    assert "83 %" in html  # better at resolution, over six


def test_a_manager_sees_their_team_side_by_side_and_not_others(
    client, may_data, agent, manager, outsider
):
    client.force_login(manager)
    page = client.get(reverse("agent-figures"), MAY)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-agent="anna"' in html
    assert 'data-agent="olaf"' not in html
    assert client.get(reverse("agent-figures-page", args=[agent.pk]), MAY).status_code == 200
    assert client.get(reverse("agent-figures-page", args=[outsider.pk])).status_code == 404


def test_a_bad_period_is_refused_on_the_page_in_words(client, agent):
    client.force_login(agent)
    page = client.get(reverse("my-figures"), {"start": "2026-05-31", "end": "2026-05-01"})
    assert page.status_code == 400
    assert "its end lies before its start" in page.content.decode()


def test_in_dutch(client, may_data, agent):
    client.force_login(agent)
    html = client.get(reverse("my-figures"), MAY, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Mijn cijfers" in html
    assert "te weinig (3)" in html


def test_someone_without_a_role_has_no_figures(client, db):
    nobody = UserFactory(username="niemand")
    client.force_login(nobody)
    assert client.get(reverse("agent-figures")).status_code == 404
