"""The coulance API: create, list and filter, decide, the letter (JSON, HTML, PDF), send."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from accounts.models import User
from complaints.coulance import services as coulance
from complaints.models import Complaint, CoulanceLetter, CoulanceRequest, CoulanceStatus
from complaints.tasks import send_coulance_letter
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.coulance.conftest import ask, request_data
from tests.factories import make_complaint

URL = "/api/coulance/"


@pytest.fixture(autouse=True)
def _english_answers(api: Any) -> None:
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def payload(complaint: Complaint, **overrides: Any) -> dict[str, Any]:
    return {"complaint": complaint.reference} | request_data(**overrides)


def approved_letter(complaint: Complaint, agent: User, manager: User) -> CoulanceLetter:
    request = ask(complaint, agent)
    coulance.coulance_request_approve(coulance_request=request, actor=manager)
    return CoulanceLetter.objects.get(request=request)


def test_the_api_needs_a_login(api, complaint):
    assert api.get(URL).status_code in (401, 403)
    assert api.post(URL, payload(complaint), format="json").status_code in (401, 403)


def test_an_agent_proposes_coulance_on_their_complaint(api_as, complaint, agent, manager):
    response = api_as(agent).post(URL, payload(complaint, amount="25.5"), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["complaint"] == complaint.reference
    assert (body["amount"], body["currency"], body["status"]) == ("25.50", "EUR", "pending")
    assert body["waiting_for"]["id"] == manager.pk
    assert body["requested_by"]["id"] == agent.pk
    assert body["letter"] is None
    assert CoulanceRequest.objects.get(pk=body["id"]).amount == Decimal("25.50")


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"amount": "-10"}, "amount", "more than zero"),
        ({"amount": "0"}, "amount", "more than zero"),
        ({"amount": "10.999"}, "amount", "at most two decimals"),
        ({"currency": "ABC"}, "currency", "ISO 4217"),
        ({"liability": "liable"}, "liability", "compensation, not coulance"),
        ({"kind": "cash"}, "kind", "valid choice"),
        ({"assessment": ""}, "assessment", "reasonable and fair"),
    ],
)
def test_bad_input_gets_a_message_on_its_field_and_writes_nothing(
    api_as, complaint, agent, overrides, field, words
):
    before = db_snapshot()

    response = api_as(agent).post(URL, payload(complaint, **overrides), format="json")

    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert db_changes(before, db_snapshot()) == {}


def test_an_unknown_or_invisible_complaint_is_a_field_error(api_as, complaint, outsider):
    response = api_as(outsider).post(URL, payload(complaint), format="json")

    assert response.status_code == 400
    assert "no complaint with this reference" in response.json()["complaint"][0]


def test_a_colleague_may_not_propose_on_someone_elses_complaint(api_as, complaint, other_agent):
    response = api_as(other_agent).post(URL, payload(complaint, amount="-1"), format="json")

    assert response.status_code == 403  # before the data is judged


def test_list_filters_by_status_team_and_amount(api_as, complaint, agent, manager, outsider):
    small = ask(complaint, agent, amount="10")
    large = ask(complaint, agent, amount="200")
    done = ask(complaint, agent, amount="50")
    coulance.coulance_request_approve(coulance_request=done, actor=manager)
    elsewhere = ask(make_complaint(owner=outsider), outsider, amount="20")
    client = api_as(manager)

    def ids(**params: Any) -> set[int]:
        response = client.get(URL, params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {small.pk, large.pk, done.pk}  # not the other team's
    assert ids(status="pending") == {small.pk, large.pk}
    assert ids(status=["pending", "approved"]) == {small.pk, large.pk, done.pk}
    assert ids(amount_min="20", amount_max="100") == {done.pk}
    assert ids(team=agent.team_id) == {small.pk, large.pk, done.pk}
    assert ids(team=outsider.team_id) == set()
    assert ids(waiting_for=manager.pk) == {small.pk, large.pk}
    assert client.get(URL, {"status": "maybe"}).status_code == 400
    assert elsewhere.pk not in ids()


def test_an_outsider_does_not_see_the_request(api_as, complaint, agent, outsider):
    request = ask(complaint, agent)

    assert api_as(outsider).get(f"{URL}{request.pk}/").status_code == 404


def test_the_manager_approves_and_the_agent_reads_the_letter(api_as, complaint, agent, manager):
    request = ask(complaint, agent)

    response = api_as(manager).post(f"{URL}{request.pk}/approve/", {"comment": "Akkoord."})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["decided_by"]["id"]) == ("approved", manager.pk)
    assert body["letter"]["version"] == 1
    assert body["letter"]["status"] == "draft"
    letter = api_as(agent).get(f"{URL}{request.pk}/letter/").json()
    assert "gebaar van goodwill" in letter["body"]
    assert letter["status"] == "draft"


def test_the_requester_cannot_approve_through_the_api(api_as, complaint, manager, director):
    request = ask(complaint, manager)
    before = db_snapshot()

    response = api_as(manager).post(f"{URL}{request.pk}/approve/", {})

    assert response.status_code == 403
    assert response.json()["code"] == "self_approval_forbidden"
    assert db_changes(before, db_snapshot()) == {}


@pytest.mark.parametrize("who", ["agent", "other_agent", "quality"])
def test_only_managers_decide(api_as, complaint, agent, request_fixture, who):
    request = ask(complaint, agent)
    user = request_fixture.getfixturevalue(who)

    response = api_as(user).post(f"{URL}{request.pk}/reject/", {"comment": "Nee."})

    assert response.status_code in (403, 404)  # quality sees it, agents are refused
    assert CoulanceRequest.objects.get(pk=request.pk).status == CoulanceStatus.PENDING


@pytest.fixture
def request_fixture(request: pytest.FixtureRequest) -> pytest.FixtureRequest:
    return request


def test_above_the_limit_is_403_with_the_limit_in_words(api_as, complaint, agent, manager):
    request = ask(complaint, agent, amount="300")

    response = api_as(manager).post(f"{URL}{request.pk}/approve/", {})

    assert response.status_code == 403
    assert response.json()["code"] == "above_approval_limit"
    assert "your approval limit of €250.00" in response.json()["detail"]


def test_reject_needs_a_comment_and_a_second_decision_is_409(api_as, complaint, agent, manager):
    request = ask(complaint, agent)
    client = api_as(manager)

    assert client.post(f"{URL}{request.pk}/reject/", {}).status_code == 400
    assert client.post(f"{URL}{request.pk}/reject/", {"comment": "Niet nodig."}).status_code == 200
    second = client.post(f"{URL}{request.pk}/approve/", {})

    assert second.status_code == 409
    letter = api_as(agent).get(f"{URL}{request.pk}/letter/")
    assert letter.status_code == 409
    assert "was rejected" in letter.json()["detail"]


def test_edit_preview_and_send_the_letter(api_as, complaint, agent, manager):
    letter = approved_letter(complaint, agent, manager)
    client = api_as(agent)
    url = f"/api/coulance-letters/{letter.pk}/"

    edited = client.patch(url, {"subject": "Een gebaar van ons"}, format="json")
    assert edited.status_code == 200
    assert edited.json()["subject"] == "Een gebaar van ons"
    html = client.get(f"{url}html/")
    assert html.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert "Een gebaar van ons" in html.content.decode()
    preview = client.get(f"{url}pdf/")
    assert preview.status_code == 200
    assert preview["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF-")

    sent = client.post(f"{url}send/")
    assert sent.status_code == 202, sent.json()
    assert sent.json()["status"] == "queued"
    send_coulance_letter(letter.pk)
    assert len(mail.outbox) == 1

    frozen = client.get(url).json()
    pdf = client.get(f"{url}pdf/").content
    assert frozen["status"] == "sent"
    assert frozen["sent_at"]
    assert hashlib.sha256(pdf).hexdigest() == frozen["content_hash"]
    again = client.post(f"{url}send/")
    assert again.status_code == 409
    assert client.patch(url, {"body": "Anders"}, format="json").status_code == 409


def test_a_correction_is_a_new_version_through_the_api(api_as, complaint, agent, manager):
    letter = approved_letter(complaint, agent, manager)
    client = api_as(agent)
    client.post(f"/api/coulance-letters/{letter.pk}/send/")
    send_coulance_letter(letter.pk)

    response = client.post(f"{URL}{letter.request_id}/letters/", {}, format="json")

    assert response.status_code == 201
    assert (response.json()["version"], response.json()["status"]) == (2, "draft")
    versions = client.get(f"{URL}{letter.request_id}/letters/").json()
    assert [(v["version"], v["status"]) for v in versions] == [(1, "sent"), (2, "draft")]


def test_letter_endpoints_refuse_outsiders_and_colleagues(
    api_as, complaint, agent, manager, other_agent, outsider
):
    letter = approved_letter(complaint, agent, manager)
    url = f"/api/coulance-letters/{letter.pk}/"

    assert api_as(outsider).get(f"{url}pdf/").status_code == 404
    assert api_as(outsider).get(url).status_code == 404
    assert api_as(outsider).get(f"{url}html/", HTTP_ACCEPT="application/json").status_code == 404
    refused = api_as(other_agent).post(f"{url}send/")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/json"
    assert api_as(other_agent).patch(url, {"body": "x"}, format="json").status_code == 403


def test_totals_per_complaint(api_as, complaint, agent, manager):
    for amount in ("10.25", "5"):
        request = ask(complaint, agent, amount=amount)
        coulance.coulance_request_approve(coulance_request=request, actor=manager)
    ask(complaint, agent, amount="99")  # pending: not granted

    response = api_as(agent).get(f"{URL}totals/", {"complaint": complaint.reference})

    assert response.status_code == 200
    assert response.json() == {
        "complaint": complaint.reference,
        "granted": [{"currency": "EUR", "total": "15.25"}],
    }


def test_the_schema_describes_coulance(api, db):
    import json

    schema = json.loads(api.get("/api/schema/", {"format": "json"}).content)
    paths = schema["paths"]
    assert {"200", "400", "403", "404", "409"} <= set(
        paths["/api/coulance/{id}/approve/"]["post"]["responses"]
    )
    parameters = {p["name"] for p in paths["/api/coulance/"]["get"]["parameters"]}
    assert {"status", "team", "amount_min", "amount_max"} <= parameters
    assert (
        "application/pdf"
        in paths["/api/coulance-letters/{id}/pdf/"]["get"]["responses"]["200"]["content"]
    )


# --- What the customer contributed, and the letter's essentials ------------------------------------


def test_the_request_asks_what_the_customer_contributed(api_as, complaint, agent):
    client = api_as(agent)

    given = client.post(
        URL, payload(complaint, customer_contribution="  Zelf de bundel gekozen. "), format="json"
    )
    left_out = client.post(URL, payload(complaint), format="json")

    assert given.status_code == 201, given.json()
    assert given.json()["customer_contribution"] == "Zelf de bundel gekozen."
    assert CoulanceRequest.objects.get(pk=given.json()["id"]).customer_contribution == (
        "Zelf de bundel gekozen."
    )
    assert left_out.status_code == 201
    assert left_out.json()["customer_contribution"] == ""
    listed = client.get(URL, {"complaint": complaint.reference}).json()["results"]
    assert {row["customer_contribution"] for row in listed} == {"Zelf de bundel gekozen.", ""}


def test_a_letter_without_its_essentials_is_refused_with_400_and_nothing_is_sent(
    api_as, complaint, agent, manager
):
    letter = approved_letter(complaint, agent, manager)  # Dutch: a voucher of € 25,00
    client = api_as(agent)
    url = f"/api/coulance-letters/{letter.pk}/"
    bare = "Geachte heer Evers,\n\nHierbij een gebaar van goodwill.\n"
    assert client.patch(url, {"body": bare}, format="json").status_code == 200
    before = db_snapshot()

    refused = client.post(f"{url}send/")

    assert refused.status_code == 400
    assert refused.json()["body"] == [
        "The letter no longer makes the gesture visible: it must name “waardebon” and “€ 25,00”.",
        "The letter no longer apologises: say sorry for the inconvenience, as the draft did.",
    ]
    assert db_changes(before, db_snapshot()) == {}
    assert client.get(url).json()["status"] == "draft"
    assert mail.outbox == []

    kept = bare + "Het spijt ons. U krijgt een waardebon ter waarde van € 25,00.\n"
    assert client.patch(url, {"body": kept}, format="json").status_code == 200
    sent = client.post(f"{url}send/")
    assert sent.status_code == 202, sent.json()
    send_coulance_letter(letter.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.startswith(kept)  # then the letterhead's "-- " signature
