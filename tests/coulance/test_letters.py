"""The coulance letter: content from the complaint's record in the customer's language, the
agent's edit, freezing with PDF and hash, versions, and sending by email exactly once."""

from __future__ import annotations

import hashlib
import io
import re
import smtplib
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pypdf
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from complaints import workflow
from complaints.coulance import letter_services, letters, selectors
from complaints.coulance import services as coulance
from complaints.models import (
    Complaint,
    ComplaintEvent,
    CoulanceLetter,
    CoulanceRequest,
    EventType,
    LetterStatus,
)
from complaints.states import Stage
from complaints.tasks import send_coulance_letter
from config.celery import app as celery_app
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.coulance.conftest import ask
from tests.factories import CustomerFactory, advance, make_complaint, step_data

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def resolved_complaint(owner: User, *, language: str, **resolve: Any) -> Complaint:
    customer = CustomerFactory(name="Jan Evers", email="jan@example.nl", language=language)
    complaint = make_complaint(
        owner=owner, customer=customer, subject="Drie jaar betaald voor ongebruikt internet"
    )
    complaint = advance(complaint, to=Stage.SOLVING)
    return workflow.run(
        workflow.Transition.RESOLVE,
        complaint,
        actor=owner,
        **step_data("resolve")
        | {
            "resolution_summary": "Bundel opgezegd per vandaag.",
            "customer_contribution": "U heeft de bundel zelf ooit gekozen en nooit opgezegd.",
        }
        | resolve,
    )


def approved(complaint: Complaint, agent: User, manager: User, **data: Any) -> CoulanceRequest:
    request = ask(complaint, agent, **data)
    return coulance.coulance_request_approve(coulance_request=request, actor=manager)


def letter_of(request: CoulanceRequest) -> CoulanceLetter:
    letter = selectors.coulance_letter_current(coulance_request=request)
    assert letter is not None
    return letter


# --- Content --------------------------------------------------------------------------------------


def test_other_kind_uses_the_description_and_no_contribution_leaves_no_empty_heading(
    agent, manager, director
):
    complaint = resolved_complaint(agent, language="en", customer_contribution="")
    request = approved(
        complaint, agent, manager, kind="other", description="two cinema tickets", amount="30"
    )

    body = letter_of(request).body

    assert "we offer you two cinema tickets worth €30.00 as a gesture of goodwill" in body
    assert "U heeft de bundel" not in body


def test_the_letter_is_escaped_in_html_but_not_in_text(agent, manager, director):
    complaint = resolved_complaint(agent, language="en")
    complaint.subject = "Bill <b>& co</b>"
    complaint.save()
    letter = letter_of(approved(complaint, agent, manager))

    assert "Bill <b>& co</b>" in letter.body
    html = letters.render_html(letter)
    assert "Bill &lt;b&gt;&amp; co&lt;/b&gt;" in html
    assert "<b>&" not in html


@pytest.mark.parametrize(
    ("language", "labels"), [("nl", ("Datum", "Ons kenmerk")), ("en", ("Date", "Our reference"))]
)
def test_the_letter_page_speaks_the_customers_language(agent, manager, director, language, labels):
    complaint = resolved_complaint(agent, language=language)
    html = letters.render_html(letter_of(approved(complaint, agent, manager)))

    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}">' in html
    assert all(f"<td>{label}</td>" in html for label in labels)
    assert complaint.reference in html


# --- Review, freeze, versions ---------------------------------------------------------------------


