"""What an incoming email becomes: a new complaint, the customer's message on one, or a row
that says why it became nothing (skipped, quarantined). Exactly once per (mailbox, key).

The ``InboundEmail`` row is inserted first in the same transaction that creates the complaint or
the interaction: a second worker importing the same message waits on the unique key until the
first commits, then finds it taken and does nothing; a crash rolls both back, and the message
(still unflagged in the mailbox) is imported on the next poll.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone

from accounts.models import User
from common import limits
from common.errors import DomainError, InvalidData
from complaints import customer_messages, policies, services
from complaints.choices import Channel
from complaints.mail.attachments import store_attachments
from complaints.mail.parse import (
    ParsedEmail,
    ParseError,
    header_message_id,
    message_key,
    parse_email,
)
from complaints.models import (
    Complaint,
    Customer,
    InboundEmail,
    InboundState,
    Interaction,
    OutgoingEmail,
)
from complaints.states import OPEN_STAGES

log = logging.getLogger(__name__)

IMPORTED, SKIPPED, QUARANTINED, DUPLICATE = "imported", "skipped", "quarantined", "duplicate"
_REFERENCE = re.compile(r"\bKL-\d{4}-\d{6,}\b")
# The Message-ID the outbox gives an email without one of its own: <key.pk@klachtwijzer>.
_OUTBOX_ID = re.compile(r"^<.+\.(\d+)@klachtwijzer>$")


class NoOwner(Exception):
    """Nobody can own a complaint from this mailbox (no active agent in its team)."""


@dataclass(frozen=True)
class Outcome:
    state: str
    complaint_id: int | None = None
    interaction_id: int | None = None
    reason: str = ""


def _attachment_list(parsed: ParsedEmail) -> list[dict[str, Any]]:
    return [
        {"name": part.name, "content_type": part.content_type_claimed, "size": part.size}
        for part in parsed.parts
    ]


def _row(mailbox: dict[str, Any], key: str, now: datetime, **fields: Any) -> InboundEmail:
    return InboundEmail(mailbox=mailbox["name"], key=key, received_at=now, updated_at=now, **fields)


def owner_for(mailbox: dict[str, Any]) -> User:
    """Who owns a complaint from ``mailbox``: its configured ``owner`` (a username) when that
    person can own complaints, else the member of its ``team`` with the fewest open complaints
    (ties: the longest-standing account, then the lowest id); the team's manager only when no
    one else in the team can own complaints."""
    if mailbox.get("owner"):
        owner = User.objects.filter(username=mailbox["owner"], is_active=True).first()
        if owner is not None and policies.can_own(owner):
            return owner
    if mailbox.get("team"):
        members = (
            User.objects.filter(team__name=mailbox["team"], is_active=True)
            .annotate(
                open_count=Count(
                    "owned_complaints",
                    filter=Q(owned_complaints__stage__in=sorted(OPEN_STAGES)),
                )
            )
            .annotate(leads=Case(When(pk=F("team__manager_id"), then=Value(1)), default=Value(0)))
            .order_by("leads", "open_count", "date_joined", "pk")
        )
        for member in members:
            if policies.can_own(member):
                return member
    raise NoOwner(f"no one can own complaints from mailbox {mailbox['name']!r}")


def _answered_complaint(parsed: ParsedEmail) -> Complaint | None:
    """The complaint this message answers: a Message-ID we sent in its In-Reply-To or
    References, else a reference in its subject. The caller checks the sender."""
    for message_id in parsed.thread_ids:
        email = (
            OutgoingEmail.objects.filter(message_id=message_id, complaint__isnull=False)
            .select_related("complaint__customer")
            .first()
        )
        match = _OUTBOX_ID.match(message_id)
        if email is None and match:
            email = (
                OutgoingEmail.objects.filter(pk=int(match.group(1)), complaint__isnull=False)
                .select_related("complaint__customer")
                .first()
            )
        if email is not None and email.complaint is not None:
            return email.complaint
    reference = _REFERENCE.search(parsed.subject)
    if reference:
        return Complaint.objects.select_related("customer").filter(reference=reference[0]).first()
    return None


def _is_customers(complaint: Complaint, sender: str) -> bool:
    """A reply is accepted only from the address the complaint's customer has on file."""
    customer = complaint.customer
    return (
        customer.erased_at is None
        and bool(customer.email)
        and (customer.email.strip().lower() == sender)
    )


