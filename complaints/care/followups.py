"""The one-month follow-up (nazorg): scheduled at resolution, completed by the owner or by the
customer's survey answer (``survey``), or waived with a reason.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ActionForbidden, ErrorCollector
from complaints import clock, policies
from complaints.care import common
from complaints.choices import Emotion
from complaints.models import (
    AnsweredVia,
    Complaint,
    FollowUp,
    FollowUpState,
)
from complaints.models.followups import nps_category
from complaints.scheduling import jobs

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
    common.check_may_change(follow_up, actor, ended=_ENDED)


def follow_up_lock(follow_up: FollowUp, actor: User | None) -> FollowUp:
    """The follow-up locked for a change by ``actor``, or by the customer (None)."""
    return common.lock(follow_up, actor, check=check_may_change_follow_up)


def check_nps(errors: ErrorCollector, nps: int | None, *, required: bool) -> None:
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
        locked = follow_up_lock(follow_up, actor)
        errors = ErrorCollector()
        if satisfied is None:
            errors.add("satisfied", _("Say whether the customer is satisfied now."))
        check_nps(errors, nps, required=False)
        errors.require("emotion_now", emotion_now)
        if emotion_now and emotion_now not in Emotion.values:
            errors.add("emotion_now", _("Choose one of the listed emotions."))
        errors.raise_if_any()
        return complete_locked(
            locked,
            actor=actor,
            via=AnsweredVia.AGENT,
            satisfied=satisfied,
            nps=nps,
            emotion_now=emotion_now,
            note=note,
            now=now,
        )


def complete_locked(
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
    """Complete a follow-up whose row the caller holds locked, the answer checked already."""
    return common.end(
        locked,
        state=FollowUpState.COMPLETED,
        actor=actor,
        now=now,
        details={
            "via": via,
            "satisfied": satisfied,
            "nps": nps,
            "nps_category": nps_category(nps),
            "emotion_now": emotion_now,
        },
        satisfied=satisfied,
        nps=nps,
        emotion_now=emotion_now,
        note=(note or "").strip(),
        answered_via=via,
    )


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
        return waive_locked(follow_up_lock(follow_up, actor), actor=actor, reason=reason, now=now)


def waive_locked(locked: FollowUp, *, actor: User, reason: str, now: datetime) -> FollowUp:
    """Waive a follow-up whose row (and its complaint's) the caller holds locked: permission
    first (403), then the reason (400); nothing is written when either refuses."""
    check_may_waive(locked, actor, now=now)
    early = now < locked.due_at
    return common.end_for_reason(
        locked, state=FollowUpState.WAIVED, reason=reason, actor=actor, now=now, early=early
    )


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