def test_the_agent_edits_the_draft_then_sending_freezes_it(
    agent, manager, director, django_capture_on_commit_callbacks
):
    complaint = resolved_complaint(agent, language="nl")
    letter = letter_of(approved(complaint, agent, manager))

    edited = letter_services.coulance_letter_update(
        letter=letter, actor=agent, body=letter.body + "\nPS: tot ziens!\n", now=T0
    )
    assert (edited.edited_by, edited.edited_at) == (agent, T0)
    with django_capture_on_commit_callbacks() as callbacks:
        frozen = letter_services.coulance_letter_send(letter=edited, actor=agent, now=T0)

    assert len(callbacks) == 1  # the email task, queued for after the commit
    frozen.refresh_from_db()
    assert frozen.status == LetterStatus.QUEUED
    assert "PS: tot ziens!" in frozen.body
    pdf = bytes(frozen.pdf)
    assert pdf.startswith(b"%PDF-")
    assert frozen.content_hash == hashlib.sha256(pdf).hexdigest()
    assert (frozen.frozen_by, frozen.frozen_at, frozen.recipient) == (agent, T0, "jan@example.nl")
    before = db_snapshot()
    with pytest.raises(TransitionNotAllowed, match="frozen"):
        letter_services.coulance_letter_update(letter=frozen, actor=agent, body="Anders.")
    assert db_changes(before, db_snapshot()) == {}


def test_the_pdf_holds_the_letters_text(agent, manager, director):
    complaint = resolved_complaint(agent, language="en")
    letter = letter_of(approved(complaint, agent, manager))

    reader = pypdf.PdfReader(io.BytesIO(letters.render_pdf(letter)))
    text = " ".join("".join(page.extract_text() for page in reader.pages).split())

    assert len(reader.pages) >= 1
    assert complaint.reference in text
    assert "not an admission of liability" in text
    assert "€25.00" in text


def test_a_correction_after_sending_is_a_new_version(agent, manager, director):
    complaint = resolved_complaint(agent, language="nl")
    request = approved(complaint, agent, manager)
    first = letter_of(request)
    with pytest.raises(TransitionNotAllowed, match="still a draft"):
        letter_services.coulance_letter_new_version(coulance_request=request, actor=agent)
    letter_services.coulance_letter_send(letter=first, actor=agent)
    assert letter_services.coulance_letter_deliver(letter_id=first.pk)
    first.refresh_from_db()
    sent_hash, sent_pdf = first.content_hash, bytes(first.pdf)

    second = letter_services.coulance_letter_new_version(coulance_request=request, actor=agent)
    second = letter_services.coulance_letter_update(
        letter=second, actor=agent, body=second.body.replace("Geachte", "Beste")
    )

    first.refresh_from_db()
    assert (first.version, first.status, first.content_hash) == (1, "sent", sent_hash)
    assert bytes(first.pdf) == sent_pdf
    assert first.body.startswith("Geachte")
    assert (second.version, second.status) == (2, "draft")
    assert second.body.startswith("Beste")
    assert letter_of(request) == second


def test_no_letter_for_a_pending_or_rejected_request(complaint, agent, manager):
    pending = ask(complaint, agent)
    rejected = ask(complaint, agent)
    coulance.coulance_request_reject(coulance_request=rejected, actor=manager, comment="Nee.")
    before = db_snapshot()

    with pytest.raises(TransitionNotAllowed, match="waiting for approval"):
        letter_services.coulance_letter_new_version(coulance_request=pending, actor=agent)
    with pytest.raises(TransitionNotAllowed, match="rejected"):
        letter_services.coulance_letter_new_version(coulance_request=rejected, actor=agent)

    assert db_changes(before, db_snapshot()) == {}
    assert selectors.coulance_letter_current(coulance_request=rejected) is None


def test_only_who_works_the_complaint_handles_the_letter(complaint, agent, manager, other_agent):
    letter = letter_of(approved(complaint, agent, manager))
    before = db_snapshot()

    with pytest.raises(ActionForbidden):
        letter_services.coulance_letter_update(letter=letter, actor=other_agent, body="Hoi")
    with pytest.raises(ActionForbidden):
        letter_services.coulance_letter_send(letter=letter, actor=other_agent)

    assert db_changes(before, db_snapshot()) == {}


def test_an_empty_text_is_refused(complaint, agent, manager):
    letter = letter_of(approved(complaint, agent, manager))

    with pytest.raises(InvalidData) as refused:
        letter_services.coulance_letter_update(letter=letter, actor=agent, body="  ", subject="")

    assert set(refused.value.errors) == {"body", "subject"}


