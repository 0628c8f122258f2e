"""Messages the customer writes on their own complaint (an email answering ours, a message on
their status page): one way in for every channel.

The message is an inbound interaction without an author user, it is in the audit trail (an
event without an actor), and the complaint's owner is notified once per message. Nothing here
checks a user's permission: the caller has established that the message is the customer's
(the email's thread, the status link's token).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import limits
from common.errors import ErrorCollector
from complaints import events
from complaints.choices import Direction, InteractionKind
from complaints.models import Complaint, Interaction, Notification, NotificationKind

# How a customer's message came in (the notification says it in the reader's language).
VIA = ("email", "status_page")
EXCERPT_CHARACTERS = 160


def customer_message_add(
    *,
    complaint: Complaint,
    summary: str,
    via: str,
    kind: str = InteractionKind.EMAIL,
    occurred_at: datetime | None = None,
    now: datetime | None = None,
) -> Interaction:
    """Record the customer's message on ``complaint`` and notify its owner.

    400 (``InvalidData``) on ``summary`` when it is empty or longer than ``limits.TEXT``;
    nothing is written then.
    """
    now = now or timezone.now()
    errors = ErrorCollector()
    errors.require("summary", summary)
    if len(summary or "") > limits.TEXT:
        errors.add(
            "summary",
            _("Keep the message under %(limit)s characters.") % {"limit": f"{limits.TEXT:,}"},
        )
    if via not in VIA:
        raise ValueError(f"unknown way in: {via!r}")
    errors.raise_if_any()
    text = summary.strip()
    with transaction.atomic():
        locked = (
            Complaint.objects.select_for_update().select_related("customer").get(pk=complaint.pk)
        )
        interaction = Interaction.objects.create(
            complaint=locked,
            kind=kind,
            direction=Direction.INBOUND,
            summary=text,
            occurred_at=occurred_at or now,
            author=None,
        )
        events.interaction_added_event(
            complaint=locked, actor=None, at=now, interaction_id=interaction.pk, kind=kind
        )
        excerpt = " ".join(text.split())
        if len(excerpt) > EXCERPT_CHARACTERS:
            excerpt = excerpt[: EXCERPT_CHARACTERS - 1].rstrip() + "…"
        Notification.objects.create(
            key=f"customer_message:{interaction.pk}:{locked.owner_id}",
            recipient_id=locked.owner_id,
            kind=NotificationKind.CUSTOMER_MESSAGE,
            complaint=locked,
            payload={
                "reference": locked.reference,
                "subject": locked.subject,
                "customer": locked.customer.name,
                "excerpt": excerpt,
                "via": via,
            },
            created_at=now,
        )
    return interaction
