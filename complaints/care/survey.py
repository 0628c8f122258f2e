"""The customer's survey: the personal link in the follow-up's email, read and answered.

The survey link's token is the invitation's random id, signed with the site's key: it says
nothing about the complaint, a forged one fails before the database is asked, and the
invitation row decides whether it is still valid (30 days) and unused. Answering completes
the follow-up (``followups``). The page itself is ``complaints.web.survey``.
"""

from __future__ import annotations

from datetime import datetime

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError, ErrorCollector
from complaints.care import followups
from complaints.models import (
    AnsweredVia,
    FollowUp,
    FollowUpState,
    Notification,
    NotificationKind,
    SurveyInvitation,
)
from complaints.scheduling.dispatch import SURVEY_SALT


class SurveyUnavailable(DomainError):
    """The survey link is forged, expired, used already, or its follow-up is done."""

    status_code = 400
    code = "survey_unavailable"
    default_message = _("This survey link is not valid.")


def _invitation_id(token: str) -> str:
    try:
        return signing.Signer(salt=SURVEY_SALT).unsign(token)
    except signing.BadSignature:
        raise SurveyUnavailable(
            _("This link is not valid. Please use the link from our email exactly as it is.")
        ) from None


def _check_invitation(invitation: SurveyInvitation | None, now: datetime) -> SurveyInvitation:
    if invitation is None:
        raise SurveyUnavailable(
            _("This link is not valid. Please use the link from our email exactly as it is.")
        )
    if invitation.used_at is not None or invitation.follow_up.state == FollowUpState.COMPLETED:
        raise SurveyUnavailable(_("This survey has been answered already. Thank you!"))
    if invitation.follow_up.state != FollowUpState.SCHEDULED:
        raise SurveyUnavailable(_("This survey is closed."))
    if invitation.expires_at <= now:
        raise SurveyUnavailable(_("This survey link has expired."))
    return invitation


def survey_get(*, token: str, now: datetime | None = None) -> SurveyInvitation:
    """The invitation behind a survey link that may still be answered (only reads)."""
    public_id = _invitation_id(token)
    invitation = (
        SurveyInvitation.objects.select_related("follow_up").filter(public_id=public_id).first()
    )
    return _check_invitation(invitation, now or timezone.now())


def survey_language(token: str) -> str | None:
    """The language of a survey link's invitation, whatever its state (for the page's words)."""
    try:
        public_id = signing.Signer(salt=SURVEY_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return (
        SurveyInvitation.objects.filter(public_id=public_id)
        .values_list("language", flat=True)
        .first()
    )


def survey_submit(
    *, token: str, nps: int | None, comment: str = "", now: datetime | None = None
) -> FollowUp:
    """The customer's answer: uses the link up and completes the follow-up."""
    now = now or timezone.now()
    public_id = _invitation_id(token)
    errors = ErrorCollector()
    followups.check_nps(errors, nps, required=True)
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update()
            .filter(public_id=public_id)
            .select_related("follow_up")
            .first()
        )
        if invitation is not None:
            # The follow-up's lock (after its complaint's): the owner may be completing or
            # waiving it right now, and the state is checked on the fresh row.
            invitation.follow_up = followups.follow_up_lock(invitation.follow_up, None)
        _check_invitation(invitation, now)
        errors.raise_if_any()
        if invitation is None:
            raise ValueError("invitation is missing")
        SurveyInvitation.objects.filter(pk=invitation.pk).update(used_at=now)
        follow_up = followups.complete_locked(
            invitation.follow_up,
            actor=None,
            via=AnsweredVia.SURVEY,
            satisfied=None,
            nps=nps,
            emotion_now="",
            note=comment,
            now=now,
        )
        complaint = follow_up.complaint
        Notification.objects.get_or_create(
            key=f"survey_answered:{follow_up.pk}:{follow_up.owner_id}",
            defaults={
                "recipient_id": follow_up.owner_id,
                "kind": NotificationKind.SURVEY_ANSWERED,
                "complaint": complaint,
                "follow_up": follow_up,
                "payload": {
                    "reference": complaint.reference,
                    "subject": complaint.subject,
                    "customer": complaint.customer.name,
                    "nps": nps,
                },
                "created_at": now,
            },
        )
    return follow_up