def test_a_customer_without_email_gets_no_email_but_a_clear_message(agent, manager, director):
    complaint = resolved_complaint(agent, language="nl")
    complaint.customer.email = ""
    complaint.customer.save()
    letter = letter_of(approved(complaint, agent, manager))
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        letter_services.coulance_letter_send(letter=letter, actor=agent)

    assert "by post" in str(refused.value.errors["recipient"][0])
    assert db_changes(before, db_snapshot()) == {}


# --- Sending --------------------------------------------------------------------------------------


def test_sending_an_already_sent_letter_is_refused(complaint, agent, manager):
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    with pytest.raises(TransitionNotAllowed, match="already being sent"):
        letter_services.coulance_letter_send(letter=letter, actor=agent)
    send_coulance_letter(letter.pk)
    before = db_snapshot()

    with pytest.raises(TransitionNotAllowed, match="already been sent"):
        letter_services.coulance_letter_send(letter=letter, actor=agent)

    assert db_changes(before, db_snapshot()) == {}


def test_the_task_sends_one_email_with_the_pdf_even_when_it_runs_twice(complaint, agent, manager):
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_send(letter=letter, actor=agent)

    assert send_coulance_letter(letter.pk) is True
    assert send_coulance_letter(letter.pk) is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    letter.refresh_from_db()
    assert message.to == [complaint.customer.email]
    assert message.subject == letter.subject
    # The letter's text, then the letterhead's signature (tests/coulance/test_letterhead.py).
    assert message.body == letter.body.rstrip() + "\n\n-- \nKlachtwijzer\n"
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"{complaint.reference}-v1.pdf", "application/pdf")
    assert hashlib.sha256(content).hexdigest() == letter.content_hash
    assert (letter.status, letter.send_attempts) == (LetterStatus.SENT, 1)
    assert letter.sent_at is not None
    [sent] = ComplaintEvent.objects.filter(complaint=complaint, type=EventType.COULANCE_LETTER_SENT)
    assert sent.actor is None
    assert sent.payload["recipient"] == complaint.customer.email


def test_a_claimed_letter_is_never_sent_again(complaint, agent, manager):
    """A worker died after the mail server took the message: the redelivered task must not
    send it a second time (at most once)."""
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    CoulanceLetter.objects.filter(pk=letter.pk).update(status=LetterStatus.SENDING)

    assert send_coulance_letter(letter.pk) is False
    assert mail.outbox == []


def test_the_email_task_is_queued_only_when_the_transaction_commits(
    complaint, agent, manager, django_capture_on_commit_callbacks
):
    letter = letter_of(approved(complaint, agent, manager))
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            letter_services.coulance_letter_send(letter=letter, actor=agent)
            assert mail.outbox == []  # nothing goes out before the commit
    finally:
        celery_app.conf.task_always_eager = False

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT


class FlakySMTPBackend(LocmemBackend):
    """A mail server that drops the connection on the first ``failures`` attempts."""

    failures: ClassVar[int] = 1
    attempts: ClassVar[int] = 0

    def send_messages(self, email_messages: Any) -> int:
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("connection dropped")
        return super().send_messages(email_messages)


@pytest.fixture
def flaky_mail() -> Any:
    FlakySMTPBackend.attempts = 0
    with override_settings(EMAIL_BACKEND=f"{__name__}.FlakySMTPBackend"):
        yield FlakySMTPBackend


def test_a_transport_error_is_retried_and_the_letter_sent_once(
    complaint, agent, manager, flaky_mail
):
    flaky_mail.failures = 2
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_send(letter=letter, actor=agent)

    send_coulance_letter.apply(args=[letter.pk])  # eager: retries run at once, in this thread

    assert flaky_mail.attempts == 3
    assert len(mail.outbox) == 1
    letter.refresh_from_db()
    assert (letter.status, letter.send_attempts, letter.last_error) == ("sent", 3, "")