def _customer_for(parsed: ParsedEmail, *, language: str, actor: User) -> Customer:
    existing = (
        Customer.objects.filter(email__iexact=parsed.sender, erased_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    if existing is not None:
        return existing
    name = parsed.sender_name or parsed.sender.partition("@")[0]
    return services.customer_create(
        name=name[: limits.NAME], email=parsed.sender, language=language, actor=actor
    )


def _subject(parsed: ParsedEmail) -> str:
    subject = re.sub(r"^\s*((re|fw|fwd|aw|antw|wg)\s*:\s*)+", "", parsed.subject, flags=re.I)
    return (subject.strip() or parsed.text.strip().split("\n")[0] or "(email)")[:200]


def _import(
    mailbox: dict[str, Any], parsed: ParsedEmail, now: datetime
) -> tuple[Complaint, Interaction | None]:
    """Inside the caller's transaction: the reply or the new complaint."""
    from complaints.mail.parse import guess_language

    answered = _answered_complaint(parsed)
    if answered is not None and _is_customers(answered, parsed.sender):
        interaction = customer_messages.customer_message_add(
            complaint=answered,
            summary=parsed.text[: limits.TEXT] or parsed.subject or "(email)",
            via="email",
            now=now,
        )
        return answered, interaction
    owner = owner_for(mailbox)
    language = guess_language(f"{parsed.subject}\n{parsed.text}", mailbox["language"])
    customer = _customer_for(parsed, language=language, actor=owner)
    # Whoever receives a complaint owns it: the owner is the actor who logs it (the audit trail
    # shows the complaint received on their behalf, through the email channel).
    complaint = services.complaint_create(
        customer=customer,
        channel=Channel.EMAIL,
        subject=_subject(parsed),
        facts=parsed.text[: limits.TEXT] or parsed.subject,
        actor=owner,
        now=now,
    )
    if parsed.message_id:  # the acknowledgement answers the customer's email, in its thread
        OutgoingEmail.objects.filter(key=f"acknowledgement:{complaint.pk}").update(
            in_reply_to=parsed.message_id,
            references=" ".join([*parsed.references, parsed.message_id])[:2000],
        )
    return complaint, None


def _quarantine(
    mailbox: dict[str, Any], key: str, raw: bytes, reason: str, now: datetime, **fields: Any
) -> Outcome:
    """Keep a message that could not be imported, with its bytes and the reason."""
    log.warning("inbound mail quarantined (%s): %s", mailbox["name"], reason)
    try:
        with transaction.atomic():
            _row(
                mailbox, key, now, state=InboundState.QUARANTINED, reason=reason, raw=raw, **fields
            ).save(force_insert=True)
    except IntegrityError:  # another worker took it first
        return Outcome(DUPLICATE)
    return Outcome(QUARANTINED, reason=reason)


def _reason(error: Exception) -> str:
    if isinstance(error, InvalidData):
        return "invalid: " + "; ".join(
            f"{field}: {' '.join(str(m) for m in messages)}"
            for field, messages in error.errors.items()
        )
    return f"{type(error).__name__}: {error}"


def inbound_import(*, mailbox: dict[str, Any], raw: bytes, now: datetime | None = None) -> Outcome:
    """Import one raw message from ``mailbox`` exactly once; what it became."""
    now = now or timezone.now()
    try:
        parsed = parse_email(raw)
    except ParseError as error:
        return _quarantine(mailbox, message_key(raw, header_message_id(raw)), raw, str(error), now)
    if InboundEmail.objects.filter(mailbox=mailbox["name"], key=parsed.key).exists():
        return Outcome(DUPLICATE)
    fields = {
        "sender": parsed.sender[:320],
        "subject": parsed.subject[:300],
        "attachments": _attachment_list(parsed),
    }
    if parsed.automatic:
        try:
            with transaction.atomic():
                _row(
                    mailbox,
                    parsed.key,
                    now,
                    state=InboundState.SKIPPED,
                    reason=parsed.automatic,
                    **fields,
                ).save(force_insert=True)
        except IntegrityError:
            return Outcome(DUPLICATE)
        return Outcome(SKIPPED, reason=parsed.automatic)
    try:
        with transaction.atomic():
            # The claim: a second worker's insert waits here for this transaction, then fails.
            row = _row(mailbox, parsed.key, now, state=InboundState.IMPORTED, **fields)
            row.save(force_insert=True)
            complaint, interaction = _import(mailbox, parsed, now)
            row.complaint = complaint
            row.interaction = interaction
            row.save(update_fields=["complaint", "interaction"])
            store_attachments(
                complaint=complaint, interaction=interaction, parts=parsed.parts, row=row
            )
    except IntegrityError:
        if InboundEmail.objects.filter(mailbox=mailbox["name"], key=parsed.key).exists():
            return Outcome(DUPLICATE)
        raise
    except (DomainError, NoOwner, ValueError) as error:
        return _quarantine(mailbox, parsed.key, raw, _reason(error), now, **fields)
    return Outcome(IMPORTED, complaint.pk, interaction.pk if interaction else None)


def inbound_retry(*, inbound: InboundEmail, mailbox: dict[str, Any] | None = None) -> Outcome:
    """Import a quarantined message again (the admin's "retry"): the row becomes the import's
    row when it succeeds, and stays quarantined with the new reason when it does not."""
    mailbox = mailbox or next(
        (item for item in settings.INBOUND_MAILBOXES if item["name"] == inbound.mailbox),
        # A mailbox no longer configured: a reply still finds its complaint; a new complaint
        # has no owner and stays in the quarantine.
        {"name": inbound.mailbox, "language": "nl", "team": "", "owner": ""},
    )
    with transaction.atomic():
        locked = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
        if locked.state != InboundState.QUARANTINED:
            return Outcome(DUPLICATE)
        raw = bytes(locked.raw)
        locked.delete()
        outcome = inbound_import(mailbox=mailbox, raw=raw)
    return outcome
