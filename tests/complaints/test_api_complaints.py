"""The complaint API as a client sees it: create, read, the triad as POST actions, corrections,
interactions and timeline, the list's filters and pages, and what each of them costs in queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.backends import clear_permission_cache
from accounts.models import User
from accounts.roles import Role
from complaints import workflow
from complaints.models import (
    ApologyStep,
    Complaint,
    ComplaintEvent,
    Interaction,
    OwnershipTransfer,
    RootCause,
    SolutionStep,
    UnderstandingStep,
)
from complaints.states import Stage, Transition
from tests.factories import (
    CustomerFactory,
    TeamFactory,
    UserFactory,
    advance,
    api_key,
    make_complaint,
    root_cause,
    step_data,
)

# --- Helpers -----------------------------------------------------------------------------------


def url(complaint: Complaint, action: str | None = None) -> str:
    base = f"/api/complaints/{complaint.reference}/"
    return f"{base}{action}/" if action else base


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    """Step data as a client would send it: ids for rows, ISO 8601 for moments."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, RootCause | User):
            value = value.pk
        elif isinstance(value, datetime):
            value = value.isoformat()
        out[key] = value
    return out


def payload(name: str) -> dict[str, Any]:
    return as_json(step_data(name))


def snapshot(complaint: Complaint) -> dict[str, Any]:
    """Everything a request could have written about ``complaint``, re-read from the database."""
    row = Complaint.objects.get(pk=complaint.pk)
    return {
        "row": {
            f.attname: getattr(row, f.attname)
            for f in Complaint._meta.concrete_fields
            if f.attname != "updated_at"
        },
        "updated_at": row.updated_at,
        "events": ComplaintEvent.objects.filter(complaint=complaint).count(),
        "understanding": UnderstandingStep.objects.filter(complaint=complaint).count(),
        "apology": ApologyStep.objects.filter(complaint=complaint).count(),
        "solution": SolutionStep.objects.filter(complaint=complaint).count(),
        "interactions": Interaction.objects.filter(complaint=complaint).count(),
        "transfers": OwnershipTransfer.objects.filter(complaint=complaint).count(),
    }


