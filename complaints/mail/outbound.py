"""Answering the customer by email from the complaint: one outbound interaction and one email
through the outbox, threaded on the customer's last message so their reply comes back here."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common import limits
from common.errors import ErrorCollector, TransitionNotAllowed
from complaints import events, policies
from complaints.choices import Direction, InteractionKind
from complaints.models import (
    Complaint,
    InboundEmail,
    InboundState,
    Interaction,
    OutgoingEmail,
)
from complaints.scheduling.outbox import email_build, email_queue
from complaints.states import Stage

# The References header names at most this many earlier messages (the newest).
REFERENCES_KEPT = 10


def new_message_id() -> str:
    domain = str(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2].strip(" >") or "klachtwijzer"
    return f"<answer.{uuid.uuid4().hex}@{domain}>"


def _thread(complaint: Complaint) -> tuple[str, str]:
    """In-Reply-To (the customer's last email) and References (the thread, oldest first)."""
    inbound = list(
        InboundEmail.objects.filter(complaint=complaint, state=InboundState.IMPORTED)
        .exclude(key__startswith="sha256:")
        .values_list("received_at", "key")
    )
    outbound = list(
        OutgoingEmail.objects.filter(complaint=complaint)
        .exclude(message_id="")
        .values_list("created_at", "message_id")
    )
    thread = [message_id for _at, message_id in sorted(inbound + outbound)]
    last_inbound = max(inbound)[1] if inbound else ""
    return last_inbound, " ".join(thread[-REFERENCES_KEPT:])


def check_may_answer(complaint: Complaint, actor: User) -> None:
    """403 unless ``actor`` works the complaint; 409 when there is no one to write to."""
    policies.ensure_can_work(actor, complaint)
    customer = complaint.customer
    if customer.erased_at is not None:
        raise TransitionNotAllowed(_("This customer's personal data was erased: no email."))
    if not customer.email:
        raise TransitionNotAllowed(
            _("The customer has no email address: add one to the customer first.")
        )
    if complaint.stage == Stage.CLOSED:
        raise TransitionNotAllowed(_("A closed complaint cannot be answered; reopen it first."))


def customer_answer_send(
    *, complaint: Complaint, actor: User, body: str, now: datetime | None = None
) -> Interaction:
    """Email ``body`` to the complaint's customer and record it as an outbound interaction.

    403 (not the owner or their manager), 409 (no address, erased, closed), 400 on ``body``
    (empty or too long); nothing is written then. The email goes after commit, once.
    """
    now = now or timezone.now()
    errors = ErrorCollector()
    errors.require("body", (body or "").strip())
    if len(body or "") > limits.TEXT:
        errors.add(
            "body",
            _("Keep the message under %(limit)s characters.") % {"limit": f"{limits.TEXT:,}"},
        )
    text = (body or "").strip()
    with transaction.atomic():
        locked = (
            Complaint.objects.select_for_update()
            .select_related("customer", "owner")
            .get(pk=complaint.pk)
        )
        check_may_answer(locked, actor)
        errors.raise_if_any()
        interaction = Interaction.objects.create(
            complaint=locked,
            kind=InteractionKind.EMAIL,
            direction=Direction.OUTBOUND,
            summary=text,
            occurred_at=now,
            author=actor,
        )
        events.interaction_added_event(
            complaint=locked,
            actor=actor,
            at=now,
            interaction_id=interaction.pk,
            kind=InteractionKind.EMAIL,
        )
        in_reply_to, references = _thread(locked)
        customer = locked.customer
        email = email_build(
            key=f"customer_answer:{interaction.pk}",
            template="customer_answer",
            to=customer.email,
            language=customer.language,
            context={
                "reference": locked.reference,
                "subject": locked.subject,
                "body": text,
                "owner_name": str(actor),
                "company": settings.COMPANY_NAME,
            },
            now=now,
            complaint_id=locked.pk,
        )
        email.message_id = new_message_id()
        email.in_reply_to = in_reply_to
        email.references = references
        email_queue([email])
    return interaction
