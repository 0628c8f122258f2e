"""The mission's own loop, end to end through the API as a team would use it: intake, the
triad, a callback promise kept, resolve, the follow-up a month later, close; with the refusals on
the way (wrong stage 409, waiving without a reason 400, an early waive by the agent 403, someone
else's figures 404), each writing nothing. Then the figures: the agent's own and the report."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from complaints.models import Complaint, ComplaintEvent, FollowUp
from reports import services as report_services
from tests.complaints.dbstate import db_snapshot
from tests.factories import CustomerFactory, root_cause

AMS = ZoneInfo("Europe/Amsterdam")
START = datetime(2026, 3, 2, 9, 0, tzinfo=AMS)  # a Monday


def url(reference: str, action: str = "") -> str:
    return f"/api/complaints/{reference}/" + (f"{action}/" if action else "")


def test_a_complaint_goes_round_the_whole_loop_and_shows_in_the_figures(
    api_as, agent, manager, outsider, quality, time_machine
):
    time_machine.move_to(START, tick=False)
    api = api_as(agent)
    created = api.post(
        "/api/complaints/",
        {
            "customer": CustomerFactory(name="Fatima el Amrani").pk,
            "channel": "phone",
            "subject": "Drie jaar betaald voor een bundel die nooit werkte",
            "facts": "De internetbundel staat sinds 2023 aan maar werkte nooit.",
            "priority": "high",
            "emotion_at_intake": "angry",
            "emotion_intensity": 4,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]

    # A step out of order: 409 in words, nothing written.
    before = db_snapshot()
    early = api.post(url(reference, "resolve"), {"outcome": "upheld"}, format="json")
    assert early.status_code == 409
    assert "toon eerst begrip" in early.json()["detail"]  # the default language: Dutch
    assert db_snapshot() == before

    # The triad.
    steps = [
        ("understand", {"emotion": "angry", "intensity": 4,
                        "acknowledgement": "Ik begrijp dat u boos bent: drie jaar voor niets."}),
        ("apologise", {"apology": "Het spijt me echt dat dit zo lang is misgegaan."}),
        ("solve", {"facts_summary": "Bundel sinds 2023 actief, nooit gebruikt.",
                   "next_steps": "Ik zoek de terugbetaling uit en bel u morgen om 15:00.",
                   "promised_at": (START + timedelta(days=1, hours=6)).isoformat()}),
    ]  # fmt: skip
    for action, data in steps:
        time_machine.shift(timedelta(minutes=20))
        answer = api.post(url(reference, action), data, format="json")
        assert answer.status_code == 200, (action, answer.content)
    assert answer.json()["stage"] == "solving"

    # The promised call: due the next day at 15:00, kept on time.
    [promise] = api.get("/api/promises/", {"complaint": reference}).json()["results"]
    assert promise["state"] == "scheduled"
    time_machine.move_to(START + timedelta(days=1, hours=5, minutes=55), tick=False)
    kept = api.post(f"/api/promises/{promise['id']}/keep/", {"note": "Gebeld."}, format="json")
    assert kept.status_code == 200
    assert kept.json()["state"] == "kept"

    resolved = api.post(
        url(reference, "resolve"),
        {
            "outcome": "upheld",
            "resolution_summary": "Drie jaar abonnement terugbetaald.",
            "emotion_at_resolution": "neutral",
            "liability": "liable",
            "root_cause": root_cause().pk,
        },
        format="json",
    )
    assert resolved.status_code == 200, resolved.content
    body = resolved.json()
    assert body["follow_up"]["state"] == "scheduled"
    assert "close" not in body["available_actions"]

    # Closing waits for the follow-up: 409 with the reason; the agent may not waive it early
    # (403); the manager may, but not without a reason (400). Nothing is written by any of them.
    before = db_snapshot()
    waiting = api.post(url(reference, "close"), {"note": ""}, format="json")
    assert waiting.status_code == 409
    assert waiting.json()["code"] == "follow_up_awaited"
    follow_up = body["follow_up"]["id"]
    early_waive = api.post(f"/api/follow-ups/{follow_up}/waive/", {"reason": "Klaar."})
    assert early_waive.status_code == 403
    blank = api_as(manager).post(url(reference, "close"), {"waive_reason": "  "}, format="json")
    assert blank.status_code == 409  # a blank reason waives nothing: closing still waits
    no_reason = api_as(manager).post(f"/api/follow-ups/{follow_up}/waive/", {"reason": ""})
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    assert db_snapshot() == before

    # A month on, the follow-up: the customer is satisfied now and would recommend us.
    time_machine.move_to(START + timedelta(days=32, hours=2), tick=False)
    api = api_as(agent)
    done = api.post(
        f"/api/follow-ups/{follow_up}/complete/",
        {"satisfied": True, "nps": 9, "emotion_now": "satisfied"},
        format="json",
    )
    assert done.status_code == 200, done.content
    closed = api.post(url(reference, "close"), {"note": "Rond."}, format="json")
    assert closed.status_code == 200
    assert closed.json()["stage"] == "closed"
    complaint = Complaint.objects.get(reference=reference)
    assert FollowUp.objects.get(complaint=complaint).state == "completed"
    assert list(
        ComplaintEvent.objects.filter(complaint=complaint).order_by("id").values_list("type", flat=True)
    ) == [
        "complaint_received", "understanding_shown", "apologised", "solution_given",
        "promise_kept", "resolved", "follow_up_completed", "closed",
    ]  # fmt: skip

    # The agent's own figures: the promise kept, the three points of the journey, the NPS.
    period = {"start": "2026-03-01", "end": "2026-04-03"}  # until today
    mine = api.get("/api/agent-figures/me/", period).json()
    assert (mine["promises"]["kept"], mine["promises"]["broken"]) == (1, 0)
    assert mine["promises"]["rate"] is None  # one promise: too few for a share
    assert mine["emotions"]["intake_resolution"]["better"] == 1
    assert mine["emotions"]["resolution_follow_up"]["better"] == 1
    assert (mine["nps"]["answers"], mine["nps"]["promoters"]) == (1, 1)
    # Her manager sees them; the manager of another team does not (404).
    assert api_as(manager).get(f"/api/agent-figures/{agent.pk}/", period).status_code == 200
    other_manager = outsider.team.manager
    assert api_as(other_manager).get(f"/api/agent-figures/{agent.pk}/").status_code == 404

    # The report for March and April so far: the journey's three points and the outcome's NPS.
    report = report_services.report_generate(
        start=date(2026, 3, 1), end=date(2026, 4, 3), actor=quality
    )
    journey = report.figures["journey"]
    assert journey["overall"]["intake_follow_up"]["better"] == 1
    [upheld] = journey["by_outcome"]
    assert (upheld["key"], upheld["nps"]["promoters"]) == ("upheld", 1)