def token_client(user: User) -> APIClient:
    """A client that logs in with a token on every request, as an integration would."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def refs(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["reference"] for item in response.json()["results"]}


def field_errors(response: Any) -> dict[str, list[str]]:
    """The 400 body: field names, each with messages in words."""
    assert response.status_code == 400, response.content
    body = response.json()
    for field, messages in body.items():
        assert messages, field
        assert all(isinstance(m, str) and " " in m for m in messages), (field, messages)
    return body


# The stage a complaint must be in for each action to be possible.
READY_FOR = {
    "understand": Stage.RECEIVED,
    "apologise": Stage.UNDERSTOOD,
    "solve": Stage.APOLOGISED,
    "resolve": Stage.SOLVING,
    "close": Stage.RESOLVED,
    "reopen": Stage.CLOSED,
    "transfer": Stage.SOLVING,
}


def valid_payload(action: str, manager: User) -> dict[str, Any]:
    if action == "transfer":
        return {"to_user": manager.pk, "reason": "Teamleider neemt het over."}
    return payload(action)


# --- Create ------------------------------------------------------------------------------------


@pytest.fixture
def new_complaint_data(db: None) -> dict[str, Any]:
    return {
        "customer": CustomerFactory(name="Fatima el Amrani").pk,
        "channel": "email",
        "subject": "Pakket beschadigd bezorgd",
        "facts": "De doos was ingedeukt en de lamp is gebroken.",
        "priority": "high",
        "emotion_at_intake": "frustrated",
        "emotion_intensity": 3,
    }


def test_create_returns_the_new_complaint_owned_by_the_caller(api_as, agent, new_complaint_data):
    response = api_as(agent).post("/api/complaints/", new_complaint_data, format="json")

    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"KL-\d{4}-\d{6}", body["reference"])
    assert body["owner"]["username"] == "anna"
    assert body["stage"] == "received"
    assert body["customer"]["name"] == "Fatima el Amrani"
    assert body["available_actions"] == ["understand", "transfer"]
    row = Complaint.objects.get(reference=body["reference"])
    assert (row.owner, row.stage, row.subject) == (agent, "received", "Pakket beschadigd bezorgd")
    assert row.events.get().type == "complaint_received"


def _without(field: str) -> Callable[[dict[str, Any], dict[str, User]], None]:
    return lambda data, _people: data.pop(field)


def _with(field: str, value: Any) -> Callable[[dict[str, Any], dict[str, User]], None]:
    return lambda data, _people: data.__setitem__(field, value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param(_without("subject"), "subject", id="missing-subject"),
        pytest.param(_with("subject", "   "), "subject", id="blank-subject"),
        pytest.param(_without("facts"), "facts", id="missing-facts"),
        pytest.param(_with("channel", "fax"), "channel", id="invalid-channel"),
        pytest.param(_with("emotion_intensity", 6), "emotion_intensity", id="intensity-6"),
        pytest.param(_with("customer", 999_999), "customer", id="unknown-customer"),
        pytest.param(_with("customer", "klant"), "customer", id="customer-not-a-number"),
        pytest.param(_with("customer", True), "customer", id="customer-a-boolean"),
        pytest.param(_with("customer", 10**30), "customer", id="customer-out-of-range"),
        pytest.param(_with("customer", -3), "customer", id="customer-negative"),
        pytest.param(_with("customer", None), "customer", id="customer-null"),
        pytest.param(
            _with("received_at", (timezone.now() + timedelta(days=2)).isoformat()),
            "received_at",
            id="received-in-the-future",
        ),
        pytest.param(
            lambda data, people: data.__setitem__("owner", people["other_agent"].pk),
            "owner",
            id="agent-logs-for-a-colleague",
        ),
    ],
)
def test_create_with_invalid_data_answers_400_on_the_field_and_writes_nothing(
    api_as, agent, other_agent, new_complaint_data, change, field
):
    change(new_complaint_data, {"other_agent": other_agent})

    response = api_as(agent).post("/api/complaints/", new_complaint_data, format="json")

    assert field in field_errors(response)
    assert Complaint.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0


def test_the_customer_may_be_named_by_id_as_a_string(api_as, agent, new_complaint_data):
    new_complaint_data["customer"] = str(new_complaint_data["customer"])
    response = api_as(agent).post("/api/complaints/", new_complaint_data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["customer"]["id"] == int(new_complaint_data["customer"])


def test_quality_may_not_log_complaints(api_as, quality, new_complaint_data):
    response = api_as(quality).post("/api/complaints/", new_complaint_data, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Complaint.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0


def test_a_manager_may_log_a_complaint_for_an_agent(api_as, manager, agent, new_complaint_data):
    new_complaint_data["owner"] = agent.pk
    response = api_as(manager).post("/api/complaints/", new_complaint_data, format="json")

    assert response.status_code == 201
    assert response.json()["owner"]["username"] == "anna"
    assert Complaint.objects.get().owner == agent


# --- Retrieve ----------------------------------------------------------------------------------


def test_retrieve_shows_the_triad_steps_nested(api_as, agent):
    complaint = advance(make_complaint(owner=agent), to=Stage.SOLVING)

    response = api_as(agent).get(url(complaint))

    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "solving"
    assert body["understanding"]["emotion"] == "angry"
    assert body["understanding"]["intensity"] == 4
    assert body["understanding"]["recorded_by"]["username"] == "anna"
    assert body["apology"]["apology"] == step_data("apologise")["apology"]
    assert body["solution"]["next_steps"].endswith("bel u morgen om 15:00.")
    assert body["solution"]["recorded_by"]["team"] == "Klantenservice Noord"
    assert body["available_actions"] == ["resolve", "transfer"]


def test_retrieve_of_a_new_complaint_has_no_steps_yet(api_as, agent):
    complaint = make_complaint(owner=agent)
    body = api_as(agent).get(url(complaint)).json()
    assert (body["understanding"], body["apology"], body["solution"]) == (None, None, None)


def test_a_complaint_outside_the_users_sight_is_not_found(api_as, agent, outsider):
    complaint = make_complaint(owner=agent)

    response = api_as(outsider).get(url(complaint))

    assert response.status_code == 404
    assert complaint.subject.encode() not in response.content


def test_an_unknown_reference_is_not_found(api_as, agent):
    assert api_as(agent).get("/api/complaints/KL-2026-999999/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "actions"),
    [
        ("agent", ["understand", "transfer"]),
        ("other_agent", []),  # a colleague sees the team's complaints but works only their own
        ("manager", ["understand", "transfer"]),
        ("quality", []),
        ("admin_user", ["understand", "transfer"]),
    ],
)
def test_available_actions_are_those_the_user_may_take(request, api_as, agent, persona, actions):
    complaint = make_complaint(owner=agent)

    response = api_as(request.getfixturevalue(persona)).get(url(complaint))

    assert response.status_code == 200
    assert response.json()["available_actions"] == actions


# --- The transitions ---------------------------------------------------------------------------


def test_the_whole_workflow_through_the_api(api_as, agent, other_agent, new_complaint_data):
    client = api_as(agent)
    created = client.post("/api/complaints/", new_complaint_data, format="json").json()
    complaint = Complaint.objects.get(reference=created["reference"])

    body = client.post(url(complaint, "understand"), payload("understand"), format="json").json()
    assert body["stage"] == "understood"
    assert body["understanding"]["acknowledgement"].startswith("Ik begrijp")
    assert body["acknowledged_at"] is not None
    assert body["available_actions"] == ["apologise", "transfer"]

    body = client.post(url(complaint, "apologise"), payload("apologise"), format="json").json()
    assert body["stage"] == "apologised"
    assert body["apology"]["recorded_by"]["username"] == "anna"

    body = client.post(url(complaint, "solve"), payload("solve"), format="json").json()
    assert body["stage"] == "solving"
    assert body["solution"]["promised_at"] is not None

    transfer = {"to_user": other_agent.pk, "reason": "Bram kent dit product het best."}
    response = client.post(url(complaint, "transfer"), transfer, format="json")
    assert response.status_code == 200
    assert response.json()["owner"]["username"] == "bram"
    assert response.json()["stage"] == "solving"
    assert response.json()["available_actions"] == []  # anna no longer owns it

    client = api_as(other_agent)
    body = client.post(url(complaint, "resolve"), payload("resolve"), format="json").json()
    assert body["stage"] == "resolved"
    assert body["outcome"] == "upheld"
    assert body["root_cause"]["code"] == "billing-incorrect-amount"
    # Closing waits for the follow-up a month later: refused in words, nothing written.
    assert body["available_actions"] == ["reopen"]
    assert body["follow_up"]["state"] == "scheduled"
    response = client.post(url(complaint, "close"), payload("close"), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "follow_up_awaited"
    assert Complaint.objects.get(pk=complaint.pk).stage == "resolved"

    follow_up = body["follow_up"]["id"]
    answer = {"satisfied": True, "nps": 9, "emotion_now": "satisfied"}
    response = client.post(f"/api/follow-ups/{follow_up}/complete/", answer, format="json")
    assert response.status_code == 200, response.content
    body = client.get(url(complaint)).json()
    assert body["available_actions"] == ["close", "reopen"]
    assert body["follow_up"]["nps"] == 9

    body = client.post(url(complaint, "close"), payload("close"), format="json").json()
    assert body["stage"] == "closed"
    assert body["closed_at"] is not None
    assert body["available_actions"] == ["reopen"]

    response = client.post(url(complaint, "reopen"), payload("reopen"), format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "solving"
    assert (body["resolved_at"], body["closed_at"]) == (None, None)
    assert body["available_actions"] == ["resolve", "transfer"]

    complaint.refresh_from_db()
    assert (complaint.stage, complaint.owner) == ("solving", other_agent)
    timeline = client.get(url(complaint, "timeline")).json()
    assert [
        (e["type"], e["actor"]["username"], e["from_stage"], e["to_stage"]) for e in timeline
    ] == [
        ("complaint_received", "anna", "", "received"),
        ("understanding_shown", "anna", "received", "understood"),
        ("apologised", "anna", "understood", "apologised"),
        ("solution_given", "anna", "apologised", "solving"),
        ("ownership_transferred", "anna", "", ""),
        ("resolved", "bram", "solving", "resolved"),
        ("follow_up_completed", "bram", "", ""),
        ("closed", "bram", "resolved", "closed"),
        ("reopened", "bram", "closed", "solving"),
    ]
    assert timeline[4]["payload"]["reason"] == "Bram kent dit product het best."


def test_a_manager_works_the_teams_complaints(api_as, agent, manager):
    complaint = make_complaint(owner=agent)
    response = api_as(manager).post(
        url(complaint, "understand"), payload("understand"), format="json"
    )
    assert response.status_code == 200
    assert response.json()["understanding"]["recorded_by"]["username"] == "marieke"


def test_an_admin_works_any_complaint(api_as, outsider, admin_user):
    complaint = make_complaint(owner=outsider)
    response = api_as(admin_user).post(
        url(complaint, "understand"), payload("understand"), format="json"
    )
    assert response.status_code == 200
    assert response.json()["stage"] == "understood"


def test_transfer_out_of_the_actors_sight_still_answers_with_the_result(api_as, agent, outsider):
    """Handing a complaint to another team succeeds; the answer says so (not 404)."""
    complaint = make_complaint(owner=agent)

    response = api_as(agent).post(
        url(complaint, "transfer"),
        {"to_user": outsider.pk, "reason": "Valt onder team Zuid."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["owner"]["username"] == "olaf"
    assert response.json()["available_actions"] == []
    complaint.refresh_from_db()
    assert complaint.owner == outsider
    assert api_as(agent).get(url(complaint)).status_code == 404  # now out of anna's sight


ENGLISH_REFUSALS = {
    Stage.RECEIVED: "This complaint has just been received: show understanding first.",
    Stage.UNDERSTOOD: "Understanding has been shown; the next step is to apologise.",
    Stage.APOLOGISED: "The apology has been made; the next step is to solve.",
    Stage.SOLVING: "A solution is being worked on; the next step is to resolve.",
    Stage.RESOLVED: "This complaint is already resolved.",
    Stage.CLOSED: "This complaint is already closed.",
}


@pytest.mark.parametrize(
    ("action", "stage"),
    [
        ("apologise", Stage.RECEIVED),
        ("solve", Stage.RECEIVED),
        ("resolve", Stage.UNDERSTOOD),
        ("solve", Stage.UNDERSTOOD),
        ("resolve", Stage.APOLOGISED),
        ("close", Stage.SOLVING),
        ("reopen", Stage.SOLVING),
        ("understand", Stage.RESOLVED),
        ("resolve", Stage.RESOLVED),
        ("understand", Stage.CLOSED),
        ("close", Stage.CLOSED),
    ],
)
def test_a_step_in_the_wrong_stage_is_a_conflict_in_words(api_as, agent, action, stage):
    complaint = advance(make_complaint(owner=agent), to=stage)
    before = snapshot(complaint)

    response = api_as(agent).post(
        url(complaint, action), payload(action), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": ENGLISH_REFUSALS[stage],
        "code": "transition_not_allowed",
    }
    assert snapshot(complaint) == before


@pytest.mark.parametrize("stage", [Stage.RESOLVED, Stage.CLOSED])
def test_a_finished_complaint_cannot_change_owner(api_as, agent, other_agent, stage):
    complaint = advance(make_complaint(owner=agent), to=stage)
    before = snapshot(complaint)

    response = api_as(agent).post(
        url(complaint, "transfer"),
        {"to_user": other_agent.pk, "reason": "Vakantie."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "A resolved or closed complaint cannot change owner; reopen it first."
    )
    assert snapshot(complaint) == before


@pytest.mark.parametrize("persona", ["other_agent", "quality"])
@pytest.mark.parametrize("action", list(READY_FOR))
@pytest.mark.parametrize("data", ["valid", "invalid"])
def test_who_may_not_act_gets_403_whatever_the_payload(
    request, api_as, agent, manager, persona, action, data
):
    complaint = advance(make_complaint(owner=agent), to=READY_FOR[action])
    before = snapshot(complaint)
    body = valid_payload(action, manager) if data == "valid" else {"intensity": "veel"}

    response = api_as(request.getfixturevalue(persona)).post(
        url(complaint, action), body, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert snapshot(complaint) == before


@pytest.mark.parametrize("action", list(READY_FOR))
def test_an_outsider_cannot_even_find_the_complaint_to_act_on(
    api_as, agent, manager, outsider, action
):
    complaint = advance(make_complaint(owner=agent), to=READY_FOR[action])
    before = snapshot(complaint)

    response = api_as(outsider).post(
        url(complaint, action), valid_payload(action, manager), format="json"
    )

    assert response.status_code == 404
    assert snapshot(complaint) == before


def _later(**delta: float) -> str:
    return (timezone.now() + timedelta(**delta)).isoformat()


BAD_DATA = [
    pytest.param(
        "understand",
        lambda p: {"emotion": "bored", "intensity": 6},
        {"emotion", "intensity", "acknowledgement"},
        id="understand-everything-wrong",
    ),
    pytest.param(
        "understand",
        lambda p: {**payload("understand"), "acknowledgement": "  "},
        {"acknowledgement"},
        id="understand-blank-acknowledgement",
    ),
    pytest.param("apologise", lambda p: {}, {"apology"}, id="apologise-missing-apology"),
    pytest.param(
        "apologise",
        lambda p: {**payload("apologise"), "apologised_at": _later(hours=3)},
        {"apologised_at"},
        id="apologise-in-the-future",
    ),
    pytest.param(
        "solve",
        lambda p: {},
        {"facts_summary", "next_steps", "promised_at"},
        id="solve-missing-everything",
    ),
    pytest.param(
        "solve",
        lambda p: {**payload("solve"), "promised_at": _later(hours=-1)},
        {"promised_at"},
        id="solve-promise-in-the-past",
    ),
    pytest.param(
        "resolve",
        lambda p: {k: v for k, v in payload("resolve").items() if k != "root_cause"},
        {"root_cause"},
        id="resolve-without-root-cause",
    ),
    pytest.param(
        "resolve",
        lambda p: {**payload("resolve"), "root_cause": root_cause("billing").pk},
        {"root_cause"},
        id="resolve-with-a-root-cause-group",
    ),
    pytest.param(
        "resolve",
        lambda p: {**payload("resolve"), "outcome": "maybe", "liability": ""},
        {"outcome", "liability"},
        id="resolve-invalid-choices",
    ),
    pytest.param("reopen", lambda p: {"reason": ""}, {"reason"}, id="reopen-without-reason"),
    pytest.param("transfer", lambda p: {}, {"to_user", "reason"}, id="transfer-missing"),
    pytest.param(
        "transfer",
        lambda p: {"to_user": p["agent"].pk, "reason": "Terug naar mij."},
        {"to_user"},
        id="transfer-to-the-owner",
    ),
    pytest.param(
        "transfer",
        lambda p: {"to_user": p["quality"].pk, "reason": "Kwaliteit kijkt mee."},
        {"to_user"},
        id="transfer-to-someone-who-cannot-own",
    ),
]


@pytest.mark.parametrize(("action", "make_body", "fields"), BAD_DATA)
def test_bad_step_data_answers_400_naming_the_fields(
    api_as, agent, quality, action, make_body, fields
):
    complaint = advance(make_complaint(owner=agent), to=READY_FOR[action])
    before = snapshot(complaint)

    response = api_as(agent).post(
        url(complaint, action), make_body({"agent": agent, "quality": quality}), format="json"
    )

    assert set(field_errors(response)) == fields
    assert snapshot(complaint) == before


def test_saying_no_without_alternatives_names_alternatives_offered(api_as, agent):
    complaint = advance(make_complaint(owner=agent), to=Stage.SOLVING)
    before = snapshot(complaint)
    no = {
        **payload("resolve"),
        "outcome": "not_upheld",
        "request_domain": "past",
        "balance": "win_win",
    }

    response = api_as(agent).post(
        url(complaint, "resolve"), no, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert field_errors(response) == {
        "alternatives_offered": ["When the answer is (partly) no, record the alternatives offered."]
    }
    assert snapshot(complaint) == before

    no["alternatives_offered"] = "Een tegoedbon of een ander abonnement."
    response = api_as(agent).post(url(complaint, "resolve"), no, format="json")
    assert response.status_code == 200
    assert response.json()["alternatives_offered"] == "Een tegoedbon of een ander abonnement."
    assert Complaint.objects.get(pk=complaint.pk).outcome == "not_upheld"


# --- Corrections (PATCH) -----------------------------------------------------------------------


def test_patch_never_changes_stage_reference_or_owner(api_as, agent, other_agent):
    complaint = make_complaint(owner=agent)
    before = snapshot(complaint)

    response = api_as(agent).patch(
        url(complaint),
        {"stage": "closed", "reference": "KL-1999-000001", "owner": other_agent.pk},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["stage"], body["reference"], body["owner"]["username"]) == (
        "received",
        complaint.reference,
        "anna",
    )
    assert snapshot(complaint) == before  # no row change, no event


def test_patch_applies_subject_and_priority_and_logs_them(api_as, agent, other_agent):
    complaint = make_complaint(owner=agent, subject="Rekening klopt niet")

    response = api_as(agent).patch(
        url(complaint),
        {
            "subject": "Rekening drie keer te hoog",
            "priority": "urgent",
            "stage": "closed",
            "owner": other_agent.pk,
        },
        format="json",
    )

    assert response.status_code == 200
    row = Complaint.objects.get(pk=complaint.pk)
    assert (row.subject, row.priority) == ("Rekening drie keer te hoog", "urgent")
    assert (row.stage, row.owner, row.reference) == ("received", agent, complaint.reference)
    # An urgent complaint must be resolved within a day of receipt.
    assert row.resolve_due_at == row.received_at + timedelta(hours=24)
    assert response.json()["subject"] == "Rekening drie keer te hoog"

    event = api_as(agent).get(url(complaint, "timeline")).json()[-1]
    assert event["type"] == "details_changed"
    assert event["actor"]["username"] == "anna"
    assert event["payload"]["changes"] == {
        "subject": ["Rekening klopt niet", "Rekening drie keer te hoog"],
        "priority": ["normal", "urgent"],
    }


def test_patch_with_an_invalid_priority_is_400(api_as, agent):
    complaint = make_complaint(owner=agent)
    before = snapshot(complaint)
    response = api_as(agent).patch(url(complaint), {"priority": "asap"}, format="json")
    assert set(field_errors(response)) == {"priority"}
    assert snapshot(complaint) == before


@pytest.mark.parametrize("persona", ["other_agent", "quality"])
@pytest.mark.parametrize("body", [{"subject": "Anders"}, {"priority": "asap"}])
def test_patch_by_who_may_not_act_is_403_whatever_the_payload(
    request, api_as, agent, persona, body
):
    complaint = make_complaint(owner=agent)
    before = snapshot(complaint)
    response = api_as(request.getfixturevalue(persona)).patch(url(complaint), body, format="json")
    assert response.status_code == 403
    assert snapshot(complaint) == before


def test_a_resolved_complaint_cannot_be_corrected(api_as, agent):
    complaint = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    before = snapshot(complaint)
    response = api_as(agent).patch(url(complaint), {"subject": "Anders"}, format="json")
    assert response.status_code == 409
    assert snapshot(complaint) == before


# --- Interactions and timeline -----------------------------------------------------------------


def test_interactions_are_added_and_listed_in_the_order_they_happened(api_as, agent):
    complaint = make_complaint(owner=agent)
    client = api_as(agent)
    call = {"kind": "call", "direction": "outbound", "summary": "Klant teruggebeld om 15:00."}
    earlier = {
        "kind": "email",
        "direction": "inbound",
        "summary": "Klant mailde een foto van de factuur.",
        "occurred_at": (timezone.now() - timedelta(hours=2)).isoformat(),
    }

    first = client.post(url(complaint, "interactions"), call, format="json")
    second = client.post(url(complaint, "interactions"), earlier, format="json")

    assert first.status_code == second.status_code == 201
    assert first.json()["author"]["username"] == "anna"
    listed = client.get(url(complaint, "interactions")).json()
    assert [i["summary"] for i in listed] == [earlier["summary"], call["summary"]]
    assert [i["direction"] for i in listed] == ["inbound", "outbound"]

    timeline = client.get(url(complaint, "timeline")).json()
    assert [(e["type"], e["actor"]["username"]) for e in timeline] == [
        ("complaint_received", "anna"),
        ("interaction_added", "anna"),
        ("interaction_added", "anna"),
    ]
    assert [e["payload"]["kind"] for e in timeline[1:]] == ["call", "email"]
    assert timeline[0]["type_display"]


def test_an_invalid_interaction_is_400_and_not_written(api_as, agent):
    complaint = make_complaint(owner=agent)
    before = snapshot(complaint)
    response = api_as(agent).post(
        url(complaint, "interactions"), {"kind": "telegram", "summary": ""}, format="json"
    )
    assert set(field_errors(response)) == {"kind", "summary"}
    assert snapshot(complaint) == before


@pytest.mark.parametrize("persona", ["other_agent", "quality"])
@pytest.mark.parametrize("body", [{"kind": "note", "summary": "Meegekeken."}, {"kind": "telegram"}])
def test_who_may_not_act_reads_interactions_but_cannot_add_them(
    request, api_as, agent, persona, body
):
    complaint = make_complaint(owner=agent)
    before = snapshot(complaint)
    client = api_as(request.getfixturevalue(persona))

    assert client.get(url(complaint, "interactions")).status_code == 200
    assert client.get(url(complaint, "timeline")).status_code == 200
    assert client.post(url(complaint, "interactions"), body, format="json").status_code == 403
    assert snapshot(complaint) == before


def test_an_outsider_sees_no_timeline_or_interactions(api_as, agent, outsider):
    complaint = make_complaint(owner=agent)
    client = api_as(outsider)
    assert client.get(url(complaint, "timeline")).status_code == 404
    assert client.get(url(complaint, "interactions")).status_code == 404


# --- Messages in the user's language -----------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        (None, "Deze klacht is net binnengekomen: toon eerst begrip."),
        ("nl", "Deze klacht is net binnengekomen: toon eerst begrip."),
        ("nl-NL,nl;q=0.9", "Deze klacht is net binnengekomen: toon eerst begrip."),
        ("en", "This complaint has just been received: show understanding first."),
        ("en-GB,en;q=0.8", "This complaint has just been received: show understanding first."),
    ],
)
def test_the_409_message_speaks_dutch_by_default_and_english_on_request(
    api_as, agent, accept_language, expected
):
    complaint = make_complaint(owner=agent)
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}

    response = api_as(agent).post(
        url(complaint, "apologise"), payload("apologise"), format="json", **headers
    )

    assert response.status_code == 409
    assert response.json()["detail"] == expected


@pytest.mark.parametrize(
    ("accept_language", "alternatives", "required", "forbidden"),
    [
        (
            "nl",
            "Leg bij een (gedeeltelijk) nee de geboden alternatieven vast.",
            "Dit veld is verplicht.",
            "Alleen de eigenaar van deze klacht of diens teamleider mag dit doen.",
        ),
        (
            "en",
            "When the answer is (partly) no, record the alternatives offered.",
            "This field is required.",
            "Only the owner of this complaint or their manager may do this.",
        ),
    ],
)
def test_400_and_403_messages_follow_accept_language(
    api_as, agent, other_agent, accept_language, alternatives, required, forbidden
):
    complaint = advance(make_complaint(owner=agent), to=Stage.SOLVING)
    client = api_as(agent)
    no = {**payload("resolve"), "outcome": "partly_upheld", "request_domain": "past"}

    # The workflow's own messages.
    response = client.post(
        url(complaint, "resolve"), no, format="json", HTTP_ACCEPT_LANGUAGE=accept_language
    )
    assert field_errors(response) == {
        "alternatives_offered": [alternatives],
        "balance": [required],
    }

    # The serializer's messages, before the workflow is asked.
    no.pop("resolution_summary")
    response = client.post(
        url(complaint, "resolve"), no, format="json", HTTP_ACCEPT_LANGUAGE=accept_language
    )
    assert field_errors(response) == {"resolution_summary": [required]}

    response = api_as(other_agent).post(
        url(complaint, "resolve"),
        payload("resolve"),
        format="json",
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )
    assert response.status_code == 403
    assert response.json()["detail"] == forbidden
    assert Complaint.objects.get(pk=complaint.pk).stage == "solving"


# --- The list: filters and visibility ----------------------------------------------------------


@pytest.fixture
def world(agent, other_agent, manager, outsider) -> dict[str, Complaint]:
    """Seven complaints across two teams, stages, channels, priorities, causes and ages."""
    now = timezone.now()

    def resolved(complaint: Complaint, cause: str) -> Complaint:
        complaint = advance(complaint, to=Stage.SOLVING)
        data = {**step_data("resolve"), "root_cause": root_cause(cause)}
        return workflow.run(Transition.RESOLVE, complaint, actor=complaint.owner, **data)

    def complaint(**kwargs: Any) -> Complaint:
        # A fixed customer name where none is given: a random one could match a name filter.
        if "customer" not in kwargs:
            kwargs["customer"] = CustomerFactory(name="Klant zonder treffer")
        return make_complaint(**kwargs)

    return {
        # Past its resolve deadline (normal: 14 days).
        "a1": complaint(
            owner=agent,
            customer=CustomerFactory(name="Pieter Jansen"),
            subject="Factuur drie keer te hoog",
            received_at=now - timedelta(days=20),
        ),
        "a2": advance(
            complaint(
                owner=agent,
                channel="email",
                priority="high",
                subject="Wachtwoord werkt niet",
                received_at=now - timedelta(hours=1),
            ),
            to=Stage.UNDERSTOOD,
        ),
        "a3": resolved(
            complaint(
                owner=other_agent,
                channel="chat",
                priority="low",
                subject="Pakket kwam een week te laat",
                received_at=now - timedelta(days=3),
            ),
            "delivery-late",
        ),
        "a4": complaint(
            owner=manager,
            customer=CustomerFactory(name="Sanne Vermeulen"),
            channel="letter",
            subject="Brief over opzegging",
            received_at=now - timedelta(minutes=30),
        ),
        # Urgent and not acknowledged within two hours.
        "a5": complaint(
            owner=agent,
            channel="web_form",
            priority="urgent",
            subject="Storing bij het bestellen",
            received_at=now - timedelta(hours=3),
        ),
        # Old, but resolved: not overdue.
        "o1": resolved(
            complaint(
                owner=outsider, subject="Dubbel afgeschreven", received_at=now - timedelta(days=30)
            ),
            "billing-incorrect-amount",
        ),
        # Acknowledged, but past its resolve deadline.
        "o2": advance(
            complaint(
                owner=outsider,
                channel="social",
                subject="Klacht via Twitter",
                received_at=now - timedelta(days=40),
            ),
            to=Stage.SOLVING,
        ),
    }


def _expect(world: dict[str, Complaint], *names: str) -> set[str]:
    return {world[name].reference for name in names}


def _ago(**delta: float) -> str:
    return (timezone.now() - timedelta(**delta)).isoformat()


FILTERS = [
    pytest.param({"stage": "received"}, ["a1", "a4", "a5"], id="stage"),
    pytest.param({"stage": ["understood", "resolved"]}, ["a2", "a3", "o1"], id="stages"),
    pytest.param({"owner": "other_agent"}, ["a3"], id="owner"),
    pytest.param({"owner": "outsider"}, ["o1", "o2"], id="owner-other-team"),
    pytest.param({"channel": "phone"}, ["a1", "o1"], id="channel"),
    pytest.param({"priority": "urgent"}, ["a5"], id="priority"),
    pytest.param({"priority": "high"}, ["a2"], id="priority-high"),
    pytest.param({"root_cause": "delivery-late"}, ["a3"], id="root-cause"),
    pytest.param({"root_cause": "billing-incorrect-amount"}, ["o1"], id="root-cause-billing"),
    pytest.param({"overdue": "true"}, ["a1", "a5", "o2"], id="overdue"),
    pytest.param({"overdue": "false"}, ["a2", "a3", "a4", "o1"], id="not-overdue"),
    pytest.param({"received_after": {"days": 2}}, ["a2", "a4", "a5"], id="received-after"),
    pytest.param({"received_before": {"days": 10}}, ["a1", "o1", "o2"], id="received-before"),
    pytest.param(
        {"received_after": {"days": 25}, "received_before": {"days": 10}}, ["a1"], id="window"
    ),
    pytest.param({"q": "a2"}, ["a2"], id="q-reference"),
    pytest.param({"q": "FACTUUR"}, ["a1"], id="q-subject"),
    pytest.param({"q": "vermeulen"}, ["a4"], id="q-customer-name"),
    pytest.param({"channel": "phone", "overdue": "true"}, ["a1"], id="combined"),
    pytest.param({}, ["a1", "a2", "a3", "a4", "a5", "o1", "o2"], id="no-filter"),
]


@pytest.mark.parametrize(("given", "expected"), FILTERS)
def test_each_filter_narrows_the_list(request, api_as, quality, world, given, expected):
    params: dict[str, Any] = {"page_size": 100}
    for name, value in given.items():
        if name == "owner":
            value = request.getfixturevalue(value).pk
        elif name == "root_cause":
            value = root_cause(value).pk
        elif name.startswith("received_"):
            value = _ago(**value)
        elif name == "q" and value in world:
            value = world[value].reference
        params[name] = value

    response = api_as(quality).get("/api/complaints/", params)

    assert refs(response) == _expect(world, *expected)


def test_the_list_flags_overdue_complaints(api_as, quality, world):
    items = api_as(quality).get("/api/complaints/").json()["results"]
    assert {i["reference"] for i in items if i["is_overdue"]} == _expect(world, "a1", "a5", "o2")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "nonsense"}, "stage"),
        ({"stage": ["received", "nonsense"]}, "stage"),
        ({"received_after": "notadate"}, "received_after"),
        ({"received_before": "2026-13-45"}, "received_before"),
        ({"overdue": "maybe"}, "overdue"),
        ({"channel": "fax"}, "channel"),
        ({"priority": "asap"}, "priority"),
        ({"owner": "anna"}, "owner"),
    ],
)
def test_an_invalid_filter_value_is_400_naming_the_filter(api_as, quality, world, params, field):
    response = api_as(quality).get("/api/complaints/", params)
    assert field in field_errors(response)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("agent", ["a1", "a2", "a3", "a4", "a5"]),  # own and the team's
        ("other_agent", ["a1", "a2", "a3", "a4", "a5"]),
        ("manager", ["a1", "a2", "a3", "a4", "a5"]),  # the team managed
        ("outsider", ["o1", "o2"]),
        ("quality", ["a1", "a2", "a3", "a4", "a5", "o1", "o2"]),
        ("admin_user", ["a1", "a2", "a3", "a4", "a5", "o1", "o2"]),
    ],
)
def test_each_user_lists_only_what_they_may_see(request, api_as, world, persona, expected):
    response = api_as(request.getfixturevalue(persona)).get("/api/complaints/")
    assert refs(response) == _expect(world, *expected)


def test_a_filter_never_widens_what_a_user_sees(api_as, outsider, world, agent):
    response = api_as(outsider).get("/api/complaints/", {"owner": agent.pk})
    assert refs(response) == set()
    response = api_as(outsider).get("/api/complaints/", {"q": world["a1"].reference})
    assert refs(response) == set()


def test_cursor_pages_follow_each_other_without_overlap(api_as, quality, world):
    client = api_as(quality)
    newest_first = sorted(world.values(), key=lambda c: (c.received_at, c.pk), reverse=True)

    pages, next_url = [], "/api/complaints/?page_size=3"
    while next_url:
        body = client.get(next_url).json()
        pages.append([item["reference"] for item in body["results"]])
        next_url = body["next"]

    assert [len(page) for page in pages] == [3, 3, 1]
    seen = [ref for page in pages for ref in page]
    assert len(seen) == len(set(seen))  # no overlap
    assert seen == [c.reference for c in newest_first]

    # And back: the second page's previous link gives the first page again.
    second = client.get(client.get("/api/complaints/?page_size=3").json()["next"]).json()
    first_again = client.get(second["previous"]).json()
    assert [i["reference"] for i in first_again["results"]] == pages[0]


def test_a_page_size_above_the_maximum_is_capped(api_as, quality, world):
    response = api_as(quality).get("/api/complaints/", {"page_size": 10_000})
    assert len(response.json()["results"]) == len(world)


# --- Query counts ------------------------------------------------------------------------------

# Per request with a token, counted with the worker's permission cache empty: the token with its
# user and team, the user's own permissions, the permissions of the user's groups, then the page
# (picked on the complaint table) and its rows with customer, owner, team and root cause.
LIST_QUERIES = 5
# A complaint's detail and timeline also record the view (who saw the customer's data).
DETAIL_QUERIES = 5  # token, two permission queries, the complaint with all it shows, the record
TIMELINE_QUERIES = 6  # token, two permission queries, the complaint, the record, its events
INTERACTIONS_QUERIES = 5  # token, two permission queries, the complaint, its interactions


@pytest.fixture
def sixty(agent, other_agent, manager, outsider) -> list[Complaint]:
    """Sixty complaints with their own customers, six owners in four teams, twelve causes."""
    west = TeamFactory(name="Klantenservice West")
    owners = [
        agent,
        other_agent,
        manager,
        outsider,
        UserFactory(username="willem", role=Role.AGENT, team=west),
        UserFactory(username="teamloos", role=Role.AGENT),
    ]
    causes = list(RootCause.objects.filter(parent__isnull=False, active=True)[:12])
    now = timezone.now()
    complaints = []
    for i in range(60):
        owner = owners[i % len(owners)]
        complaint = make_complaint(owner=owner, received_at=now - timedelta(hours=i))
        if i % 4 == 0:
            complaint = advance(complaint, to=Stage.SOLVING)
            data = {**step_data("resolve"), "root_cause": causes[(i // 4) % len(causes)]}
            complaint = workflow.run(Transition.RESOLVE, complaint, actor=owner, **data)
        complaints.append(complaint)
    return complaints


def _count(client: APIClient, path: str) -> tuple[int, Any]:
    clear_permission_cache()  # every count starts cold, whatever ran before
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries), response.json()


@pytest.mark.parametrize("persona", ["quality", "manager"])
def test_the_list_costs_the_same_queries_whatever_the_page_size(request, sixty, persona):
    client = token_client(request.getfixturevalue(persona))

    small, body_small = _count(client, "/api/complaints/?page_size=2")
    large, body_large = _count(client, "/api/complaints/?page_size=50")

    assert len(body_small["results"]) == 2
    assert len(body_large["results"]) == (50 if persona == "quality" else 30)
    assert {i["root_cause"]["code"] for i in body_large["results"] if i["root_cause"]}
    assert small == large == LIST_QUERIES


def test_a_worker_asks_for_a_users_permissions_once(agent, sixty):
    client = token_client(agent)
    cold, _ = _count(client, "/api/complaints/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/complaints/").status_code == 200
    assert len(queries.captured_queries) == cold - 2


def test_the_next_page_costs_the_same_as_the_first(quality, sixty):
    client = token_client(quality)
    first, body = _count(client, "/api/complaints/?page_size=20")
    following, _ = _count(client, body["next"])
    assert first == following == LIST_QUERIES


def test_a_complaint_costs_the_same_queries_however_long_its_history(agent, manager):
    fresh = make_complaint(owner=agent)
    busy = advance(make_complaint(owner=agent), to=Stage.SOLVING)
    client = token_client(agent)
    for i in range(30):
        author = agent if i % 2 else manager
        api = token_client(author)
        note = {"kind": "note", "summary": f"Notitie {i}."}
        assert api.post(url(busy, "interactions"), note, format="json").status_code == 201

    fresh_detail, _ = _count(client, url(fresh))
    busy_detail, body = _count(client, url(busy))
    assert body["solution"]["recorded_by"]["team"] == "Klantenservice Noord"
    assert fresh_detail == busy_detail == DETAIL_QUERIES

    fresh_timeline, _ = _count(client, url(fresh, "timeline"))
    busy_timeline, events = _count(client, url(busy, "timeline"))
    assert len(events) == 34
    assert {e["actor"]["username"] for e in events} == {"anna", "marieke"}
    assert fresh_timeline == busy_timeline == TIMELINE_QUERIES

    fresh_notes, _ = _count(client, url(fresh, "interactions"))
    busy_notes, notes = _count(client, url(busy, "interactions"))
    assert len(notes) == 30
    assert fresh_notes == busy_notes == INTERACTIONS_QUERIES