def test_after_the_last_retry_the_letter_shows_as_failed_and_can_be_sent_again(
    complaint, agent, manager, flaky_mail
):
    flaky_mail.failures = 100
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    frozen_hash = CoulanceLetter.objects.get(pk=letter.pk).content_hash

    send_coulance_letter.apply(args=[letter.pk])

    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert "SMTPServerDisconnected" in letter.last_error
    assert letter.send_attempts == 9  # the first try and max_retries (8) retries
    assert ComplaintEvent.objects.filter(
        complaint=complaint, type=EventType.COULANCE_LETTER_FAILED
    ).exists()

    flaky_mail.failures = 0
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    assert send_coulance_letter(letter.pk) is True
    letter.refresh_from_db()
    assert (letter.status, letter.content_hash) == ("sent", frozen_hash)  # not re-rendered
    assert len(mail.outbox) == 1


def test_the_audit_trail_tells_the_whole_story(complaint, agent, manager):
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_update(
        letter=letter, actor=agent, subject="Onze excuses en een gebaar"
    )
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    send_coulance_letter(letter.pk)

    types = list(
        ComplaintEvent.objects.filter(complaint=complaint, type__startswith="coulance")
        .order_by("id")
        .values_list("type", "actor")
    )
    assert types == [
        (EventType.COULANCE_REQUESTED, agent.pk),
        (EventType.COULANCE_APPROVED, manager.pk),
        (EventType.COULANCE_LETTER_DRAFTED, manager.pk),
        (EventType.COULANCE_LETTER_EDITED, agent.pk),
        (EventType.COULANCE_LETTER_FROZEN, agent.pk),
        (EventType.COULANCE_LETTER_SENT, None),
    ]


# --- What the customer contributed ---------------------------------------------------------------


def test_the_contribution_asked_with_the_request_is_in_the_letter_before_resolving(
    agent, manager, director
):
    customer = CustomerFactory(name="Jan Evers", email="jan@example.nl", language="en")
    complaint = advance(make_complaint(owner=agent, customer=customer), to=Stage.SOLVING)
    assert complaint.customer_contribution == ""

    request = approved(
        complaint, agent, manager, customer_contribution="  You never cancelled the bundle.  "
    )

    assert request.customer_contribution == "You never cancelled the bundle."
    body = letter_of(request).body
    assert "established the facts. You never cancelled the bundle.\n" in body


def test_the_requests_contribution_comes_before_the_complaints(agent, manager, director):
    complaint = resolved_complaint(agent, language="nl")  # the complaint names one of its own

    request = approved(complaint, agent, manager, customer_contribution="U zegde niet op.")

    body = letter_of(request).body
    assert "op een rij gezet. U zegde niet op.\n" in body
    assert "U heeft de bundel zelf ooit gekozen" not in body


# --- The essentials, checked before sending -------------------------------------------------------


def _without(body: str, *words: str) -> str:
    """``body`` with every sentence that holds one of ``words`` (any case) taken out."""
    pattern = "|".join(re.escape(word) for word in words)
    return re.sub(rf"[^.\n:]*({pattern})[^.\n]*\.?", "", body, flags=re.IGNORECASE)


def _refused_send(letter: CoulanceLetter, agent: User, callbacks: Any) -> list[str]:
    """Send ``letter``, expect the refusal on ``body`` and prove that nothing was written."""
    before = db_snapshot()
    with callbacks() as queued, pytest.raises(InvalidData) as refused:
        letter_services.coulance_letter_send(letter=letter, actor=agent)
    assert db_changes(before, db_snapshot()) == {}  # not frozen, no event
    assert queued == []
    assert mail.outbox == []
    assert set(refused.value.errors) == {"body"}
    return [str(message) for message in refused.value.errors["body"]]


