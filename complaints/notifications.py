"""In-app notifications: their text in the reader's language, the list, marking them read.

A notification stores its kind and plain facts (``payload``); the words are made when it is
shown, so each reader sees them in their own language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import ActionForbidden
from complaints.models import Notification, NotificationKind


def moment_text(value: datetime | str | None) -> str:
    """A moment as the reader's language writes it, in the site's time zone."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return ""
    # Day, month and time, with no trailing period (English "p.m." would end a sentence twice).
    return formats.date_format(timezone.localtime(value), "j F Y H:i")


def deadline_name(deadline: str) -> str:
    return _("acknowledgement") if deadline == "acknowledge" else _("resolution")


def via_name(via: str) -> str:
    """How a customer's message came in, in the active language."""
    names = {"email": _("by email"), "status_page": _("on their status page")}
    return str(names.get(via, via))


def notification_text(kind: str, payload: dict[str, Any]) -> tuple[str, str]:
    """The title and the sentence of a notification, in the active language."""
    facts = {
        "reference": payload.get("reference", ""),
        "subject": payload.get("subject", ""),
        "customer": payload.get("customer", ""),
        "phone": payload.get("phone", ""),
        "purpose": payload.get("purpose", ""),
        "owner": payload.get("owner", ""),
        "moment": moment_text(payload.get("moment")),
        "deadline": deadline_name(payload.get("deadline", "")),
        "nps": payload.get("nps", ""),
        "version": payload.get("version", ""),
        "error": payload.get("error", ""),
        "excerpt": payload.get("excerpt", ""),
        "via": via_name(payload.get("via", "")),
    }
    if kind == NotificationKind.PROMISE_REMINDER:
        return (
            _("Callback due at %(moment)s") % facts,
            _(
                "%(reference)s: you promised to contact %(customer)s (%(phone)s) at %(moment)s "
                "about “%(purpose)s”."
            )
            % facts,
        )
    if kind == NotificationKind.PROMISE_BROKEN:
        return (
            _("Promise broken: %(reference)s") % facts,
            _(
                "%(owner)s promised to contact %(customer)s at %(moment)s about “%(purpose)s”, "
                "and it was not marked as kept."
            )
            % facts,
        )
    if kind == NotificationKind.FOLLOW_UP_DUE:
        return (
            _("Follow-up due: %(reference)s") % facts,
            _(
                "A month has passed: ask %(customer)s (%(phone)s) how they feel about “%(subject)s” now."
            )
            % facts,
        )
    if kind == NotificationKind.SURVEY_ANSWERED:
        return (
            _("Survey answered: %(reference)s") % facts,
            _("%(customer)s answered the follow-up survey with %(nps)s out of 10.") % facts,
        )
    if kind == NotificationKind.DEADLINE_WARNING:
        return (
            _("Deadline approaching: %(reference)s") % facts,
            _("The %(deadline)s deadline of “%(subject)s” passes at %(moment)s.") % facts,
        )
    if kind == NotificationKind.DEADLINE_BREACHED:
        return (
            _("Deadline missed: %(reference)s") % facts,
            _("The %(deadline)s deadline of “%(subject)s” (owner %(owner)s) passed at %(moment)s.")
            % facts,
        )
    if kind == NotificationKind.CUSTOMER_MESSAGE:
        return (
            _("The customer wrote: %(reference)s") % facts,
            _("%(customer)s wrote about “%(subject)s” (%(via)s): %(excerpt)s") % facts,
        )
    if kind == NotificationKind.LETTER_FAILED:
        return (
            _("Letter not sent: %(reference)s") % facts,
            _(
                "The goodwill letter to %(customer)s (version %(version)s) could not be sent: "
                "%(error)s Send it again from the letter's page."
            )
            % facts,
        )
    return (kind, "")


def notification_list(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The notifications addressed to ``user``, newest first."""
    qs = Notification.objects.filter(recipient=user).select_related("complaint")
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs


def notification_mark_read(
    *, notification: Notification, actor: User, now: datetime | None = None
) -> Notification:
    """Mark one of the actor's own notifications read (again is harmless)."""
    if notification.recipient_id != actor.pk:
        raise ActionForbidden(_("This notification is addressed to someone else."))
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, actor: User, now: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
