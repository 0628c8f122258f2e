"""A customer's details over the API: found by anyone who logs complaints (a short, masked list),
read and changed only where one of their complaints is visible, every change audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from complaints.models import (
    AccessKind,
    Complaint,
    ComplaintEvent,
    Customer,
    DataAccess,
    EventType,
    OutgoingEmail,
)
from complaints.scheduling import outbox
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import CustomerFactory, make_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def emails_stay_in_the_outbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """The after-commit kick would ask a worker; the tests send the outbox themselves."""
    monkeypatch.setattr(outbox, "kick_sender", lambda: None)


@pytest.fixture
def pieter(agent: User) -> Customer:
    """A customer with a complaint owned by ``agent`` (so visible to the agent's team)."""
    customer = CustomerFactory(
        name="Pieter Jansen",
        email="pieter.jansen@example.nl",
        phone="06 12345678",
        customer_number="C-2001",
        language="en",
    )
    make_complaint(owner=agent, customer=customer)
    return customer


def url(customer: Customer | int) -> str:
    pk = customer if isinstance(customer, int) else customer.pk
    return f"/api/customers/{pk}/"


def errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content[:300]
    body: dict[str, list[str]] = response.json()
    return body


# --- Who may read a customer's details -----------------------------------------------------------


def test_the_owner_and_their_team_read_the_customer_and_each_read_is_recorded(
    api_as, agent, other_agent, manager, pieter
):
    for user in (agent, other_agent, manager):
        response = api_as(user).get(url(pieter))
        assert response.status_code == 200, user
        assert response.json()["email"] == "pieter.jansen@example.nl"

    reads = DataAccess.objects.filter(customer=pieter, kind=AccessKind.CUSTOMER_VIEWED)
    assert sorted(reads.values_list("user_id", flat=True)) == sorted(
        [agent.pk, other_agent.pk, manager.pk]
    )


def test_another_teams_agent_gets_404_for_reading_and_changing(api_as, outsider, pieter):
    api = api_as(outsider)
    before = db_snapshot()

    read = api.get(url(pieter))
    changed = api.patch(url(pieter), {"name": "Gekaapt"}, format="json")

    assert (read.status_code, changed.status_code) == (404, 404)
    # Just as for a customer that does not exist: nothing tells that this one does.
    unknown = api.get(url(999999))
    assert read.json() == unknown.json()
    assert db_changes(before, db_snapshot()) == {}  # no change, no access recorded


def test_a_customer_without_any_complaint_is_404_for_an_agent(api_as, agent):
    customer = CustomerFactory()
    assert api_as(agent).get(url(customer)).status_code == 404
    assert api_as(agent).patch(url(customer), {"name": "X"}, format="json").status_code == 404
    customer.refresh_from_db()
    assert customer.name != "X"


def test_once_the_complaint_moves_to_another_team_its_customer_is_out_of_sight(
    api_as, agent, outsider, pieter
):
    from complaints import services

    complaint = Complaint.objects.get(customer=pieter)
    services.complaint_transfer(
        complaint=complaint, actor=agent, to_user=outsider, reason="Hoort bij team Zuid"
    )

    assert api_as(agent).get(url(pieter)).status_code == 404
    assert api_as(outsider).get(url(pieter)).status_code == 200


def test_quality_reads_every_customer_but_changes_none(api_as, quality, pieter):
    lonely = CustomerFactory()  # no complaint at all: Quality sees everything
    api = api_as(quality)

    assert api.get(url(pieter)).status_code == 200
    assert api.get(url(lonely)).status_code == 200
    refused = api.patch(url(pieter), {"name": "Gewijzigd"}, format="json")
    assert refused.status_code == 403
    pieter.refresh_from_db()
    assert pieter.name == "Pieter Jansen"


def test_an_administrator_changes_any_customer(api_as, admin_user):
    customer = CustomerFactory(name="Kees Bakker")
    response = api_as(admin_user).patch(
        url(customer), {"name": "Kees Bakker-de Wit"}, format="json"
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.name == "Kees Bakker-de Wit"


# --- Finding a customer ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", [{}, {"search": ""}, {"search": "ja"}, {"search": "  ja  "}])
def test_finding_needs_a_term_of_three_characters(api_as, agent, pieter, query):
    response = api_as(agent).get("/api/customers/", query, HTTP_ACCEPT_LANGUAGE="en")

    messages = errors(response)["search"]
    assert messages
    assert all(isinstance(m, str) and m for m in messages)
    assert not DataAccess.objects.filter(kind=AccessKind.CUSTOMER_SEARCHED).exists()


def test_the_whole_directory_cannot_be_paged_through(api_as, agent):
    for _ in range(3):
        CustomerFactory()
    response = api_as(agent).get("/api/customers/", {"page_size": 200})
    assert "search" in errors(response)


def test_a_search_shows_the_name_and_masked_contact_details_only(api_as, outsider, pieter):
    # Another team's agent may find the customer to log a complaint (not read them).
    response = api_as(outsider).get("/api/customers/", {"search": "jansen"})

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "id": pieter.pk,
                "name": "Pieter Jansen",
                "email": "p…@example.nl",
                "phone": "06 …… 78",
            }
        ],
        "more": False,
    }
    assert b"pieter.jansen@" not in response.content
    assert b"12345678" not in response.content
    assert b"C-2001" not in response.content


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("jans", {"Pieter Jansen", "Marloes Janssen"}),
        ("Janssen", {"Marloes Janssen"}),
        ("bakkerij", {"Kees Bakker"}),
        ("C-2001", {"Pieter Jansen"}),  # customer numbers match exactly, not C-20010 too
        ("5678", {"Pieter Jansen"}),  # a part of the phone number
        ("onbekend", set()),
    ],
)
def test_search_finds_by_name_email_phone_or_number(api_as, agent, pieter, search, expected):
    CustomerFactory(
        name="Marloes Janssen", email="marloes@example.nl", phone="", customer_number="C-2002"
    )
    CustomerFactory(
        name="Kees Bakker", email="kees@bakkerij.nl", phone="", customer_number="C-20010"
    )

    response = api_as(agent).get("/api/customers/", {"search": search})

    assert response.status_code == 200
    assert {c["name"] for c in response.json()["results"]} == expected


