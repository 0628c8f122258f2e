"""The one-month follow-up (nazorg): scheduled at resolution, completed by the owner or by the
customer's survey answer, or waived with a reason.

The survey link's token is the invitation's random id, signed with the site's key: it says
nothing about the complaint, a forged one fails before the database is asked, and the
invitation row decides whether it is still valid (30 days) and unused.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints import clock, events, locks, policies
from complaints.choices import Emotion
from complaints.errors import (
    ActionForbidden,
    DomainError,
    ErrorCollector,
    TransitionNotAllowed,
)
from complaints.models import (
    AnsweredVia,
    Complaint,
    EventType,
    FollowUp,
    FollowUpState,
    Notification,
    NotificationKind,
    SurveyInvitation,
)
from complaints.scheduling import jobs
from complaints.scheduling.dispatch import SURVEY_SALT


class SurveyUnavailable(DomainError):
    """The survey link is forged, expired, used already, or its follow-up is done."""

    status_code = 400
    code = "survey_unavailable"
    default_message = _("This survey link is not valid.")


_ENDED = {
    FollowUpState.COMPLETED: _("This follow-up has been completed already."),
    FollowUpState.WAIVED: _("This follow-up was waived."),
    FollowUpState.CANCELLED: _("This follow-up was cancelled because the complaint was reopened."),
}


def follow_up_schedule(
    locked: Complaint, *, send_survey: bool | None = None, now: datetime
) -> FollowUp:
    """Schedule the follow-up of a complaint being resolved (the caller holds its lock).

    Calendar arithmetic, not a duration: the follow-up is ``FOLLOW_UP_DAYS`` calendar days on,
    at the local time of day it was resolved (resolved at 09:00 in March, called back at 09:00
    in April, summer time or not)."""
    follow_up = FollowUp.objects.create(
        complaint=locked,
        owner=locked.owner,
        due_at=clock.same_local_time_later(now, days=settings.FOLLOW_UP_DAYS),
        send_survey=settings.FOLLOW_UP_SURVEY_DEFAULT if send_survey is None else send_survey,
        created_at=now,
    )
    jobs.follow_up_job_schedule(follow_up, now=now)
    return follow_up


def follow_up_cancel_open(locked: Complaint, *, now: datetime) -> None:
    """A reopened complaint's pending follow-up no longer applies (resolving again schedules a
    new one). The caller holds the complaint's lock and writes the reopen event."""
    FollowUp.objects.filter(complaint=locked, state=FollowUpState.SCHEDULED).update(
        state=FollowUpState.CANCELLED, ended_at=now
    )


def check_may_change_follow_up(follow_up: FollowUp, actor: User) -> None:
    """403 unless ``actor`` works the complaint; 409 unless the follow-up is still open."""
    policies.ensure_can_work(actor, follow_up.complaint)
    if follow_up.state != FollowUpState.SCHEDULED:
        raise TransitionNotAllowed(_ENDED[FollowUpState(follow_up.state)])


def _lock(follow_up: FollowUp, actor: User | None) -> FollowUp:
    locks.complaints_key_share([follow_up.complaint_id])  # the complaint first (see locks)
    locked = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("complaint__owner__team", "complaint__customer")
        .get(pk=follow_up.pk)
    )
    if actor is not None:
        check_may_change_follow_up(locked, actor)
    return locked


def _check_nps(errors: ErrorCollector, nps: int | None, *, required: bool) -> None:
    if nps is None:
        if required:
            errors.add("nps", _("Give the answer from 0 to 10."))
    elif isinstance(nps, bool) or not isinstance(nps, int) or not 0 <= nps <= 10:
        errors.add("nps", _("The answer is a whole number from 0 to 10."))


