"""Writes on the coulance letter after approval: the agent's edits, new versions, freezing and
sending, and the delivery the worker makes.

Every write refuses in one order: permission (403), then state (409), then data (400), and
writes nothing when it refuses. A sent letter never changes; a correction is a new version.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ErrorCollector, TransitionNotAllowed
from complaints import events, policies
from complaints.coulance import letterhead, letters, services
from complaints.models import (
    CoulanceLetter,
    CoulanceRequest,
    CoulanceStatus,
    LetterStatus,
    Notification,
    NotificationKind,
)

log = logging.getLogger(__name__)

# Delivery retries (the task's autoretry): the n-th retry waits up to min(30 s × 2^(n−1), 30 min)
# (Celery's full jitter picks a moment before that), at most 8 retries.
RETRY_BACKOFF_SECONDS = 30
RETRY_BACKOFF_MAX_SECONDS = 30 * 60
MAX_RETRIES = 8


def retry_window(attempts: int) -> timedelta:
    """The longest a letter waits for its next attempt after ``attempts`` failed ones."""
    seconds = RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, RETRY_BACKOFF_MAX_SECONDS))


def check_may_handle_letter(letter: CoulanceLetter, actor: User) -> None:
    """403 unless ``actor`` works the complaint the letter is about."""
    policies.ensure_can_work(actor, letter.request.complaint)


def check_request_has_letters(request: CoulanceRequest) -> None:
    """409 while the request waits for approval or when it was rejected: no letter then."""
    if request.status == CoulanceStatus.PENDING:
        raise TransitionNotAllowed(
            _("This request is still waiting for approval: a letter follows once it is approved.")
        )
    if request.status == CoulanceStatus.REJECTED:
        raise TransitionNotAllowed(_("This request was rejected: there is no letter to send."))


def coulance_letter_new_version(
    *,
    coulance_request: CoulanceRequest,
    actor: User,
    regenerate: bool = False,
    now: datetime | None = None,
) -> CoulanceLetter:
    """A correction after sending: a new draft version, starting from the last letter's text
    (or, with ``regenerate``, from the complaint's record as it is now)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = services.lock_request(coulance_request)
        policies.ensure_can_work(actor, locked.complaint)
        check_request_has_letters(locked)
        latest = locked.letters.order_by("-version").first()
        if latest is not None and latest.status == LetterStatus.DRAFT:
            raise TransitionNotAllowed(
                _("Version %(version)s is still a draft: edit that one.")
                % {"version": latest.version}
            )
        if latest is not None and latest.status in (LetterStatus.QUEUED, LetterStatus.SENDING):
            raise TransitionNotAllowed(
                _("Version %(version)s is being sent; make a correction once it has gone.")
                % {"version": latest.version}
            )
        return services.draft_letter(
            locked,
            actor=actor,
            version=(latest.version + 1) if latest else 1,
            now=now,
            copy_from=None if regenerate else latest,
        )


def _lock_letter(letter: CoulanceLetter) -> CoulanceLetter:
    return CoulanceLetter.objects.select_for_update().get(pk=letter.pk)


def check_letter_is_draft(letter: CoulanceLetter) -> None:
    """409 unless the letter is still a draft (frozen and sent letters never change)."""
    if letter.status == LetterStatus.SENT:
        raise TransitionNotAllowed(
            _("This letter has been sent and cannot change; make a new version for a correction.")
        )
    if letter.status != LetterStatus.DRAFT:
        raise TransitionNotAllowed(
            _("This letter is frozen for sending and cannot change any more.")
        )


def coulance_letter_update(
    *,
    letter: CoulanceLetter,
    actor: User,
    subject: str | None = None,
    body: str | None = None,
    now: datetime | None = None,
) -> CoulanceLetter:
    """The agent's review: correct the draft's subject or text before it is sent."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_letter(letter)
        check_may_handle_letter(locked, actor)
        check_letter_is_draft(locked)
        errors = ErrorCollector()
        if subject is not None:
            errors.require("subject", subject)
            if len(subject.strip()) > 200:
                errors.add("subject", _("Keep the subject under 200 characters."))
        if body is not None:
            errors.require("body", body)
        errors.raise_if_any()
        changed: list[str] = []
        if subject is not None and subject.strip() != locked.subject:
            locked.subject, changed = subject.strip(), [*changed, "subject"]
        if body is not None and body != locked.body:
            locked.body, changed = body, [*changed, "body"]
        if not changed:
            return locked
        locked.edited_by, locked.edited_at = actor, now
        locked.save(update_fields=[*changed, "edited_by", "edited_at"])
        events.coulance_letter_edited_event(letter=locked, actor=actor, at=now, fields=changed)
    return locked


def coulance_letter_send(
    *, letter: CoulanceLetter, actor: User, now: datetime | None = None
) -> CoulanceLetter:
    """Freeze the draft (text, PDF, SHA-256) and queue it for email once this commits.

    A draft whose reviewed text no longer shows the gesture or the apology is refused (400 on
    ``body``) before anything is written. A letter whose sending failed is queued again as it
    was frozen, never re-rendered.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_letter(letter)
        check_may_handle_letter(locked, actor)
        if locked.status == LetterStatus.SENT:
            raise TransitionNotAllowed(
                _("This letter has already been sent; make a new version for a correction.")
            )
        if locked.status in (LetterStatus.QUEUED, LetterStatus.SENDING):
            raise TransitionNotAllowed(_("This letter is already being sent."))
        customer = locked.request.complaint.customer
        again = locked.status == LetterStatus.FAILED
        errors = ErrorCollector()
        if not customer.email:
            errors.add(
                "recipient",
                _(
                    "The customer has no email address: add one to the customer, or download "
                    "the PDF and send it by post."
                ),
            )
        if not again:  # a failed letter was checked when it was frozen, and never changes
            for missing in letters.missing_essentials(locked.request, locked.body, locked.language):
                errors.add("body", missing)
        errors.raise_if_any()
        if not again:
            head = letterhead.current_letterhead()
            locked.letterhead = head.frozen()  # a retry's email shows what the PDF shows
            pdf = letters.render_pdf(locked, dated=now, letterhead=head)
            locked.pdf = pdf
            locked.content_hash = hashlib.sha256(pdf).hexdigest()
            locked.frozen_by, locked.frozen_at = actor, now
        locked.recipient = customer.email
        locked.unconfirmed_sends = 0  # sending a failed letter again is the agent's decision
        locked.status = LetterStatus.QUEUED
        locked.next_attempt_at = now
        locked.last_error = ""
        locked.save()
        events.coulance_letter_frozen_event(letter=locked, actor=actor, at=now)
        letter_id = locked.pk
        # Only a committed, frozen letter may reach the worker: a rollback sends nothing.
        transaction.on_commit(lambda: _enqueue_delivery(letter_id))
    return locked


def _enqueue_delivery(letter_id: int) -> bool:
    """Ask a worker to deliver the letter now. The queued row is what counts: when the broker
    cannot be reached the request still succeeds, and the sweep enqueues it once it is back."""
    from complaints.tasks import send_coulance_letter

    try:
        send_coulance_letter.delay(letter_id)
    except Exception:  # the broker is down: the letter stays queued, the sweep finds it
        log.warning("could not enqueue letter %s; the sweep will", letter_id, exc_info=True)
        return False
    return True


def coulance_letters_resend_lost(*, now: datetime | None = None) -> list[int]:
    """Enqueue again every queued letter whose delivery should have started more than
    ``LETTER_SWEEP_GRACE_SECONDS`` ago: its message never reached the broker, or was lost. A
    duplicate message is harmless (delivery claims the letter first)."""
    now = now or timezone.now()
    late = now - timedelta(seconds=settings.LETTER_SWEEP_GRACE_SECONDS)
    ids = list(
        CoulanceLetter.objects.filter(status=LetterStatus.QUEUED, next_attempt_at__lt=late)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)
    )
    enqueued = []
    for letter_id in ids:
        # The next sweep looks again only after another grace period.
        CoulanceLetter.objects.filter(pk=letter_id, status=LetterStatus.QUEUED).update(
            next_attempt_at=now
        )
        if _enqueue_delivery(letter_id):
            enqueued.append(letter_id)
    return enqueued


