"""Logging a new complaint: one form for customer and complaint, saved through the services."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from complaints.models import Complaint, ComplaintEvent, Customer
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import CustomerFactory
from tests.web.conftest import HTMX, field_html

URL = reverse("complaint-new")


def complaint_fields(**overrides: Any) -> dict[str, Any]:
    data = {
        "channel": "phone",
        "priority": "high",
        "subject": "Drie jaar betaald voor internet",
        "facts": "Klant betaalt al drie jaar voor mobiel internet dat hij nooit gebruikte.",
        "emotion_at_intake": "angry",
        "emotion_intensity": "4",
        "category": "Mobiel abonnement",
        "customer_language": "nl",
    }
    data.update(overrides)
    return data


def test_login_is_required(client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))
    assert client.post(URL, complaint_fields())["Location"].startswith(reverse("login"))


def test_form_renders_keyboard_first_in_both_languages(client_as, agent):
    english = client_as(agent).get(URL).content.decode()
    assert 'id="new-complaint"' in english
    assert "autofocus" in english.split('id="customer-q"')[1].split(">")[0]
    for field in ("customer_name", "subject", "facts", "emotion_at_intake", "channel"):
        assert f'for="id_{field}"' in english  # every input has its label
    dutch = client_as(agent, language="nl").get(URL).content.decode()
    assert "Nieuwe klacht" in dutch
    assert "Klacht opslaan" in dutch


def test_new_customer_and_complaint_are_saved_and_the_complaint_opens(client_as, agent):
    response = client_as(agent).post(
        URL,
        complaint_fields(customer_name="Ronald Kuipers", customer_email="ronald@example.nl"),
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaint-page", args=[complaint.reference])
    assert complaint.customer.name == "Ronald Kuipers"
    assert complaint.customer.email == "ronald@example.nl"
    assert complaint.owner == agent  # whoever receives it owns it
    assert (complaint.priority, complaint.emotion_at_intake, complaint.emotion_intensity) == (
        "high",
        "angry",
        4,
    )
    assert ComplaintEvent.objects.filter(complaint=complaint, type="complaint_received").exists()
    page = client_as(agent).get(response["Location"]).content.decode()
    assert complaint.reference in page
    assert "Ronald Kuipers" in page


def test_an_existing_customer_can_be_picked(client_as, agent):
    customer = CustomerFactory(name="Els de Boer")
    before = Customer.objects.count()
    response = client_as(agent).post(URL, complaint_fields(customer=customer.pk))
    assert response.status_code == 302
    assert Complaint.objects.get().customer == customer
    assert Customer.objects.count() == before  # no new customer


def test_customer_search_lists_matches_for_htmx(client_as, agent):
    CustomerFactory(name="Els de Boer", customer_number="C-778")
    CustomerFactory(name="Piet Pietersen")
    client = client_as(agent)
    response = client.get(reverse("customer-search"), {"customer_q": "boer"}, **HTMX)
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="customer-results"')
    assert "Els de Boer" in content
    assert "Piet Pietersen" not in content
    assert 'form="new-complaint"' in content  # the picked radio belongs to the main form
    by_number = client.get(reverse("customer-search"), {"customer_q": "C-778"}).content.decode()
    assert "Els de Boer" in by_number


def test_customer_search_works_without_javascript(client_as, agent):
    CustomerFactory(name="Els de Boer")
    page = client_as(agent).get(URL, {"customer_q": "Els"}).content.decode()
    assert 'id="new-complaint"' in page
    assert "Els de Boer" in page.split('data-testid="customer-results"')[1]


def test_missing_fields_are_explained_next_to_them_and_nothing_is_written(client_as, agent):
    before = db_snapshot()
    response = client_as(agent).post(
        URL, complaint_fields(subject="", facts="", customer_name="Ronald Kuipers")
    )
    assert response.status_code == 200
    content = response.content.decode()
    for field in ("id_subject", "id_facts"):
        group = field_html(content, field)
        assert "This field is required." in group
        assert 'aria-invalid="true"' in group
    assert db_changes(before, db_snapshot()) == {}


def test_a_refused_complaint_leaves_no_new_customer_behind(client_as, agent):
    """The customer is valid, the complaint is not (the service says so): both roll back."""
    before = db_snapshot()
    response = client_as(agent).post(
        URL,
        complaint_fields(
            customer_name="Ronald Kuipers",
            customer_phone="+31 6 1234 5678",
            emotion_at_intake="",  # an intensity without an emotion: the service refuses
            emotion_intensity="3",
        ),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Say which emotion has this intensity." in content
    assert db_changes(before, db_snapshot()) == {}


def test_a_new_customer_needs_a_way_to_reach_them(client_as, agent):
    before = db_snapshot()
    response = client_as(agent).post(URL, complaint_fields(customer_name="Ronald Kuipers"))
    content = response.content.decode()
    assert "Give an email address or a phone number to reach the customer." in field_html(
        content, "id_customer_email"
    )
    assert db_changes(before, db_snapshot()) == {}


def test_dutch_field_errors(client_as, agent):
    response = client_as(agent, language="nl").post(URL, complaint_fields(subject=""))
    assert "Dit veld is verplicht." in response.content.decode()


def test_a_quality_officer_may_not_log_complaints(client_as, quality):
    before = db_snapshot()
    response = client_as(quality).post(URL, complaint_fields(customer_name="X", customer_phone="1"))
    assert response.status_code == 403
    assert db_changes(before, db_snapshot()) == {}