@pytest.mark.parametrize(
    ("language", "sorry"),
    [("nl", "Het spijt ons dat u hierdoor ongemak"), ("en", "We are sorry for the inconvenience")],
)
def test_an_unedited_draft_has_its_essentials_and_is_sent(
    agent, manager, director, django_capture_on_commit_callbacks, language, sorry
):
    complaint = resolved_complaint(agent, language=language)
    letter = letter_of(approved(complaint, agent, manager))
    assert sorry in letter.body  # the template's own apology, whatever the triad recorded
    assert letters.missing_essentials(letter.request, letter.body, language) == []

    with django_capture_on_commit_callbacks() as queued:
        sent = letter_services.coulance_letter_send(letter=letter, actor=agent)

    assert sent.status == LetterStatus.QUEUED
    assert len(queued) == 1


@pytest.mark.parametrize(
    ("language", "kind", "cut", "expected"),
    [
        (
            "nl",
            "voucher",
            ("waardebon",),
            [
                "The letter no longer makes the gesture visible: it must name “waardebon” and "
                "“€ 25,00”."
            ],
        ),
        (
            "en",
            "credit",
            ("€25.00",),
            [
                "The letter no longer makes the gesture visible: it must name “credit on your "
                "next invoice” and “€25.00”.",
                "The letter no longer says that the gesture is goodwill (“goodwill”), not an "
                "admission of liability.",
            ],
        ),
        (
            "nl",
            "voucher",
            ("excuses", "sorry", "spijt"),
            ["The letter no longer apologises: say sorry for the inconvenience, as the draft did."],
        ),
        (
            "en",
            "refund",
            ("apolog", "sorry", "refund"),
            [
                "The letter no longer makes the gesture visible: it must name “refund” and "
                "“€25.00”.",
                "The letter no longer apologises: say sorry for the inconvenience, as the "
                "draft did.",
            ],
        ),
    ],
)
def test_a_draft_edited_without_its_essentials_is_not_sent(
    agent, manager, director, django_capture_on_commit_callbacks, language, kind, cut, expected
):
    complaint = resolved_complaint(agent, language=language)
    letter = letter_of(approved(complaint, agent, manager, kind=kind))
    letter = letter_services.coulance_letter_update(
        letter=letter, actor=agent, body=_without(letter.body, *cut)
    )
    assert not any(word.casefold() in letter.body.casefold() for word in cut)

    assert letters.missing_essentials(letter.request, letter.body, language) == expected
    assert _refused_send(letter, agent, django_capture_on_commit_callbacks) == expected
    letter.refresh_from_db()
    assert (letter.status, letter.frozen_at, letter.pdf) == (LetterStatus.DRAFT, None, None)


def test_for_another_kind_the_description_is_what_must_stay(
    agent, manager, director, django_capture_on_commit_callbacks
):
    complaint = resolved_complaint(agent, language="en")
    letter = letter_of(
        approved(complaint, agent, manager, kind="other", description="two cinema tickets")
    )
    letter = letter_services.coulance_letter_update(
        letter=letter, actor=agent, body=letter.body.replace("two cinema tickets", "tickets")
    )

    assert _refused_send(letter, agent, django_capture_on_commit_callbacks) == [
        "The letter no longer makes the gesture visible: it must name “two cinema tickets” "
        "and “€25.00”."
    ]


def test_without_an_amount_the_description_is_what_must_stay():
    request = CoulanceRequest(kind="small_gift", description="a bunch of flowers", amount=None)  # type: ignore[misc]

    assert (
        letters.missing_essentials(
            request, "Sorry! Out of goodwill, here is a bunch of\nflowers.", "en"
        )
        == []
    )
    assert letters.missing_essentials(request, "Sorry! A small gift, as goodwill.", "en") == [
        "The letter no longer makes the gesture visible: it must name what is given, "
        "“a bunch of flowers”."
    ]