def test_a_search_lists_at_most_ten_and_says_there_are_more(api_as, agent):
    for n in range(12):
        CustomerFactory(name=f"Klant Veenstra {n:02d}")

    body = api_as(agent).get("/api/customers/", {"search": "veenstra"}).json()

    assert [c["name"] for c in body["results"]] == [f"Klant Veenstra {n:02d}" for n in range(10)]
    assert body["more"] is True


def test_each_customer_shown_by_a_search_records_the_term_who_and_when(api_as, agent, pieter):
    other = CustomerFactory(name="Petra Jansma")
    CustomerFactory(name="Niet Gevonden")
    before = timezone.now()

    api_as(agent).get("/api/customers/", {"search": " Jans "})

    rows = DataAccess.objects.filter(kind=AccessKind.CUSTOMER_SEARCHED)
    assert sorted(rows.values_list("customer_id", "user_id", "detail", "via")) == sorted(
        [(pieter.pk, agent.pk, "Jans", "api"), (other.pk, agent.pk, "Jans", "api")]
    )
    assert all(row.at >= before for row in rows)


# --- Changing a customer's details -------------------------------------------------------------------


def test_a_change_is_an_event_on_each_complaint_and_an_access_record(
    api_as, agent, outsider, pieter
):
    elsewhere = make_complaint(owner=outsider, customer=pieter)  # not visible to the agent

    response = api_as(agent).patch(
        url(pieter),
        {"name": "Pieter Jansen-Smit", "language": "nl"},
        format="json",
    )

    assert response.status_code == 200
    assert "reason" not in response.json()
    events = ComplaintEvent.objects.filter(type=EventType.CUSTOMER_CHANGED)
    assert sorted(events.values_list("complaint_id", flat=True)) == sorted(
        Complaint.objects.filter(customer=pieter).values_list("pk", flat=True)
    )
    assert elsewhere.pk in events.values_list("complaint_id", flat=True)
    for event in events:
        assert event.actor == agent
        assert event.payload == {
            "changes": {"name": ["Pieter Jansen", "Pieter Jansen-Smit"], "language": ["en", "nl"]},
            "reason": "",
        }
    access = DataAccess.objects.get(kind=AccessKind.CUSTOMER_CHANGED)
    assert (access.user, access.customer, access.detail) == (agent, pieter, "name,language")
    assert not OutgoingEmail.objects.filter(template__startswith="customer_email_changed").exists()


