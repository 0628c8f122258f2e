"""A message the customer writes on their complaint: an inbound interaction without an author,
in the audit trail, its owner notified in the reader's language; bad input writes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from common.errors import InvalidData
from complaints.customer_messages import customer_message_add
from complaints.models import ComplaintEvent, EventType, Interaction, Notification
from complaints.notifications import notification_text
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import CustomerFactory, make_complaint

pytestmark = pytest.mark.django_db


def test_the_customers_message_is_recorded_and_its_owner_notified(agent):
    customer = CustomerFactory(name="Jan Evers")
    complaint = make_complaint(owner=agent, customer=customer, subject="Lamp kapot")

    message = customer_message_add(
        complaint=complaint, summary="  De nieuwe lamp is ook kapot.  ", via="email"
    )

    assert (message.direction, message.kind, message.author) == ("inbound", "email", None)
    assert message.summary == "De nieuwe lamp is ook kapot."
    event = ComplaintEvent.objects.get(complaint=complaint, type=EventType.INTERACTION_ADDED)
    assert event.actor is None
    assert event.payload["interaction_id"] == message.pk
    notification = Notification.objects.get(recipient=agent, complaint=complaint)
    with translation.override("en"):
        title, text = notification_text(notification.kind, notification.payload)
    assert title == f"The customer wrote: {complaint.reference}"
    assert text == "Jan Evers wrote about “Lamp kapot” (by email): De nieuwe lamp is ook kapot."
    with translation.override("nl"):
        title, text = notification_text(notification.kind, notification.payload)
    assert title == f"De klant schreef: {complaint.reference}"
    assert "(per e-mail)" in text


def test_a_long_message_is_shortened_in_the_notification_only(agent):
    complaint = make_complaint(owner=agent)
    long = "woord " * 100
    message = customer_message_add(complaint=complaint, summary=long, via="status_page")

    payload = Notification.objects.get(complaint=complaint).payload
    assert message.summary == long.strip()
    assert payload["excerpt"].endswith("…")
    assert len(payload["excerpt"]) == 160
    assert payload["via"] == "status_page"


@pytest.mark.parametrize("summary", ["", "   ", "x" * 10_001])
def test_an_empty_or_too_long_message_writes_nothing(agent, summary):
    complaint = make_complaint(owner=agent)
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        customer_message_add(complaint=complaint, summary=summary, via="email")

    assert list(refused.value.errors) == ["summary"]
    assert db_changes(before, db_snapshot()) == {}


def test_the_page_and_the_api_name_the_customer_as_the_writer(client, api_as, agent):
    complaint = make_complaint(owner=agent, customer=CustomerFactory(name="Jan Evers"))
    customer_message_add(complaint=complaint, summary="Nog geen antwoord ontvangen.", via="email")

    client.force_login(agent)
    page = client.get(reverse("complaint-page", args=[complaint.reference])).content.decode()
    timeline_entry = page.split("Nog geen antwoord ontvangen.")[0].rsplit("<li>", 1)[1]
    assert "Jan Evers" in timeline_entry
    answer = api_as(agent).get(f"/api/complaints/{complaint.reference}/interactions/").json()
    rows = answer["results"] if isinstance(answer, dict) else answer
    assert [(row["direction"], row["author"]) for row in rows] == [("inbound", None)]
    assert Interaction.objects.filter(author__isnull=True).count() == 1