def message_id(letter: CoulanceLetter) -> str:
    return f"<coulance-letter.{letter.pk}@klachtwijzer>"


def letter_email(letter: CoulanceLetter) -> EmailMessage:
    """The email that carries a frozen letter: its text and the letterhead it was sent with
    (after the "-- " signature separator) as the body, its PDF attached."""
    message = EmailMessage(
        subject=letter.subject,
        body=f"{letter.body.rstrip()}\n\n{letterhead.signature(letterhead.letterhead_of(letter))}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.recipient],
        # The same on every attempt: a receiving server that drops repeated Message-IDs shows
        # a letter sent again after an unconfirmed attempt only once.
        headers={"Message-ID": message_id(letter)},
    )
    reference = letter.request.complaint.reference
    message.attach(
        f"{reference}-v{letter.version}.pdf", bytes(letter.pdf or b""), "application/pdf"
    )
    return message


def coulance_letter_deliver(*, letter_id: int, now: datetime | None = None) -> bool:
    """Email a queued letter, at most once; True when this call sent it.

    Three short steps: claim (queued → sending, committed), send, record (sending → sent).
    A second run of the task, or a duplicate message, finds the letter no longer queued and
    sends nothing. A transport error puts the claim back (sending → queued) so the retry can
    send. If the process dies after the mail server took the message but before "sent" is
    committed, the letter stays "sending"; only after ``LETTER_SENDING_TIMEOUT_SECONDS`` does
    the sweep send it again (``coulance_letters_retry_unconfirmed``), with the same Message-ID,
    so the customer's mail server shows it once, and never while the first attempt may still be
    under way.
    """
    with transaction.atomic():
        letter = CoulanceLetter.objects.select_for_update().filter(pk=letter_id).first()
        # Gone, or another run has claimed or sent it already.
        if letter is None or letter.status != LetterStatus.QUEUED:
            return False
        letter.status = LetterStatus.SENDING
        letter.send_attempts += 1
        letter.claimed_at = timezone.now()
        letter.save(update_fields=["status", "send_attempts", "claimed_at"])

    try:
        letter_email(letter).send()
    except Exception as exc:
        with transaction.atomic():
            claimed = _lock_letter(letter)
            if claimed.status == LetterStatus.SENDING:
                claimed.status = LetterStatus.QUEUED
                claimed.last_error = _describe(exc)
                claimed.next_attempt_at = timezone.now() + retry_window(claimed.send_attempts)
                claimed.save(update_fields=["status", "last_error", "next_attempt_at"])
        raise

    with transaction.atomic():
        sent = _lock_letter(letter)
        sent.status = LetterStatus.SENT
        sent.sent_at = now or timezone.now()
        sent.last_error = ""
        sent.save(update_fields=["status", "sent_at", "last_error"])
        events.coulance_letter_sent_event(letter=sent, at=sent.sent_at)
    return True


