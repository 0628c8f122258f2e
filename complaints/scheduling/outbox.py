"""Emails as rows: rendered once in the sender's transaction, sent later at most once.

An email is rendered from the triplet ``templates/emails/<name>.subject.txt``, ``.txt`` and
(optionally) ``.html`` in the recipient's language, stored as an ``OutgoingEmail`` whose unique
``key`` says what caused it, and sent by ``send_pending`` after the transaction committed.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from complaints.models import EmailState, OutgoingEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def render_email(name: str, context: dict[str, Any], *, language: str) -> tuple[str, str, str]:
    """The subject, plain text and HTML (may be empty) of email ``name`` in ``language``."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{name}.subject.txt", context).split())
        text = render_to_string(f"emails/{name}.txt", context).strip() + "\n"
        try:
            html = get_template(f"emails/{name}.html").render(context)
        except TemplateDoesNotExist:
            html = ""
    return subject, text, html


def email_build(
    *,
    key: str,
    template: str,
    to: str,
    language: str,
    context: dict[str, Any],
    now: datetime,
    complaint_id: int | None = None,
) -> OutgoingEmail:
    """An unsaved outgoing email (the dispatcher saves a batch of them at once)."""
    subject, text, html = render_email(template, context, language=language)
    return OutgoingEmail(
        key=key,
        complaint_id=complaint_id,
        template=template,
        to=to,
        language=language,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        created_at=now,
        next_attempt_at=now,
    )


def email_queue(emails: list[OutgoingEmail]) -> None:
    """Store ``emails`` in the current transaction and have them sent after it commits.

    A key that exists already is skipped: an email is queued once whatever runs twice.
    """
    if not emails:
        return
    OutgoingEmail.objects.bulk_create(emails, ignore_conflicts=True)
    transaction.on_commit(kick_sender)


def kick_sender() -> None:
    """Ask a worker to send what is pending. Losing this message loses nothing: every tick
    sweeps the outbox too."""
    from complaints.scheduling.tasks import send_outbox

    try:
        send_outbox.delay()
    except Exception:  # the broker is down; the next tick after it is back sends the mail
        log.warning("could not enqueue send_outbox; the next tick will send", exc_info=True)


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        # The idempotency key in the Message-ID lets a receiving server drop a duplicate.
        headers={"Message-ID": f"<{email.key}.{email.pk}@klachtwijzer>"},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def send_one(*, now: datetime | None = None) -> bool:
    """Send the oldest pending email that no other worker holds; False when none is left.

    The row stays locked while the mail server takes the message and is marked sent in the
    same transaction: a second sender skips it (SKIP LOCKED) or finds it sent. A worker that
    dies before the commit leaves it pending, and it is sent again later: the only window for
    a duplicate is between the mail server's acceptance and this commit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(state=EmailState.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .first()
        )
        if email is None:
            return False
        try:
            _message(email).send()
        except Exception as exc:  # transport errors: back off and try again later
            email.attempts += 1
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.state = EmailState.FAILED if email.attempts >= MAX_ATTEMPTS else email.state
            email.next_attempt_at = now + timedelta(minutes=2**email.attempts)
            email.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
            log.warning("email %s not sent: %s", email.key, email.last_error)
            return True
        email.state = EmailState.SENT
        email.sent_at = timezone.now()
        email.attempts += 1
        email.save(update_fields=["state", "sent_at", "attempts"])
    return True


def send_pending(*, max_seconds: float = 50.0) -> int:
    """Send pending emails until none is left or ``max_seconds`` passed; the number sent."""
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < max_seconds and send_one():
        sent += 1
    return sent
