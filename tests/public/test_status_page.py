"""The customer's status page: the stage in plain words, the promised moment, the messages
between them and us (never an internal note), a message added; every dead link the same 404."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from complaints import privacy, services
from complaints.models import Attachment, Interaction, Notification, StatusLink
from complaints.states import Stage
from complaints.status_links import status_path, status_token
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import CustomerFactory, advance, make_complaint
from tests.public.conftest import form_data

pytestmark = pytest.mark.django_db

PNG = (  # a 1×1 picture
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def _complaint(agent, language="en", **kwargs):
    customer = CustomerFactory(language=language, email="klant@example.com")
    complaint = make_complaint(owner=agent, customer=customer, **kwargs)
    return complaint, status_path(complaint.status_link.public_id, language)


def test_every_complaint_with_an_email_address_gets_one_link(agent) -> None:
    complaint, _path = _complaint(agent, channel="email")
    assert StatusLink.objects.filter(complaint=complaint).count() == 1
    no_email = make_complaint(owner=agent, customer=CustomerFactory(email="", phone="0612345678"))
    assert not StatusLink.objects.filter(complaint=no_email).exists()


@pytest.mark.parametrize(
    ("stage", "words"),
    [
        (Stage.RECEIVED, "We received your complaint"),
        (Stage.UNDERSTOOD, "We are working on it"),
        (Stage.SOLVING, "We are working on it"),
        (Stage.RESOLVED, "Resolved — we will check in with you in a month"),
        (Stage.CLOSED, "Closed"),
    ],
)
def test_the_stage_is_said_in_plain_words(client: Client, agent, stage, words) -> None:
    complaint, path = _complaint(agent)
    advance(complaint, to=stage)
    body = client.get(path).content.decode()
    assert f'<p class="stage">{words}</p>' in body
    assert f'aria-current="step">{words}</li>' in body
    assert stage.label not in re.findall(r'<p class="stage">(.*?)</p>', body)


def test_the_stage_in_dutch_on_the_dutch_address(client: Client, agent) -> None:
    complaint, _ = _complaint(agent, language="nl")
    body = client.get(status_path(complaint.status_link.public_id, "nl")).content.decode()
    assert '<html lang="nl">' in body
    assert "We hebben uw klacht ontvangen" in body


def test_the_promised_moment_is_shown(client: Client, agent) -> None:
    complaint, path = _complaint(agent)
    body = client.get(path).content.decode()
    hear_by = timezone.localtime(complaint.acknowledge_due_at)
    assert f"You will hear from us no later than {hear_by:%-d %B %Y %H:%M}." in body

    complaint = advance(complaint, to=Stage.SOLVING)  # the solve step promises a callback
    promise = complaint.promises.get()
    body = client.get(path).content.decode()
    due = timezone.localtime(promise.due_at)
    assert f"We will contact you by phone on {due:%-d %B %Y %H:%M}." in body


def test_the_customers_message_is_added_and_its_owner_notified(client: Client, agent) -> None:
    complaint, path = _complaint(agent)
    response = client.post(path, {"summary": "Er is nog steeds niemand geweest.", "website": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{path}?sent=1"
    message = Interaction.objects.get(complaint=complaint)
    assert (message.direction, message.author, message.summary) == (
        "inbound",
        None,
        "Er is nog steeds niemand geweest.",
    )
    notification = Notification.objects.get(recipient=agent, complaint=complaint)
    assert notification.payload["via"] == "status_page"
    body = client.get(response["Location"]).content.decode()
    assert "Thank you, we have received your message." in body
    assert "Er is nog steeds niemand geweest." in body


def test_an_empty_message_is_refused_in_words_and_writes_nothing(client: Client, agent) -> None:
    _, path = _complaint(agent)
    before = db_snapshot()
    response = client.post(path, {"summary": "  ", "website": ""})
    assert response.status_code == 400
    assert "Write your message, or choose a file to send." in response.content.decode()
    assert db_changes(before, db_snapshot()) == {}


def test_a_robot_on_the_status_page_is_refused(client: Client, agent) -> None:
    _, path = _complaint(agent)
    before = db_snapshot()
    response = client.post(path, {"summary": "Buy now", "website": "spam"})
    assert response.status_code == 400
    assert db_changes(before, db_snapshot()) == {}


def test_internal_notes_and_our_own_call_notes_are_never_shown(client: Client, agent) -> None:
    complaint, path = _complaint(agent)
    services.interaction_add(
        complaint=complaint, actor=agent, kind="note", summary="INTERNAL: lastige klant"
    )
    services.interaction_add(
        complaint=complaint,
        actor=agent,
        kind="call",
        direction="outbound",
        summary="CALLNOTE: klant gebeld, geen gehoor",
    )
    services.interaction_add(
        complaint=complaint,
        actor=agent,
        kind="email",
        direction="outbound",
        summary="Beste klant, de monteur komt morgen.",
    )
    body = client.get(path).content.decode()
    assert "INTERNAL" not in body
    assert "CALLNOTE" not in body
    assert "Beste klant, de monteur komt morgen." in body
    assert "We wrote" in body


def test_every_dead_link_is_the_same_404_that_names_nothing(client: Client, agent) -> None:
    complaint, path = _complaint(agent)
    revoked_at = timezone.now()
    StatusLink.objects.filter(complaint=complaint).update(revoked_at=revoked_at)
    pages = [
        client.get(path),  # revoked
        client.get("/complaint/status/not-a-token/"),  # forged
        client.get(f"/complaint/status/{status_token('never-issued')}/"),  # signed, unknown
    ]
    bodies = {page.content.decode() for page in pages}
    assert [page.status_code for page in pages] == [404, 404, 404]
    assert len(bodies) == 1
    body = bodies.pop()
    assert complaint.reference not in body
    assert "KL-" not in body
    assert complaint.customer.name not in body
    assert pages[0]["X-Robots-Tag"] == "noindex, nofollow"


def test_erasing_the_customer_kills_the_link(client: Client, agent, quality) -> None:
    complaint, path = _complaint(agent)
    complaint = advance(complaint, to=Stage.CLOSED)  # only a finished complaint's data is erased
    assert client.get(path).status_code == 200
    privacy.customer_erase(customer=complaint.customer, actor=quality, reason="Verzoek", via="api")
    response = client.get(path)
    assert response.status_code == 404
    assert complaint.reference not in response.content.decode()
    assert client.post(path, {"summary": "Hallo", "website": ""}).status_code == 404
    assert StatusLink.objects.get(complaint=complaint).revoked_at is not None


def test_the_page_is_never_cached_and_passes_no_link_on(client: Client, agent) -> None:
    _, path = _complaint(agent)
    response = client.get(path)
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_the_status_page_reads_a_bounded_number_of_queries(
    client: Client, agent, django_assert_max_num_queries
) -> None:
    complaint, path = _complaint(agent)
    advance(complaint, to=Stage.SOLVING)
    for n in range(3):
        services.interaction_add(
            complaint=complaint, actor=agent, kind="email", direction="outbound", summary=f"m{n}"
        )
    with django_assert_max_num_queries(8) as few:
        client.get(path)
    for n in range(30):
        services.interaction_add(
            complaint=complaint, actor=agent, kind="email", direction="outbound", summary=f"x{n}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "x29" in client.get(path).content.decode()


def test_a_form_complaint_links_to_its_page_in_the_language_used(client: Client, agent) -> None:
    response = client.post("/klacht/", form_data())
    assert re.fullmatch(r"/klacht/status/[^/]+/\?new=1", response["Location"])
    other = client.get(response["Location"]).content.decode()
    assert "Dank u wel, we hebben uw klacht ontvangen" in other


def test_a_file_sent_from_the_status_page_is_stored_with_the_customers_message(
    client: Client, agent
) -> None:
    complaint, path = _complaint(agent)
    upload = SimpleUploadedFile("foto.png", PNG, content_type="image/png")
    response = client.post(path, {"summary": "", "website": "", "attachments": [upload]})
    assert response.status_code == 302
    attachment = Attachment.objects.get(complaint=complaint)
    assert (attachment.name, attachment.source, attachment.content_type) == (
        "foto.png",
        "status_page",
        "image/png",
    )
    assert attachment.interaction == Interaction.objects.get(complaint=complaint)


def test_a_file_of_a_kind_not_accepted_is_refused_on_the_status_page(client: Client, agent) -> None:
    _, path = _complaint(agent)
    before = db_snapshot()
    upload = SimpleUploadedFile("factuur.pdf", b"MZ\x90\x00" + b"\x00" * 60)
    response = client.post(path, {"summary": "Zie bijlage", "website": "", "attachments": [upload]})
    assert response.status_code == 400
    assert "factuur.pdf" in response.content.decode()
    assert "Zie bijlage" in response.content.decode()
    assert db_changes(before, db_snapshot()) == {}
