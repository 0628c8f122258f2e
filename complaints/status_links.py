"""The customer's personal status link: made with the complaint, read on the status page.

The token is the link's random id signed with the site's key (the survey link's way, see
``complaints.care.survey``): it says nothing about the complaint, a forged one fails before the
database is asked, and the row decides whether it still works. Every complaint whose customer
has an email address gets one when it is logged (``deadlines.complaint_watch``), whichever way
it came in, so the acknowledgement email can carry it. Erasing the customer revokes it.

What the page shows is read here too: the stage in plain words, the promised moment, and the
messages between the customer and us (never internal notes).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.choices import CONTACT_BY, Channel, Direction, InteractionKind, Language
from complaints.models import CallbackPromise, Complaint, Interaction, PromiseState, StatusLink
from complaints.states import Stage

STATUS_SALT = "klachtwijzer.status"

# The stage as the customer reads it: four moments, not the triad's internal steps.
STAGE_WORDS: dict[str, Promise] = {
    Stage.RECEIVED: _("We received your complaint"),
    Stage.UNDERSTOOD: _("We are working on it"),
    Stage.APOLOGISED: _("We are working on it"),
    Stage.SOLVING: _("We are working on it"),
    Stage.RESOLVED: _("Resolved — we will check in with you in a month"),
    Stage.CLOSED: _("Closed"),
}
# The four steps shown as a row, and which of them the complaint has reached.
STEPS = (Stage.RECEIVED, Stage.SOLVING, Stage.RESOLVED, Stage.CLOSED)
_STEP_OF = {
    Stage.RECEIVED: 0,
    Stage.UNDERSTOOD: 1,
    Stage.APOLOGISED: 1,
    Stage.SOLVING: 1,
    Stage.RESOLVED: 2,
    Stage.CLOSED: 3,
}


class StatusLinkUnknown(Exception):
    """The token is forged, unknown, revoked, or its customer erased: the page is a 404."""


def status_token(public_id: str) -> str:
    return signing.Signer(salt=STATUS_SALT).sign(public_id)


def status_path(public_id: str, language: str) -> str:
    name = "public-status-en" if language == Language.ENGLISH else "public-status-nl"
    return reverse(name, args=[status_token(public_id)])


def status_url(public_id: str, language: str) -> str:
    return settings.SITE_URL + status_path(public_id, language)


def status_link_create(*, complaint: Complaint, now: datetime) -> StatusLink:
    """The complaint's status link, made once (inside the caller's transaction)."""
    link, _created = StatusLink.objects.get_or_create(
        complaint=complaint,
        defaults={"public_id": secrets.token_urlsafe(24), "created_at": now},
    )
    return link


def status_link_revoke(*, complaint_ids: list[int], now: datetime) -> int:
    """Revoke the links of these complaints (their customer's data is erased)."""
    return StatusLink.objects.filter(
        complaint_id__in=complaint_ids, revoked_at__isnull=True
    ).update(revoked_at=now)


def status_complaint_get(*, token: str) -> Complaint:
    """The complaint behind a live status link, with its customer and owner (one query)."""
    try:
        public_id = signing.Signer(salt=STATUS_SALT).unsign(token)
    except signing.BadSignature:
        raise StatusLinkUnknown from None
    complaint = (
        Complaint.objects.select_related("customer", "owner")
        .filter(
            status_link__public_id=public_id,
            status_link__revoked_at__isnull=True,
            customer__erased_at__isnull=True,
        )
        .first()
    )
    if complaint is None:
        raise StatusLinkUnknown
    return complaint


@dataclass(frozen=True)
class Promised:
    """The next moment we promised the customer, and how we will be in touch then."""

    at: datetime
    contact_by: str


@dataclass(frozen=True)
class StatusView:
    complaint: Complaint
    stage_words: str
    step: int
    promised: Promised | None
    hear_by: datetime | None
    messages: list[Interaction]


def _contact_by(channel: str) -> str:
    words = CONTACT_BY.get(Channel(channel)) if channel in Channel.values else None
    return str(words or "")


def _promised(complaint: Complaint, now: datetime) -> Promised | None:
    """The next scheduled callback promise, else the triad's promised moment if still ahead."""
    promise = (
        CallbackPromise.objects.filter(complaint=complaint, state=PromiseState.SCHEDULED)
        .order_by("due_at", "pk")
        .only("due_at", "channel")
        .first()
    )
    if promise is not None:
        return Promised(at=promise.due_at, contact_by=_contact_by(promise.channel))
    if complaint.stage in (Stage.RESOLVED, Stage.CLOSED):
        return None
    solution_at = (
        type(complaint)
        .objects.filter(pk=complaint.pk, solution__promised_at__gt=now)
        .values_list("solution__promised_at", flat=True)
        .first()
    )
    if solution_at is None:
        return None
    return Promised(at=solution_at, contact_by=_contact_by(complaint.channel))


def status_messages(complaint: Complaint) -> list[Interaction]:
    """What the customer wrote and what we sent them, oldest first; never an internal note."""
    return list(
        Interaction.objects.filter(complaint=complaint)
        .filter(
            Q(direction=Direction.INBOUND)
            # An email we sent is its text; an outbound call's summary is our own note of it.
            | Q(direction=Direction.OUTBOUND, kind=InteractionKind.EMAIL)
        )
        .exclude(kind=InteractionKind.NOTE)
        .only("direction", "kind", "summary", "occurred_at")
        .order_by("occurred_at", "pk")
    )


def status_view(*, complaint: Complaint, now: datetime | None = None) -> StatusView:
    now = now or timezone.now()
    stage = complaint.stage
    return StatusView(
        complaint=complaint,
        stage_words=str(STAGE_WORDS[stage]),
        step=_STEP_OF[Stage(stage)],
        promised=_promised(complaint, now),
        hear_by=(
            complaint.acknowledge_due_at
            if stage == Stage.RECEIVED and complaint.acknowledge_due_at > now
            else None
        ),
        messages=status_messages(complaint),
    )