def coulance_letter_delivery_failed(
    *, letter_id: int, error: str, now: datetime | None = None
) -> bool:
    """Give up on a queued letter after the last retry; the agent may send it again."""
    now = now or timezone.now()
    with transaction.atomic():
        letter = CoulanceLetter.objects.select_for_update().filter(pk=letter_id).first()
        if letter is None or letter.status != LetterStatus.QUEUED:
            return False
        _fail(letter, error=error, now=now)
    return True


def _fail(letter: CoulanceLetter, *, error: str, now: datetime) -> None:
    """Mark the (locked) letter failed, in the audit trail, and tell its complaint's owner,
    who may send it again from the letter's page or the API."""
    letter.status = LetterStatus.FAILED
    letter.last_error = error[:2000]
    letter.save(update_fields=["status", "last_error"])
    events.coulance_letter_failed_event(letter=letter, at=now, error=letter.last_error)
    complaint = letter.request.complaint
    Notification.objects.get_or_create(
        key=f"letter-failed:{letter.pk}:{letter.send_attempts}:{complaint.owner_id}",
        defaults={
            "recipient_id": complaint.owner_id,
            "kind": NotificationKind.LETTER_FAILED,
            "complaint": complaint,
            "payload": {
                "reference": complaint.reference,
                "customer": complaint.customer.name,
                "version": letter.version,
                "letter_id": letter.pk,
                "error": letter.last_error,
            },
            "created_at": now,
        },
    )


def coulance_letters_retry_unconfirmed(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Letters still "sending" ``LETTER_SENDING_TIMEOUT_SECONDS`` after their claim: the worker
    died after handing the letter to the mail server, or before, and nobody knows which.

    Like the outbox's emails, such a letter goes again with the same Message-ID, and only after
    a timeout at least as long as ``EMAIL_RESEND_GRACE_SECONDS``: by then the first attempt is
    over for certain (no two senders at once), and a mail server that drops a repeated
    Message-ID shows it to the customer once. The ``LETTER_MAX_UNCONFIRMED_SENDS``-th time it is
    found so, it is failed instead, and its owner is told; each step is in the audit trail.
    """
    now = now or timezone.now()
    late = now - timedelta(seconds=settings.LETTER_SENDING_TIMEOUT_SECONDS)
    stuck = Q(claimed_at__lt=late) | Q(claimed_at__isnull=True)  # null: claimed before it existed
    ids = list(
        CoulanceLetter.objects.filter(stuck, status=LetterStatus.SENDING)
        .order_by("claimed_at")
        .values_list("pk", flat=True)[:100]
    )
    found: dict[str, list[int]] = {"retried": [], "failed": []}
    for letter_id in ids:
        with transaction.atomic():
            # Another sweep (a second beat) may hold it: skip, never wait.
            letter = (
                CoulanceLetter.objects.select_for_update(skip_locked=True)
                .filter(stuck, pk=letter_id, status=LetterStatus.SENDING)
                .select_related("request__complaint__customer")
                .first()
            )
            if letter is None:
                continue
            letter.unconfirmed_sends += 1
            letter.save(update_fields=["unconfirmed_sends"])
            if letter.unconfirmed_sends >= settings.LETTER_MAX_UNCONFIRMED_SENDS:
                _fail(
                    letter,
                    now=now,
                    error=str(
                        _(
                            "Sending was not confirmed %(times)s times; the customer may have "
                            "received it. Check with the customer before sending it again."
                        )
                        % {"times": letter.unconfirmed_sends}
                    ),
                )
                found["failed"].append(letter.pk)
                continue
            claimed_at = letter.claimed_at
            letter.status = LetterStatus.QUEUED
            letter.next_attempt_at = now
            letter.last_error = str(_("Sending was not confirmed; sent again."))
            letter.save(update_fields=["status", "next_attempt_at", "last_error"])
            events.coulance_letter_retried_event(letter=letter, at=now, claimed_at=claimed_at)
            transaction.on_commit(partial(_enqueue_delivery, letter.pk))
            found["retried"].append(letter.pk)
    return found


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
