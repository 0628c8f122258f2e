"""Answers by email and the customer's replies, through a real SMTP receiver and dovecot."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from accounts.models import User
from complaints.choices import Direction
from complaints.mail import imap, outbound
from complaints.models import (
    Complaint,
    Interaction,
    Notification,
    NotificationKind,
    OutgoingEmail,
)
from complaints.scheduling.outbox import send_pending
from tests.factories import CustomerFactory, make_complaint
from tests.mail.messages import customer_email
from tests.mail.servers import Dovecot, SmtpReceiver

pytestmark = pytest.mark.django_db


def _received(smtp: SmtpReceiver, to: str) -> list[EmailMessage]:
    found = []
    for _sender, recipients, raw in smtp.received:
        if to in recipients:
            message = message_from_bytes(raw, policy=policy.default)
            assert isinstance(message, EmailMessage)
            found.append(message)
    return found


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()) if body is not None else ""


def _complaint_from_email(dovecot: Dovecot, mailbox: dict[str, Any], **kwargs: Any) -> Complaint:
    raw = customer_email(message_id="<first.1@mail.example.nl>", **kwargs)
    dovecot.append(mailbox["user"], raw)
    imap.poll_all()
    return Complaint.objects.get()


@pytest.mark.parametrize(
    ("language", "greeting"), [("nl", "Met vriendelijke groet,"), ("en", "Kind regards,")]
)
def test_an_answer_goes_out_threaded_and_the_reply_comes_back_to_the_complaint(
    dovecot: Dovecot,
    mailbox: dict[str, Any],
    smtp: SmtpReceiver,
    agent: User,
    django_capture_on_commit_callbacks: Any,
    language: str,
    greeting: str,
) -> None:
    complaint = _complaint_from_email(dovecot, mailbox)
    complaint.customer.language = language
    complaint.customer.save()
    owner = complaint.owner
    with django_capture_on_commit_callbacks(execute=False):
        outbound.customer_answer_send(
            complaint=complaint, actor=owner, body="Wij storten het bedrag <b>terug</b>."
        )
    send_pending(max_seconds=20)

    sent = [m for m in _received(smtp, "joke@example.nl") if "terug" in _text(m)]
    assert len(sent) == 1
    answer = sent[0]
    assert answer["Subject"].startswith(f"[{complaint.reference}] ")
    assert answer["In-Reply-To"] == "<first.1@mail.example.nl>"
    assert "<first.1@mail.example.nl>" in answer["References"]
    assert greeting in _text(answer)
    stored = OutgoingEmail.objects.get(key__startswith="customer_answer:")
    assert answer["Message-ID"] == stored.message_id
    assert Interaction.objects.filter(
        complaint=complaint, direction=Direction.OUTBOUND, author=owner
    ).exists()

    # The customer answers: their mail program names our Message-ID, the subject is theirs.
    dovecot.append(
        mailbox["user"],
        customer_email(
            subject="Re: dank",
            text="Dank u, ik zie het bedrag graag snel.\n\nOp ma schreef u:\n> Wij storten",
            in_reply_to=answer["Message-ID"],
            references=f"<first.1@mail.example.nl> {answer['Message-ID']}",
        ),
    )
    assert imap.poll_all() == {mailbox["name"]: {"imported": 1}}
    assert Complaint.objects.count() == 1
    reply = Interaction.objects.get(complaint=complaint, direction=Direction.INBOUND)
    assert reply.summary == "Dank u, ik zie het bedrag graag snel."
    notification = Notification.objects.get(kind=NotificationKind.CUSTOMER_MESSAGE)
    assert notification.recipient == owner
    assert notification.payload["via"] == "email"


def test_a_reply_naming_the_reference_in_the_subject_is_added_to_the_complaint(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User
) -> None:
    customer = CustomerFactory(email="piet@example.nl")
    complaint = make_complaint(owner=agent, customer=customer)
    dovecot.append(
        mailbox["user"],
        customer_email(
            sender="piet@example.nl",
            subject=f"Re: We received your complaint ({complaint.reference})",
            text="Ik ben nog steeds niet teruggebeld.",
        ),
    )
    imap.poll_all()
    assert Complaint.objects.count() == 1
    assert Interaction.objects.get(complaint=complaint).summary == (
        "Ik ben nog steeds niet teruggebeld."
    )
    assert Notification.objects.filter(
        kind=NotificationKind.CUSTOMER_MESSAGE, recipient=agent
    ).exists()


def test_a_reply_from_another_address_becomes_a_new_complaint(
    dovecot: Dovecot, mailbox: dict[str, Any], agent: User
) -> None:
    complaint = make_complaint(owner=agent, customer=CustomerFactory(email="piet@example.nl"))
    dovecot.append(
        mailbox["user"],
        customer_email(
            sender="iemand@example.org",
            subject=f"Re: [{complaint.reference}] iets",
            text="Ik doe alsof ik Piet ben.",
        ),
    )
    imap.poll_all()
    assert not Interaction.objects.filter(complaint=complaint).exists()
    assert Complaint.objects.count() == 2
    assert Complaint.objects.exclude(pk=complaint.pk).get().customer.email == "iemand@example.org"


def test_the_api_sends_a_message_with_threading_headers(
    api_as: Any, smtp: SmtpReceiver, agent: User
) -> None:
    complaint = make_complaint(owner=agent, customer=CustomerFactory(email="els@example.nl"))
    response = api_as(agent).post(
        f"/api/complaints/{complaint.reference}/messages/",
        {"body": "Uw tegoed staat klaar."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["direction"] == "outbound"
    send_pending(max_seconds=20)
    answer = [m for m in _received(smtp, "els@example.nl") if m["Subject"].startswith("[")]
    assert len(answer) == 1
    assert complaint.reference in answer[0]["Subject"]
    assert (
        answer[0]["Message-ID"]
        == OutgoingEmail.objects.get(key__startswith="customer_answer:").message_id
    )


def test_the_api_refuses_an_empty_message_and_a_customer_without_email(
    api_as: Any, agent: User, other_agent: User
) -> None:
    complaint = make_complaint(owner=agent, customer=CustomerFactory(email="els@example.nl"))
    client = api_as(agent)
    empty = client.post(f"/api/complaints/{complaint.reference}/messages/", {"body": " "})
    assert empty.status_code == 400
    assert "body" in empty.json()
    phone_only = make_complaint(owner=agent, customer=CustomerFactory(email=""))
    no_email = client.post(f"/api/complaints/{phone_only.reference}/messages/", {"body": "Hoi"})
    assert no_email.status_code == 409
    not_owner = api_as(other_agent).post(
        f"/api/complaints/{complaint.reference}/messages/", {"body": "Hoi"}
    )
    assert not_owner.status_code in {403, 404}
    assert not OutgoingEmail.objects.filter(key__startswith="customer_answer:").exists()


def test_the_answer_form_on_the_page_sends_and_shows_it_apart_from_notes(
    client: Any, agent: User
) -> None:
    complaint = make_complaint(owner=agent, customer=CustomerFactory(email="els@example.nl"))
    client.force_login(agent)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert 'id="form-answer"' in page
    response = client.post(
        f"/complaints/{complaint.reference}/answer/", {"body": "Wij bellen u morgen."}
    )
    assert response.status_code == 302
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert 'class="contact-outbound"' in page
    assert OutgoingEmail.objects.filter(key__startswith="customer_answer:").count() == 1
    empty = client.post(f"/complaints/{complaint.reference}/answer/", {"body": ""})
    assert empty.status_code == 200
    assert "Write the message to the customer." in empty.content.decode() or (
        "Schrijf" in empty.content.decode()
    )