def follow_up_complete(
    *,
    follow_up: FollowUp,
    actor: User,
    satisfied: bool | None,
    nps: int | None,
    emotion_now: str,
    note: str = "",
    now: datetime | None = None,
) -> FollowUp:
    """Record how the customer feels now: satisfied or not, the NPS answer (0–10), the emotion,
    and a note. ``nps`` may be None when the customer would not give a number."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(follow_up, actor)
        errors = ErrorCollector()
        if satisfied is None:
            errors.add("satisfied", _("Say whether the customer is satisfied now."))
        _check_nps(errors, nps, required=False)
        errors.require("emotion_now", emotion_now)
        if emotion_now and emotion_now not in Emotion.values:
            errors.add("emotion_now", _("Choose one of the listed emotions."))
        errors.raise_if_any()
        return _complete(
            locked,
            actor=actor,
            via=AnsweredVia.AGENT,
            satisfied=satisfied,
            nps=nps,
            emotion_now=emotion_now,
            note=note,
            now=now,
        )


def _complete(
    locked: FollowUp,
    *,
    actor: User | None,
    via: AnsweredVia,
    satisfied: bool | None,
    nps: int | None,
    emotion_now: str,
    note: str,
    now: datetime,
) -> FollowUp:
    locked.state = FollowUpState.COMPLETED
    locked.satisfied = satisfied
    locked.nps = nps
    locked.emotion_now = emotion_now
    locked.note = (note or "").strip()
    locked.answered_via = via
    locked.ended_at = now
    locked.ended_by = actor
    locked.save(
        update_fields=[
            "state",
            "satisfied",
            "nps",
            "emotion_now",
            "note",
            "answered_via",
            "ended_at",
            "ended_by",
        ]
    )
    events.follow_up_event(
        complaint=locked.complaint,
        type=EventType.FOLLOW_UP_COMPLETED,
        actor=actor,
        at=now,
        follow_up=locked,
        via=via,
        satisfied=satisfied,
        nps=nps,
        nps_category=locked.nps_category,
        emotion_now=emotion_now,
    )
    return locked


def check_may_waive(follow_up: FollowUp, actor: User, *, now: datetime) -> None:
    """403 unless ``actor`` may waive now: once the follow-up is due, whoever works the
    complaint; before that only the owner's manager (or an admin), because waiving early is
    how a complaint is closed before its follow-up."""
    if now < follow_up.due_at and not policies.supervises(actor, follow_up.complaint):
        raise ActionForbidden(
            _(
                "Before the follow-up is due only a manager may waive it, and so close the "
                "complaint early."
            )
        )


def follow_up_waive(
    *, follow_up: FollowUp, actor: User, reason: str, now: datetime | None = None
) -> FollowUp:
    """Skip the follow-up, with the reason (the customer asked not to be contacted)."""
    now = now or timezone.now()
    with transaction.atomic():
        return waive_locked(_lock(follow_up, actor), actor=actor, reason=reason, now=now)


def waive_locked(locked: FollowUp, *, actor: User, reason: str, now: datetime) -> FollowUp:
    """Waive a follow-up whose row (and its complaint's) the caller holds locked: permission
    first (403), then the reason (400); nothing is written when either refuses."""
    check_may_waive(locked, actor, now=now)
    errors = ErrorCollector()
    errors.require("reason", reason)
    errors.raise_if_any()
    locked.state = FollowUpState.WAIVED
    locked.waive_reason = reason.strip()
    locked.ended_at = now
    locked.ended_by = actor
    locked.save(update_fields=["state", "waive_reason", "ended_at", "ended_by"])
    events.follow_up_event(
        complaint=locked.complaint,
        type=EventType.FOLLOW_UP_WAIVED,
        actor=actor,
        at=now,
        follow_up=locked,
        reason=locked.waive_reason,
        early=now < locked.due_at,
    )
    return locked


# --- Closing waits for the follow-up -----------------------------------------------------------


def follow_up_awaited(complaint: Complaint) -> FollowUp | None:
    """The follow-up a resolved complaint still waits for before it may close (only reads)."""
    return (
        FollowUp.objects.filter(complaint=complaint, state=FollowUpState.SCHEDULED)
        .order_by("-created_at", "-id")
        .first()
    )


def follow_up_awaited_locked(locked: Complaint) -> FollowUp | None:
    """The same, its row locked; the caller holds the complaint's lock (``FOR UPDATE``)."""
    return (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("complaint__owner__team")
        .filter(complaint=locked, state=FollowUpState.SCHEDULED)
        .first()
    )


def may_close_soon(actor: User, complaint: Complaint, *, now: datetime) -> bool:
    """Whether closing is open to ``actor`` now, given the follow-up: when none is awaited,
    once it is due (by recording or waiving it), or before then for a manager (by waiving)."""
    awaited = follow_up_awaited(complaint)
    return awaited is None or awaited.due_at <= now or policies.supervises(actor, complaint)


def closing_waits(follow_up: FollowUp) -> str:
    """Why the complaint cannot close yet, in words, with the day the follow-up is due."""
    day = formats.date_format(timezone.localdate(follow_up.due_at), "DATE_FORMAT")
    return str(
        _(
            "Closing waits for the follow-up due on %(day)s: record how the customer feels "
            "then, or waive the follow-up with a reason. A manager may close earlier by "
            "waiving it with a reason."
        )
        % {"day": day}
    )


# --- The customer's survey ---------------------------------------------------------------------


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
    _check_nps(errors, nps, required=True)
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
            invitation.follow_up = _lock(invitation.follow_up, None)
        _check_invitation(invitation, now)
        errors.raise_if_any()
        assert invitation is not None
        SurveyInvitation.objects.filter(pk=invitation.pk).update(used_at=now)
        follow_up = _complete(
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
