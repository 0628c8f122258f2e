"""The API for promises, follow-ups and notifications: the same rules, in HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest

from complaints.care import promises
from complaints.models import FollowUpState, Notification, PromiseState
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import make_complaint
from tests.promises.conftest import T0, resolved, run_due, solving

pytestmark = pytest.mark.usefixtures("clock")


def moment(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def test_an_agent_makes_a_promise_through_the_api(api_as, agent):
    complaint = solving(agent)
    response = api_as(agent).post(
        "/api/promises/",
        {
            "complaint": complaint.reference,
            "due_at": moment(T0 + timedelta(hours=4)),
            "purpose": "Terugbellen over de creditnota",
            "channel": "phone",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["complaint"], body["state"], body["owner"]["username"]) == (
        complaint.reference,
        "scheduled",
        "anna",
    )


def test_a_promise_in_the_past_gets_a_clear_400_and_nothing_is_written(api_as, agent):
    complaint = solving(agent)
    before = db_snapshot()
    response = api_as(agent).post(
        "/api/promises/",
        {
            "complaint": complaint.reference,
            "due_at": moment(T0 - timedelta(hours=1)),
            "purpose": "X",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "due_at" in response.json()
    assert db_changes(before, db_snapshot()) == {}


def test_promising_on_someone_elses_complaint_is_403_whatever_the_payload(
    api_as, agent, other_agent
):
    complaint = solving(agent)
    response = api_as(other_agent).post(
        "/api/promises/", {"complaint": complaint.reference}, format="json"
    )
    assert response.status_code == 403


def test_an_invisible_complaint_is_not_found_for_promises(api_as, agent, outsider):
    complaint = solving(agent)
    response = api_as(outsider).post(
        "/api/promises/", {"complaint": complaint.reference}, format="json"
    )
    assert response.status_code == 400
    assert "complaint" in response.json()
    [promise] = complaint.promises.all()
    assert api_as(outsider).get(f"/api/promises/{promise.pk}/").status_code == 404


def test_todays_callbacks_are_filtered_by_owner_state_and_moment(api_as, agent, other_agent):
    solving(agent, promised_at=T0 + timedelta(hours=3))
    solving(agent, promised_at=T0 + timedelta(days=3))
    solving(other_agent, promised_at=T0 + timedelta(hours=2))
    response = api_as(agent).get(
        "/api/promises/",
        {"owner": "me", "state": "scheduled", "due_before": moment(T0 + timedelta(days=1))},
    )
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["due_at"].startswith("2026-03-10T12:00")  # 11:00 UTC in Amsterdam time
    assert item["customer_phone"]


def test_keep_reschedule_and_cancel_through_the_api(api_as, agent, clock):
    [first] = solving(agent, promised_at=T0 + timedelta(hours=1)).promises.all()
    client = api_as(agent)
    response = client.post(
        f"/api/promises/{first.pk}/reschedule/",
        {"due_at": moment(T0 + timedelta(days=1)), "note": "Geen gehoor"},
        format="json",
    )
    assert response.status_code == 201
    new_id = response.json()["id"]
    assert response.json()["rescheduled_from"] == first.pk

    # A reschedule of a promise that is no longer scheduled: 409 in words, nothing changed.
    before = db_snapshot()
    again = client.post(
        f"/api/promises/{first.pk}/reschedule/",
        {"due_at": moment(T0 + timedelta(days=2))},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert again.status_code == 409
    assert "rescheduled" in again.json()["detail"]
    assert db_changes(before, db_snapshot()) == {}

    clock.shift(timedelta(days=1, minutes=5))
    kept = client.post(f"/api/promises/{new_id}/keep/", {}, format="json")
    assert kept.status_code == 200
    assert (kept.json()["state"], kept.json()["delay_seconds"]) == ("kept", 300)

    assert client.post(f"/api/promises/{new_id}/cancel/", {"reason": "x"}).status_code == 409
    assert client.post(f"/api/promises/{new_id}/reschedule/", {}).status_code == 409


def test_cancel_needs_a_reason(api_as, agent):
    [promise] = solving(agent).promises.all()
    response = api_as(agent).post(f"/api/promises/{promise.pk}/cancel/", {}, format="json")
    assert response.status_code == 400
    ok = api_as(agent).post(
        f"/api/promises/{promise.pk}/cancel/", {"reason": "Klant belt zelf"}, format="json"
    )
    assert (ok.status_code, ok.json()["state"]) == (200, PromiseState.CANCELLED)


def test_the_manager_lists_broken_promises(api_as, agent, manager):
    solving(agent, promised_at=T0 + timedelta(hours=1))
    run_due(T0 + timedelta(hours=2))
    response = api_as(manager).get("/api/promises/", {"state": "broken"})
    assert [p["state"] for p in response.json()["results"]] == ["broken"]


def test_follow_ups_are_listed_completed_and_waived_through_the_api(api_as, agent, manager):
    [first] = resolved(agent).follow_ups.all()
    [second] = resolved(agent).follow_ups.all()
    client = api_as(agent)
    listed = client.get("/api/follow-ups/", {"state": "scheduled", "owner": "me"}).json()
    assert {f["id"] for f in listed["results"]} == {first.pk, second.pk}

    before = db_snapshot()
    wrong = client.post(
        f"/api/follow-ups/{first.pk}/complete/",
        {"satisfied": True, "nps": 11, "emotion_now": "satisfied"},
        format="json",
    )
    assert wrong.status_code == 400
    assert "nps" in wrong.json()
    assert db_changes(before, db_snapshot()) == {}

    done = client.post(
        f"/api/follow-ups/{first.pk}/complete/",
        {"satisfied": True, "nps": 6, "emotion_now": "neutral", "note": "Redelijk"},
        format="json",
    )
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["nps_category"]) == (
        FollowUpState.COMPLETED,
        "detractor",
    )
    # Before it is due only a manager may waive it (that is how a complaint closes early).
    early = client.post(f"/api/follow-ups/{second.pk}/waive/", {"reason": "x"}, format="json")
    assert early.status_code == 403
    as_manager = api_as(manager)
    no_reason = as_manager.post(f"/api/follow-ups/{second.pk}/waive/", {}, format="json")
    assert no_reason.status_code == 400
    waived = as_manager.post(
        f"/api/follow-ups/{second.pk}/waive/", {"reason": "Wil niet gebeld worden"}, format="json"
    )
    assert (waived.status_code, waived.json()["state"]) == (200, "waived")
    assert (
        as_manager.post(f"/api/follow-ups/{second.pk}/waive/", {"reason": "x"}).status_code == 409
    )


def test_notifications_are_the_users_own_and_can_be_marked_read(api_as, agent, manager):
    solving(agent, promised_at=T0 + timedelta(hours=1))
    run_due(T0 + timedelta(hours=2))  # reminder to anna; broken to anna and marieke
    client = api_as(agent)
    mine = client.get("/api/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert {n["kind"] for n in mine} == {"promise_reminder", "promise_broken"}
    assert all(n["title"] and n["text"] for n in mine)

    theirs = Notification.objects.filter(recipient=manager).get()
    assert client.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404

    response = client.post(f"/api/notifications/{mine[0]['id']}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"]
    unread = client.get("/api/notifications/", {"unread": "true"}).json()["results"]
    assert len(unread) == 1
    assert client.post("/api/notifications/read-all/").json() == {"marked_read": 1}


def test_a_breached_deadline_shows_on_the_complaint(api_as, agent):
    complaint = make_complaint(owner=agent)
    run_due(complaint.acknowledge_due_at)
    body = api_as(agent).get(f"/api/complaints/{complaint.reference}/").json()
    assert body["acknowledge_breached_at"] is not None
    assert body["resolve_breached_at"] is None


def test_promise_service_and_api_agree_on_refusal_order(api_as, agent, other_agent):
    """Someone else's promise that is kept already: 403 (permission) before 409 (state)."""
    [promise] = solving(agent).promises.all()
    promises.promise_keep(promise=promise, actor=agent)
    response = api_as(other_agent).post(f"/api/promises/{promise.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 403
