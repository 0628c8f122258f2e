"""Inbound mail against a real dovecot: new complaints, exactly once, skipped and quarantined."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from accounts.roles import Role
from complaints.choices import Channel
from complaints.mail import imap
from complaints.mail.intake import inbound_retry
from complaints.models import Attachment, Complaint, Customer, InboundEmail, InboundState
from tests.factories import TeamFactory, UserFactory, make_complaint
from tests.mail.messages import bounce, customer_email
from tests.mail.servers import Dovecot

pytestmark = pytest.mark.django_db


def test_a_new_email_becomes_an_email_complaint_of_the_least_loaded_agent(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User, other_agent: User
) -> None:
    make_complaint(owner=agent)  # anna has one open complaint, bram none
    dovecot.append(mailbox["user"], customer_email())

    assert imap.poll_all() == {mailbox["name"]: {"imported": 1}}

    complaint = Complaint.objects.get(channel=Channel.EMAIL)
    assert complaint.owner == other_agent
    assert complaint.subject == "Mijn factuur klopt niet"
    assert "twee keer betaald" in complaint.facts
    assert complaint.customer.email == "joke@example.nl"
    assert complaint.customer.name == "Joke de Vries"
    assert complaint.customer.language == "nl"
    assert dovecot.unseen(mailbox["user"]) == 0  # flagged \Seen after the import
    row = InboundEmail.objects.get()
    assert (row.state, row.complaint) == (InboundState.IMPORTED, complaint)


def test_an_english_email_makes_an_english_customer_and_finds_a_known_one(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User
) -> None:
    dovecot.append(
        mailbox["user"],
        customer_email(
            sender="Sam Smith <sam@example.co.uk>",
            subject="Wrong bill",
            text="I was charged twice for the same month and I would like it to be refunded.",
        ),
        customer_email(sender="sam@example.co.uk", subject="Also", text="And the app is slow."),
    )
    imap.poll_all()
    customers = Customer.objects.filter(email="sam@example.co.uk")
    assert customers.count() == 1
    assert customers.get().language == "en"
    assert Complaint.objects.filter(customer=customers.get()).count() == 2


def test_the_same_message_twice_makes_one_complaint(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User
) -> None:
    raw = customer_email()
    dovecot.append(mailbox["user"], raw, raw)
    imap.poll_all()
    dovecot.append(mailbox["user"], raw)  # delivered once more, later
    imap.poll_all()
    assert Complaint.objects.count() == 1
    assert InboundEmail.objects.count() == 1
    assert dovecot.unseen(mailbox["user"]) == 0


def test_a_message_without_message_id_is_keyed_by_its_hash(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User
) -> None:
    raw = customer_email(message_id=None)
    dovecot.append(mailbox["user"], raw, raw)
    imap.poll_all()
    assert Complaint.objects.count() == 1
    assert InboundEmail.objects.get().key.startswith("sha256:")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_pollers_at_once_import_every_message_once(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User
) -> None:
    raws = [customer_email(subject=f"Klacht {n}") for n in range(30)]
    dovecot.append(mailbox["user"], *raws, *raws[:10])
    errors: list[BaseException] = []

    def poll() -> None:
        try:
            imap.poll_mailbox(mailbox)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert Complaint.objects.count() == 30
    assert sorted(Complaint.objects.values_list("subject", flat=True)) == sorted(
        f"Klacht {n}" for n in range(30)
    )
    assert dovecot.unseen(mailbox["user"]) == 0


@pytest.mark.parametrize(
    "raw",
    [
        customer_email(headers={"Auto-Submitted": "auto-replied"}, text="Ik ben afwezig."),
        customer_email(headers={"X-Auto-Response-Suppress": "All"}, text="Out of office"),
        customer_email(headers={"Precedence": "auto_reply"}, text="Afwezig"),
        bounce(),
    ],
    ids=["auto-submitted", "x-auto-response-suppress", "precedence", "bounce"],
)
def test_auto_replies_and_bounces_never_make_a_complaint(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User, raw: bytes
) -> None:
    dovecot.append(mailbox["user"], raw)
    assert imap.poll_all() == {mailbox["name"]: {"skipped": 1}}
    assert not Complaint.objects.exists()
    assert InboundEmail.objects.get().state == InboundState.SKIPPED
    assert dovecot.unseen(mailbox["user"]) == 0


def test_an_unreadable_message_goes_to_the_quarantine_never_lost(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User
) -> None:
    dovecot.append(mailbox["user"], b"From: not an address\r\nSubject: ?\r\n\r\nhallo\r\n")
    assert imap.poll_all() == {mailbox["name"]: {"quarantined": 1}}
    row = InboundEmail.objects.get()
    assert row.state == InboundState.QUARANTINED
    assert "sender" in row.reason
    assert bytes(row.raw).startswith(b"From: not an address")
    assert not Complaint.objects.exists()


def test_a_quarantined_message_imports_on_retry_once_the_cause_is_fixed(
    dovecot: Dovecot, db: None
) -> None:
    empty_team = TeamFactory(name="Nieuw team")
    box = dovecot.mailbox("intake-retry", team=empty_team.name)
    from django.test import override_settings

    with override_settings(INBOUND_MAILBOXES=[box]):
        dovecot.append(box["user"], customer_email())
        imap.poll_all()
        row = InboundEmail.objects.get()
        assert row.state == InboundState.QUARANTINED
        assert "no one can own" in row.reason
        UserFactory(username="nina", role=Role.AGENT, team=empty_team)
        outcome = inbound_retry(inbound=row)
    assert outcome.state == "imported"
    complaint = Complaint.objects.get()
    assert complaint.owner.username == "nina"
    assert InboundEmail.objects.get().state == InboundState.IMPORTED


def test_html_only_mail_becomes_text_and_its_script_is_shown_as_text(
    client: Any, dovecot: Dovecot, mailbox: dict[str, Any], agent: User, other_agent: User
) -> None:
    html = (
        "<html><head><style>p {color: red}</style></head><body>"
        "<p>Uw monteur kwam niet &lt;script&gt;alert(1)&lt;/script&gt; opdagen.</p>"
        "<script>alert(2)</script><p>Graag een nieuwe afspraak.</p>"
        "<blockquote>Eerder bericht</blockquote></body></html>"
    )
    dovecot.append(mailbox["user"], customer_email(text="", html=html))
    imap.poll_all()
    complaint = Complaint.objects.get()
    assert "<script>alert(1)</script>" in complaint.facts  # the customer's words, kept as text
    assert "alert(2)" not in complaint.facts
    assert "color: red" not in complaint.facts
    assert "Eerder bericht" not in complaint.facts
    client.force_login(complaint.owner)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_quoted_text_and_signature_are_cut_from_a_message(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User
) -> None:
    text = (
        "De levering is weer te laat.\n\n-- \nJoke de Vries\n06-12345678\n\n"
        "Op 3 dec. 2026 om 10:00 schreef Klantenservice <klachten@example.com>:\n> Beste Joke"
    )
    dovecot.append(mailbox["user"], customer_email(text=text))
    imap.poll_all()
    assert Complaint.objects.get().facts == "De levering is weer te laat."


def test_an_emails_attachments_are_stored_and_one_too_large_is_listed_as_refused(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User, other_agent: User
) -> None:
    """A message with a 30 MB file: the complaint is made, the invoice stored, the film listed
    as refused with the reason (an email cannot be sent back as a form can)."""
    pdf = b"%PDF-1.4\n" + b"x" * 2000
    film = b"%PDF-1.4\n" + b"x" * (30 * 1024 * 1024)
    dovecot.append(
        mailbox["user"],
        customer_email(
            attachment=("factuur.pdf", "application/pdf", pdf),
            more_attachments=(("film.pdf", "application/pdf", film),),
        ),
    )

    assert imap.poll_all() == {mailbox["name"]: {"imported": 1}}

    complaint = Complaint.objects.get()
    stored = Attachment.objects.get(complaint=complaint, refused_reason="")
    assert (stored.name, stored.source, stored.file.read()) == ("factuur.pdf", "email", pdf)
    refused = Attachment.objects.get(complaint=complaint, name="film.pdf")
    assert refused.refused_reason.startswith("too_large")
    assert not refused.file
    listed = {entry["name"]: entry for entry in InboundEmail.objects.get().attachments}
    assert listed["factuur.pdf"]["stored"] is True
    assert listed["film.pdf"]["stored"] is False
    # In the language the import ran in (the mailbox's, Dutch here).
    assert "per bestand" in listed["film.pdf"]["refused"]


def test_without_mailboxes_the_poll_does_nothing(settings: Any) -> None:
    settings.INBOUND_MAILBOXES = []
    assert imap.poll_all() == {}


def test_an_unreachable_mailbox_is_logged_and_the_others_still_read(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User, settings: Any
) -> None:
    dead = {**mailbox, "name": "dead", "port": 1}
    settings.INBOUND_MAILBOXES = [dead, mailbox]
    dovecot.append(mailbox["user"], customer_email())
    results = imap.poll_all()
    assert results["dead"] == {"error": 1}
    assert results[mailbox["name"]] == {"imported": 1}


def test_mailboxes_from_the_environment_are_checked_loudly(monkeypatch: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from config.env import envmailboxes

    monkeypatch.setenv(
        "KW_TEST_BOXES",
        '[{"host": "imap.example.nl", "user": "klachten", "password_file": "/run/secret",'
        ' "team": "Noord", "tls": "starttls", "language": "en"}]',
    )
    (box,) = envmailboxes("KW_TEST_BOXES")
    assert (box["port"], box["folder"], box["name"]) == (143, "INBOX", "klachten@imap.example.nl")
    monkeypatch.setenv("KW_TEST_BOXES", '[{"host": "h", "user": "u", "password": "p"}]')
    with pytest.raises(ImproperlyConfigured, match="team or an owner"):
        envmailboxes("KW_TEST_BOXES")
    monkeypatch.setenv("KW_TEST_BOXES", "not json")
    with pytest.raises(ImproperlyConfigured, match="JSON list"):
        envmailboxes("KW_TEST_BOXES")
    monkeypatch.delenv("KW_TEST_BOXES")
    assert envmailboxes("KW_TEST_BOXES") == []
