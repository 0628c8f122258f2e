"""A customer on the web pages and in the admin: found with masked details, the privacy page
showing the searches and the changes, and the admin changing details as the API does."""

from __future__ import annotations

import pytest
from django.urls import reverse

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
from tests.web.conftest import HTMX

SEARCH = reverse("customer-search")


@pytest.fixture(autouse=True)
def emails_stay_in_the_outbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "kick_sender", lambda: None)


@pytest.fixture
def els(db: None) -> Customer:
    return CustomerFactory(
        name="Els de Boer", email="els.deboer@example.nl", phone="06 12345678", language="nl"
    )


# --- The intake form's customer search -------------------------------------------------------


def test_the_search_shows_the_name_and_masked_details_and_is_recorded(client_as, agent, els):
    content = client_as(agent).get(SEARCH, {"customer_q": "boer"}, **HTMX).content.decode()

    assert "Els de Boer" in content
    assert "e…@example.nl" in content
    assert "06 …… 78" in content
    assert "els.deboer@" not in content
    assert "12345678" not in content
    access = DataAccess.objects.get()
    assert (access.kind, access.via, access.user, access.customer, access.detail) == (
        AccessKind.CUSTOMER_SEARCHED,
        "web",
        agent,
        els,
        "boer",
    )


@pytest.mark.parametrize(
    ("language", "message"), [("en", "Type at least 3"), ("nl", "Typ ten minste 3")]
)
def test_fewer_than_three_characters_find_nobody_and_say_so(
    client_as, agent, els, language, message
):
    content = client_as(agent, language).get(SEARCH, {"customer_q": "bo"}, **HTMX).content.decode()

    assert "Els de Boer" not in content
    assert message in content
    assert not DataAccess.objects.exists()


def test_a_picked_customer_still_logs_a_complaint(client_as, agent, els):
    response = client_as(agent).post(
        reverse("complaint-new"),
        {
            "customer": els.pk,
            "customer_q": "boer",
            "channel": "phone",
            "priority": "normal",
            "subject": "Factuur klopt niet",
            "facts": "Twee keer gefactureerd.",
            "customer_language": "nl",
        },
    )
    assert response.status_code == 302
    assert Complaint.objects.get().customer == els


# --- The privacy page ----------------------------------------------------------------------------


def test_the_privacy_page_shows_the_searches_and_the_changes(
    client_as, api_as, agent, quality, els
):
    make_complaint(owner=agent, customer=els)
    api = api_as(agent)
    api.get("/api/customers/", {"search": "de boer"})
    api.patch(
        f"/api/customers/{els.pk}/",
        {"phone": "06 87654321", "reason": "Nieuw nummer, zegt mevrouw"},
        format="json",
    )

    page = client_as(quality).get(reverse("customer-privacy", args=[els.pk])).content.decode()

    accesses = page.split('data-testid="privacy-accesses"')[1]
    assert "Found in a search" in accesses
    assert "“de boer”" in accesses
    assert "Customer&#x27;s details changed" in accesses
    changes = page.split('data-testid="privacy-changes"')[1].split("</table>")[0]
    assert "phone: 06 12345678 → 06 87654321" in changes
    assert "Nieuw nummer, zegt mevrouw" in changes
    assert str(agent) in changes


def test_the_privacy_page_is_in_dutch_too(client_as, api_as, agent, quality, els):
    api_as(agent).get("/api/customers/", {"search": "de boer"})
    page = client_as(quality, "nl").get(reverse("customer-privacy", args=[els.pk])).content.decode()
    assert "Gevonden bij zoeken" in page
    assert "Wijzigingen van de gegevens" in page


def test_the_privacy_page_of_an_unknown_customer_is_404(client_as, quality):
    assert client_as(quality).get(reverse("customer-privacy", args=[999999])).status_code == 404


# --- The admin --------------------------------------------------------------------------------------


def _admin_change(client, customer: Customer, **changes: str):
    data = {
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "customer_number": customer.customer_number,
        "language": customer.language,
        "reason": "",
        **changes,
    }
    return client.post(reverse("admin:complaints_customer_change", args=[customer.pk]), data)


def test_the_admin_asks_why_an_email_address_changes_and_changes_nothing_without(
    client, admin_user, agent, els
):
    make_complaint(owner=agent, customer=els)
    client.force_login(admin_user)
    before = db_snapshot()

    response = _admin_change(client, els, email="els@elders.example")

    assert response.status_code == 200  # the form again, with the message at the field
    # In the administrator's language (Dutch by default).
    assert "Zeg waarom het e-mailadres of telefoonnummer verandert" in response.content.decode()
    assert db_changes(before, db_snapshot()) == {}


def test_an_admin_change_is_audited_recorded_and_confirmed(client, admin_user, agent, els):
    complaint = make_complaint(owner=agent, customer=els)
    client.force_login(admin_user)

    response = _admin_change(
        client, els, email="els@elders.example", reason="Brief van mevrouw van 3 december"
    )

    assert response.status_code == 302
    els.refresh_from_db()
    assert els.email == "els@elders.example"
    event = ComplaintEvent.objects.get(type=EventType.CUSTOMER_CHANGED)
    assert (event.complaint_id, event.actor) == (complaint.pk, admin_user)
    assert event.payload == {
        "changes": {"email": ["els.deboer@example.nl", "els@elders.example"]},
        "reason": "Brief van mevrouw van 3 december",
    }
    assert DataAccess.objects.filter(kind=AccessKind.CUSTOMER_CHANGED, user=admin_user).exists()
    assert sorted(
        OutgoingEmail.objects.filter(template__startswith="customer_email_changed").values_list(
            "to", flat=True
        )
    ) == ["els.deboer@example.nl", "els@elders.example"]


def test_the_admin_list_masks_contact_details_and_opening_one_is_recorded(client, admin_user, els):
    client.force_login(admin_user)

    listing = client.get(reverse("admin:complaints_customer_changelist")).content.decode()
    assert "Els de Boer" in listing
    assert "e…@example.nl" in listing
    assert "els.deboer@" not in listing

    opened = client.get(reverse("admin:complaints_customer_change", args=[els.pk]))
    assert opened.status_code == 200
    assert DataAccess.objects.filter(
        kind=AccessKind.CUSTOMER_VIEWED, user=admin_user, customer=els
    ).exists()


def test_the_admin_offers_no_deleting_of_a_customer(client, admin_user, els):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:complaints_customer_delete", args=[els.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Customer.objects.filter(pk=els.pk).exists()


def test_the_complaint_pages_audit_trail_shows_the_change(client_as, api_as, agent, els):
    complaint = make_complaint(owner=agent, customer=els)
    api_as(agent).patch(
        f"/api/customers/{els.pk}/",
        {"phone": "06 87654321", "reason": "Nieuw nummer"},
        format="json",
    )

    page = client_as(agent).get(reverse("complaint-page", args=[complaint.reference]))

    content = page.content.decode()
    assert "Customer&#x27;s details changed" in content
    assert "phone: 06 12345678 → 06 87654321 (Nieuw nummer)" in content


def test_the_admin_registers_a_customer_through_the_service(client, admin_user):
    client.force_login(admin_user)
    data = {"name": "Ria Kok", "email": "", "phone": "", "customer_number": "", "language": "nl"}

    refused = client.post(reverse("admin:complaints_customer_add"), data)
    assert refused.status_code == 200  # unreachable: the form says so, nothing is written
    assert not Customer.objects.exists()

    added = client.post(reverse("admin:complaints_customer_add"), {**data, "phone": "06 11223344"})
    assert added.status_code == 302
    assert Customer.objects.get().phone == "06 11223344"
