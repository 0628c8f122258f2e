"""Emails as rows: rendered once in the sender's transaction, sent later effectively once.

An email is rendered from the triplet ``templates/emails/<name>.subject.txt``, ``.txt`` and
(optionally) ``.html`` in the recipient's language, stored as an ``OutgoingEmail`` whose unique
``key`` says what caused it, and sent by ``send_pending`` after the transaction committed.

Delivery, in three committed steps: claim (pending → sending, with the moment), hand to the mail
server, record (sending → sent). Each message carries a Message-ID made from its row, the same
on every attempt. A crash or a lost database connection between the mail server's acceptance
and the record leaves the row "sending": it is sent again, with that same Message-ID, only
after ``EMAIL_RESEND_GRACE_SECONDS``, so a receiving server (and our own mail intake) can drop
the copy, and it is never sent twice at once.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
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


# A kick asks for a send this many seconds later; the emails this process commits meanwhile ride
# along with it instead of each sending a message of its own (a broker message costs a create
# more than writing the email). Kicks are skipped only well inside that delay, so the send
# still comes after the commit of every email whose kick it stood in for.
KICK_DELAY_SECONDS = 1.0
_KICK_SKIP_SECONDS = 0.8 * KICK_DELAY_SECONDS
_last_kick = -1e9  # time.monotonic() of this process's last kick


def kick_sender() -> None:
    """Ask a worker to send what is pending (after commit). Losing this message loses nothing:
    every tick sweeps the outbox too."""
    global _last_kick
    from complaints.scheduling.tasks import send_outbox

    now = time.monotonic()
    if now - _last_kick < _KICK_SKIP_SECONDS:
        return  # the send asked for less than a second ago has not run yet: it takes this one
    try:
        send_outbox.apply_async(countdown=KICK_DELAY_SECONDS)
    except Exception:  # the broker is down; the next tick after it is back sends the mail
        log.warning("could not enqueue send_outbox; the next tick will send", exc_info=True)
        return
    _last_kick = now


def _headers(email: dict[str, Any]) -> dict[str, str]:
    """The Message-ID (the row's own, or one made from its idempotency key, which lets a
    receiving server drop a duplicate) and, for an answer, the threading headers."""
    headers = {
        "Message-ID": email.get("message_id") or f"<{email['key']}.{email['pk']}@klachtwijzer>"
    }
    if email.get("in_reply_to"):
        headers["In-Reply-To"] = email["in_reply_to"]
    if email.get("references"):
        headers["References"] = email["references"]
    return headers


def _message(email: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email["subject"],
        body=email["body_text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email["to"]],
        headers=_headers(email),
    )
    if email["body_html"]:
        message.attach_alternative(email["body_html"], "text/html")
    return message


_FIELDS = (
    "pk",
    "key",
    "to",
    "subject",
    "body_text",
    "body_html",
    "attempts",
    "message_id",
    "in_reply_to",
    "references",
)


def _claim(email_id: int, now: datetime) -> bool:
    """Claim an email for sending and commit the claim: True when this sender got it.

    It must be pending and due, or a claim left half-done longer than the grace period ago. A
    row another sender is claiming is skipped (SKIP LOCKED), never waited for.
    """
    table = connection.ops.quote_name(OutgoingEmail._meta.db_table)
    stale = now - timedelta(seconds=settings.EMAIL_RESEND_GRACE_SECONDS)
    where = (
        "id = %s AND ((state = %s AND next_attempt_at <= %s) OR (state = %s AND claimed_at < %s))"
    )
    if connection.features.has_select_for_update_skip_locked:
        where = f"id = (SELECT id FROM {table} WHERE {where} FOR UPDATE SKIP LOCKED)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = %s, claimed_at = %s, attempts = attempts + 1 "
            f"WHERE {where}",
            [
                EmailState.SENDING,
                now,
                email_id,
                EmailState.PENDING,
                now,
                EmailState.SENDING,
                stale,
            ],
        )
        return bool(cursor.rowcount == 1)


def send_one(email: dict[str, Any], *, now: datetime | None = None) -> bool:
    """Hand ``email`` (a row's values) to the mail server if this sender claims it; True if sent.

    The claim is committed before the mail server is called and "sent" is recorded after it
    took the message. If the record is lost (the process or the database connection dies in
    between) the row stays "sending" and goes again, with the same Message-ID, only after the
    grace period. A transport error puts the row back to pending with a back-off.
    """
    now = now or timezone.now()
    if not _claim(email["pk"], now):
        return False
    try:
        _message(email).send()
    except Exception as exc:  # transport errors: back off and try again later
        attempts = email["attempts"] + 1
        error = f"{type(exc).__name__}: {exc}"[:2000]
        OutgoingEmail.objects.filter(pk=email["pk"], state=EmailState.SENDING).update(
            attempts=attempts,
            last_error=error,
            state=EmailState.FAILED if attempts >= MAX_ATTEMPTS else EmailState.PENDING,
            next_attempt_at=now + timedelta(minutes=2**attempts),
        )
        log.warning("email %s not sent: %s", email["key"], error)
        return False
    OutgoingEmail.objects.filter(pk=email["pk"], state=EmailState.SENDING).update(
        state=EmailState.SENT, sent_at=timezone.now()
    )
    return True


def _half_sent(now: datetime) -> list[dict[str, Any]]:
    stale = now - timedelta(seconds=settings.EMAIL_RESEND_GRACE_SECONDS)
    return list(
        OutgoingEmail.objects.filter(state=EmailState.SENDING, claimed_at__lt=stale)
        .order_by("claimed_at")
        .values(*_FIELDS)[:100]
    )


def send_pending(*, max_seconds: float = 50.0, chunk: int = 100) -> int:
    """Send pending emails until none is left or ``max_seconds`` passed; the number sent.

    Candidates are read in id order from a cursor, so each read starts where the last one
    ended instead of wading through the index entries of rows just sent; each is then sent in
    its own short transaction (``send_one``).
    """
    started = time.monotonic()
    sent = 0
    after = 0
    first = True
    while time.monotonic() - started < max_seconds:
        now = timezone.now()
        pending = list(
            OutgoingEmail.objects.filter(
                state=EmailState.PENDING, next_attempt_at__lte=now, pk__gt=after
            )
            .order_by("pk")
            .values(*_FIELDS)[:chunk]
        )
        # Once a run: the claims a crash left half-done longer than the grace period ago.
        batch = pending + (_half_sent(now) if first else [])
        first = False
        for email in batch:
            sent += send_one(email, now=now)
            if time.monotonic() - started >= max_seconds:
                break
        if not pending:
            break
        after = pending[-1]["pk"]
    if sent:
        log.info("outbox: %d emails sent", sent, extra={"emails_sent": sent})
    return sent
