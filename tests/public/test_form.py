"""The public complaint form: a complaint logged in the customer's language, bad input kept
and nothing written, robots, floods and forged posts refused."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints import intake
from complaints.models import Attachment, Complaint, Customer, OutgoingEmail
from complaints.states import Stage
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import CustomerFactory, make_complaint
from tests.public.conftest import form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
STATUS_LINK = re.compile(r"http://[^/\s]+(/(?:klacht|complaint)/status/[^/\s]+/)")


@pytest.mark.parametrize(
    ("path", "language", "heading", "thanks"),
    [
        ("/klacht/", "nl", "Een klacht indienen", "Dank u wel, we hebben uw klacht ontvangen"),
        ("/complaint/", "en", "Make a complaint", "Thank you, we received your complaint"),
    ],
)
def test_a_customer_files_a_complaint_and_gets_their_status_link(
    client: Client, agent, other_agent, path, language, heading, thanks
) -> None:
    make_complaint(owner=agent)  # anna has one open complaint, bram none: bram receives it
    page = client.get(path)
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.content.decode()
    assert heading in page.content.decode()

    response = client.post(path, form_data())

    complaint = Complaint.objects.get(channel="web_form")
    assert complaint.owner == other_agent
    assert complaint.stage == Stage.RECEIVED
    assert complaint.customer.email == "jan.evers@example.com"
    assert complaint.customer.language == language
    assert complaint.subject == "De monteur kwam niet opdagen, twee keer op rij."
    assert "Een nieuwe afspraak en een excuus." in complaint.facts
    assert response.status_code == 302
    assert response["Location"].startswith(f"{path}status/")
    done = client.get(response["Location"])
    assert thanks in done.content.decode()
    assert complaint.reference in done.content.decode()

    email = OutgoingEmail.objects.get(key=f"acknowledgement:{complaint.pk}")
    assert email.to == "jan.evers@example.com"
    link = STATUS_LINK.search(email.body_text)
    assert link is not None
    assert link.group(1) == response["Location"].split("?")[0]
    assert link.group(1) in email.body_html
    assert client.get(link.group(1)).status_code == 200


def test_a_known_address_files_under_the_same_customer(client: Client, agent) -> None:
    known = CustomerFactory(email="Jan.Evers@example.com", language="nl")
    client.post("/complaint/", form_data())
    complaint = Complaint.objects.get(channel="web_form")
    assert complaint.customer == known
    assert Customer.objects.count() == 1
    known.refresh_from_db()
    assert known.language == "en"  # the language they wrote in now


def test_the_team_setting_chooses_who_receives_it(client: Client, agent, outsider, settings):
    settings.PUBLIC_FORM_TEAM = "Klantenservice Zuid"
    client.post("/klacht/", form_data())
    assert Complaint.objects.get(channel="web_form").owner == outsider


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Vertel ons uw naam."),
        ("email", "", "Vertel ons uw e-mailadres, zodat we u kunnen antwoorden."),
        ("email", "jan@", "Dit lijkt geen e-mailadres, bijvoorbeeld naam@example.com."),
        ("what_happened", "   ", "Vertel ons wat er is gebeurd."),
        ("what_happened", "x" * (intake.WHAT_HAPPENED_MAX + 1), None),
    ],
)
def test_bad_input_is_said_next_to_the_field_keeps_the_rest_and_writes_nothing(
    client: Client, agent, field, value, message
) -> None:
    before = db_snapshot()
    data = form_data(**{field: value}, phone="06-12345678")
    response = client.post("/klacht/", data)
    body = response.content.decode()

    assert response.status_code == 400
    assert db_changes(before, db_snapshot()) == {}
    if message:
        assert message in body
    assert 'class="error-summary"' in body
    assert f'href="#id_{field}"' in body  # the summary links to the field
    widget = re.search(rf'<(?:input|textarea)[^>]*id="id_{field}"[^>]*>', body)
    assert widget is not None
    assert 'aria-invalid="true"' in widget.group(0)
    assert f'id="id_{field}_error"' in body  # the message the widget is described by
    assert f"id_{field}_error" in widget.group(0)
    for kept in ("06-12345678", "Een nieuwe afspraak en een excuus."):
        assert kept in body


def test_files_sent_with_the_form_are_stored_on_the_complaint(client: Client, agent) -> None:
    upload = SimpleUploadedFile("bon.pdf", PDF, content_type="application/pdf")
    response = client.post("/complaint/", {**form_data(), "attachments": [upload]})
    assert response.status_code == 302  # to the status page
    attachment = Attachment.objects.get()
    assert (attachment.complaint, attachment.name) == (Complaint.objects.get(), "bon.pdf")
    assert (attachment.source, attachment.content_type) == ("public_form", "application/pdf")
    assert attachment.file.read() == PDF


@pytest.mark.parametrize(
    ("path", "name", "data", "words"),
    [
        ("/complaint/", "film.pdf", b"%PDF-1.4\n" + b"x" * 2000, "limit per file"),
        ("/klacht/", "bon.pdf", b"MZ\x90\x00" + b"\x00" * 60, "dit soort bestand"),
    ],
)
def test_a_file_too_large_or_of_a_kind_not_accepted_refuses_the_form_in_words(
    client: Client, agent, settings, path, name, data, words
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1000
    before = db_snapshot()
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    response = client.post(path, {**form_data(), "attachments": [upload]})
    body = response.content.decode()
    assert response.status_code == 400
    assert name in body
    assert words in body.replace("\xa0", " ")
    assert "De monteur kwam niet opdagen" in body  # what the customer typed is kept
    assert db_changes(before, db_snapshot()) == {}


def test_a_filled_honeypot_is_refused_and_writes_nothing(client: Client, agent) -> None:
    before = db_snapshot()
    response = client.post("/klacht/", form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert "Niet verstuurd" in response.content.decode()
    assert db_changes(before, db_snapshot()) == {}


def test_the_honeypot_is_labelled_and_hidden_by_the_stylesheet(client: Client) -> None:
    body = client.get("/complaint/").content.decode()
    assert '<div class="honeypot">' in body
    assert "Leave this field empty" in body
    assert 'type="hidden" name="website"' not in body


def test_the_rate_per_address_is_enforced_with_a_page_in_words(client: Client, agent, settings):
    settings.PUBLIC_FORM_RATE = "2/hour"
    for _ in range(2):
        assert client.post("/klacht/", form_data()).status_code == 302
    before = db_snapshot()
    response = client.post("/klacht/", form_data())
    assert response.status_code == 429
    assert "U hebt ons in korte tijd meerdere klachten gestuurd." in response.content.decode()
    assert db_changes(before, db_snapshot()) == {}
    assert Complaint.objects.count() == 2


def test_the_rate_per_client_address_counts_other_email_addresses(client: Client, agent, settings):
    settings.PUBLIC_FORM_RATE = "2/hour"
    for n in range(2):
        client.post("/complaint/", form_data(email=f"person{n}@example.com"))
    response = client.post("/complaint/", form_data(email="third@example.com"))
    assert response.status_code == 429
    # Another client address may still write.
    other = client.post(
        "/complaint/", form_data(email="fourth@example.com"), REMOTE_ADDR="10.1.2.3"
    )
    assert other.status_code == 302


def test_the_rate_per_email_counts_across_client_addresses(client: Client, agent, settings):
    settings.PUBLIC_FORM_RATE = "1/hour"
    assert client.post("/complaint/", form_data(), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post("/complaint/", form_data(), REMOTE_ADDR="10.0.0.2").status_code == 429


def test_a_post_without_csrf_token_is_refused(agent) -> None:
    strict = Client(enforce_csrf_checks=True)
    before = db_snapshot()
    response = strict.post("/klacht/", form_data())
    assert response.status_code == 403
    assert db_changes(before, db_snapshot()) == {}
    # With the form's own token it goes through.
    strict.get("/klacht/")
    token = strict.cookies["csrftoken"].value
    assert strict.post("/klacht/", {**form_data(), "csrfmiddlewaretoken": token}).status_code == 302


def test_the_form_says_no_to_robots_and_caches(client: Client) -> None:
    response = client.get("/klacht/")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert "<script" not in response.content.decode()
    assert " style=" not in response.content.decode()


def test_nobody_to_receive_it_is_said_in_words(client: Client, db, settings) -> None:
    settings.PUBLIC_FORM_TEAM = "Nobody here"
    before = db_snapshot()
    response = client.post("/complaint/", form_data())
    assert response.status_code == 503
    assert "We cannot take complaints through the website" in response.content.decode()
    assert db_changes(before, db_snapshot()) == {}