@pytest.mark.parametrize(
    ("language", "rewritten"),
    [
        (
            "nl",
            "Beste Jan,\n\nSorry voor het gedoe! Uit coulance krijgt u een WAARDEBON van\n"
            "€ 25,00.\n",
        ),
        ("en", "Dear Jan,\n\nOur apologies. Please accept a Voucher worth €25.00 as goodwill.\n"),
    ],
)
def test_a_rewritten_text_that_keeps_its_essentials_is_sent(
    agent, manager, director, django_capture_on_commit_callbacks, language, rewritten
):
    complaint = resolved_complaint(agent, language=language)
    letter = letter_of(approved(complaint, agent, manager, kind="voucher"))
    letter = letter_services.coulance_letter_update(letter=letter, actor=agent, body=rewritten)

    with django_capture_on_commit_callbacks() as queued:
        sent = letter_services.coulance_letter_send(letter=letter, actor=agent)

    assert (sent.status, sent.body, len(queued)) == (LetterStatus.QUEUED, rewritten, 1)


def test_no_email_address_and_missing_essentials_are_said_together(agent, manager, director):
    complaint = resolved_complaint(agent, language="nl")
    complaint.customer.email = ""
    complaint.customer.save()
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_update(letter=letter, actor=agent, body="Beste Jan, groet.")

    with pytest.raises(InvalidData) as refused:
        letter_services.coulance_letter_send(letter=letter, actor=agent)

    assert set(refused.value.errors) == {"recipient", "body"}
    assert len(refused.value.errors["body"]) == 3  # the gesture, the apology, the goodwill


# --- An administrator's own wording ---------------------------------------------------------------


def test_an_administrator_overrides_the_letter_with_a_template_file(
    agent, manager, director, tmp_path, settings
):
    override = tmp_path / "letters" / "nl"
    override.mkdir(parents=True)
    (override / "coulance.txt").write_text(
        "{% autoescape off %}Beste {{ customer_name }}, u krijgt {{ amount }} van ons."
        " Coulance, geen erkenning van aansprakelijkheid.{% endautoescape %}\n",
        encoding="utf-8",
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [engine | {"DIRS": [tmp_path, *engine["DIRS"]]}]
    complaint = resolved_complaint(agent, language="nl")

    letter = letter_of(approved(complaint, agent, manager, amount="20"))

    assert letter.body == (
        "Beste Jan Evers, u krijgt € 20,00 van ons. Coulance, geen erkenning van "
        "aansprakelijkheid.\n"
    )
    assert "een gebaar van coulance" in letter.subject  # the subject file was not overridden


def test_the_override_directory_comes_from_the_environment(tmp_path):
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.TEMPLATES[0]['DIRS'][0])"],
        cwd=root,
        env={"PATH": "", "DEBUG": "true", "TEMPLATE_OVERRIDES_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path)


def test_a_failed_attempt_says_until_when_the_retry_may_wait(complaint, agent, manager, flaky_mail):
    flaky_mail.failures = 1
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    before = timezone.now()

    with pytest.raises(smtplib.SMTPServerDisconnected):
        letter_services.coulance_letter_deliver(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
    assert letter.next_attempt_at is not None
    waits = letter.next_attempt_at - before
    assert timedelta(seconds=29) < waits <= timedelta(seconds=31)  # the first retry: ≤ 30 s
    assert letter_services.retry_window(4) == timedelta(minutes=4)
    assert letter_services.retry_window(20) == timedelta(minutes=30)


def test_the_sweep_enqueues_only_letters_whose_delivery_is_overdue(
    complaint, agent, manager, settings
):
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    now = timezone.now()
    grace = timedelta(seconds=settings.LETTER_SWEEP_GRACE_SECONDS)

    assert letter_services.coulance_letters_resend_lost(now=now) == []  # its message may come
    assert letter_services.coulance_letters_resend_lost(now=now + grace * 2) == [letter.pk]
    # Enqueued again just now: the next sweep waits another grace period before it looks again.
    assert letter_services.coulance_letters_resend_lost(now=now + grace * 2) == []
    assert letter_services.coulance_letter_deliver(letter_id=letter.pk)
    assert letter_services.coulance_letters_resend_lost(now=now + grace * 10) == []  # sent