def test_the_timeline_shows_who_changed_what_and_why(api_as, agent, pieter):
    api = api_as(agent)
    api.patch(
        url(pieter),
        {"phone": "06 87654321", "reason": "Klant belde met een nieuw nummer"},
        format="json",
    )
    complaint = Complaint.objects.get(customer=pieter)

    timeline = api.get(f"/api/complaints/{complaint.reference}/timeline/").json()

    change = [e for e in timeline if e["type"] == EventType.CUSTOMER_CHANGED][-1]
    assert change["payload"] == {
        "changes": {"phone": ["06 12345678", "06 87654321"]},
        "reason": "Klant belde met een nieuw nummer",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"email": "pieter@jansen.example"},
        {"phone": "06 87654321"},
        {"email": "pieter@jansen.example", "reason": "   "},
        {"phone": "", "name": "P. Jansen"},
    ],
)
def test_a_new_email_or_phone_without_a_reason_is_refused_and_changes_nothing(
    api_as, agent, pieter, body
):
    before = db_snapshot()

    response = api_as(agent).patch(url(pieter), body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert list(errors(response)) == ["reason"]
    assert response.json()["reason"][0].startswith("Say why the email address or phone number")
    assert db_changes(before, db_snapshot()) == {}


def test_the_reason_is_asked_in_dutch_too(api_as, agent, pieter):
    response = api_as(agent).patch(
        url(pieter), {"phone": "06 87654321"}, format="json", HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert errors(response)["reason"][0].startswith("Zeg waarom")


def test_giving_the_same_email_again_needs_no_reason_and_is_recorded_as_a_view(
    api_as, agent, pieter
):
    response = api_as(agent).patch(
        url(pieter), {"email": "pieter.jansen@example.nl"}, format="json"
    )

    assert response.status_code == 200
    assert not ComplaintEvent.objects.filter(type=EventType.CUSTOMER_CHANGED).exists()
    kinds = list(DataAccess.objects.filter(customer=pieter).values_list("kind", flat=True))
    assert kinds == [AccessKind.CUSTOMER_VIEWED]


def test_a_changed_email_address_is_confirmed_to_the_old_and_the_new_address(api_as, agent, pieter):
    response = api_as(agent).patch(
        url(pieter),
        {"email": "p.jansen@elders.example", "reason": "Klant vroeg erom aan de telefoon"},
        format="json",
    )
    assert response.status_code == 200

    queued = OutgoingEmail.objects.filter(template__startswith="customer_email_changed")
    assert sorted(queued.values_list("to", "template", "language")) == [
        ("p.jansen@elders.example", "customer_email_changed_new", "en"),
        ("pieter.jansen@example.nl", "customer_email_changed_old", "en"),
    ]
    assert set(queued.values_list("complaint_id", flat=True)) == {
        Complaint.objects.get(customer=pieter).pk
    }
    outbox.send_pending()  # with the complaint's acknowledgement, queued when it was logged
    confirmations = [
        m for m in mail.outbox if "acknowledgement" not in m.extra_headers["Message-ID"]
    ]
    assert len(confirmations) == 2
    sent = {message.to[0]: message for message in confirmations}
    old, new = sent["pieter.jansen@example.nl"], sent["p.jansen@elders.example"]
    assert old.subject == "Your email address with us has been changed"
    assert "p…@elders.example" in old.body  # the new address, masked
    assert "p.jansen@elders.example" not in old.body
    assert new.subject == "We will reach you at this email address from now on"
    assert "Dear Pieter Jansen" in new.body
    assert "If you did not ask for this" in new.body


def test_the_confirmations_go_in_the_customers_language(api_as, agent):
    customer = CustomerFactory(name="Joke de Vries", email="joke@example.nl", language="nl")
    make_complaint(owner=agent, customer=customer)

    api_as(agent).patch(
        url(customer), {"email": "joke@devries.example", "reason": "Nieuw adres"}, format="json"
    )

    outbox.send_pending()
    subjects = {
        message.to[0]: message.subject
        for message in mail.outbox
        if "acknowledgement" not in message.extra_headers["Message-ID"]
    }
    assert subjects == {
        "joke@example.nl": "Uw e-mailadres bij ons is gewijzigd",
        "joke@devries.example": "Wij bereiken u voortaan op dit e-mailadres",
    }


def test_a_first_email_address_is_confirmed_to_that_address_only(api_as, agent):
    customer = CustomerFactory(name="Kees Bakker", email="", phone="06 11112222", language="en")
    make_complaint(owner=agent, customer=customer)

    response = api_as(agent).patch(
        url(customer),
        {"email": "kees@bakker.example", "reason": "Wil post per e-mail"},
        format="json",
    )

    assert response.status_code == 200
    queued = OutgoingEmail.objects.filter(template__startswith="customer_email_changed")
    assert list(queued.values_list("to", flat=True)) == ["kees@bakker.example"]


def test_a_change_refused_for_bad_data_writes_nothing(api_as, agent, pieter):
    before = db_snapshot()
    response = api_as(agent).patch(
        url(pieter), {"email": "geen-adres", "reason": "Klant vroeg erom"}, format="json"
    )
    assert "email" in errors(response)
    assert db_changes(before, db_snapshot()) == {}


# --- The schema --------------------------------------------------------------------------------------


@pytest.fixture
def schema(api) -> dict[str, Any]:
    import json

    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return dict(json.loads(response.content))


def test_the_schema_describes_the_search_and_the_reason(schema):
    listing = schema["paths"]["/api/customers/"]["get"]
    search = next(p for p in listing["parameters"] if p["name"] == "search")
    assert search["required"] is True
    assert search["schema"]["minLength"] == 3
    assert "page_size" not in {p["name"] for p in listing["parameters"]}
    assert {"200", "400"} <= set(listing["responses"])
    components = schema["components"]["schemas"]
    assert set(components["CustomerMatch"]["properties"]) == {"id", "name", "email", "phone"}
    assert set(components["CustomerMatches"]["properties"]) == {"results", "more"}

    change = schema["paths"]["/api/customers/{id}/"]["patch"]
    body = change["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "reason" in components[body.rsplit("/", 1)[1]]["properties"]
    assert {"400", "403", "404", "409"} <= set(change["responses"])
    assert "404" in schema["paths"]["/api/customers/{id}/"]["get"]["responses"]
