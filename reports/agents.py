"""Learning per agent (coaching): each agent's promise keeping, emotion journey, NPS after the
follow-up, triad timing and goodwill given, over a period.

The definitions are the report's (``reports.experience`` and ``reports.figures``), grouped by
agent: five GROUP BY queries whatever the number of agents. A complaint's figures belong to its
owner, its promises to the promise's owner, a goodwill gesture to whoever requested it.

Small numbers are shown as such: no share and no NPS over fewer than ``MIN_CASES`` cases (the
counts are always there), so that one unhappy customer does not make an agent's percentage.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ErrorCollector
from complaints.models import (
    CallbackPromise,
    Complaint,
    CoulanceRequest,
    CoulanceStatus,
    FollowUp,
    FollowUpState,
    PromiseOrigin,
    PromiseState,
)
from reports.aggregates import Seconds, grouped_percentiles
from reports.experience import (
    JOURNEY_LEGS,
    NPS_GROUPS,
    SHIFT_METRICS,
    TRIAD_STEPS,
    shift_counts,
    valence,
)
from reports.figure_parts import FRACTIONS, Period, share, timing
from reports.services import check_period

MIN_CASES = 5
DEFAULT_DAYS = 90


# --- Whose figures ----------------------------------------------------------------------------


def _handles_complaints() -> Q:
    """Users who may own complaints: agents, managers and admins (by their groups' rights)."""
    return Q(is_superuser=True) | Q(
        groups__permissions__codename="work_complaint",
        groups__permissions__content_type__app_label="complaints",
    )


def agents_in_scope(viewer: User) -> QuerySet[User]:
    """Whose figures ``viewer`` may read: Quality and admins everyone who handles complaints; a
    manager the members of the teams they manage, and themself; an agent only themself."""
    people = User.objects.filter(is_active=True).filter(_handles_complaints())
    if not viewer.is_active:
        return User.objects.none()
    if viewer.has_perm("complaints.view_all_complaints"):
        scoped = people
    elif viewer.has_perm("complaints.supervise_complaint"):
        scoped = people.filter(Q(team__manager=viewer) | Q(pk=viewer.pk))
    elif viewer.has_perm("complaints.work_complaint"):
        scoped = people.filter(pk=viewer.pk)
    else:
        return User.objects.none()
    # One row per person (the groups join may repeat them), in name order.
    return (
        User.objects.filter(pk__in=scoped.values("pk"))
        .select_related("team")
        .order_by("first_name", "last_name", "username")
    )


def agent_in_scope(viewer: User, pk: int) -> User:
    """One agent whose figures ``viewer`` may read; outside their scope it does not exist (404)."""
    found = agents_in_scope(viewer).filter(pk=pk).first()
    if found is None:
        raise Http404(_("There are no figures of this person that you may see."))
    return found


# --- The period -------------------------------------------------------------------------------


def figures_period(start: date | None, end: date | None, *, today: date | None = None) -> Period:
    """The period asked for; without one, the last ``DEFAULT_DAYS`` days up to today. The same
    rules as a report's period (not empty, not in the future, at most two years): 400 otherwise."""
    today = today or timezone.localdate()
    if start is None and end is None:
        return Period(today - timedelta(days=DEFAULT_DAYS - 1), today)
    if start is None and end is not None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if end is None:
        end = today
    errors = ErrorCollector()
    check_period(errors, start, end, today=today)
    errors.raise_if_any()
    if start is None:
        raise ValueError("start is missing")
    return Period(start, end)


# --- The figures ------------------------------------------------------------------------------


def few(part: int, whole: int) -> float | None:
    """A share, but none over fewer than ``MIN_CASES`` cases."""
    return None if whole < MIN_CASES else share(part, whole)


def _shift(row: dict[str, Any] | None, prefix: str) -> dict[str, Any]:
    found = {metric: (row or {}).get(f"{prefix}{metric}", 0) for metric in SHIFT_METRICS}
    return {**found, "better_share": few(found["better"], found["compared"])}


def _nps(row: dict[str, Any] | None) -> dict[str, Any]:
    counts = {key: (row or {}).get(key, 0) for key in NPS_GROUPS}
    answers = counts["answers"]
    score = (
        None
        if answers < MIN_CASES
        else round((counts["promoters"] - counts["detractors"]) * 100 / answers, 1)
    )
    return {**counts, "nps": score}


def _by(rows: Any, key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows}


def agent_figures(agents: list[User], period: Period) -> list[dict[str, Any]]:
    """Every figure of each agent in ``agents`` over ``period``, in the order given."""
    ids = [agent.pk for agent in agents]
    start, end = period.start_at, period.end_at
    promises = _by(
        CallbackPromise.objects.filter(owner_id__in=ids, due_at__gte=start, due_at__lt=end)
        .values("owner_id")
        .annotate(
            kept=Count("id", filter=Q(state=PromiseState.KEPT)),
            broken=Count("id", filter=Q(state=PromiseState.BROKEN)),
            unreachable=Count("id", filter=Q(state=PromiseState.UNREACHABLE)),
            rescheduled=Count("id", filter=Q(origin=PromiseOrigin.RESCHEDULED)),
        )
        .order_by("owner_id"),
        "owner_id",
    )
    resolved = grouped_percentiles(
        Complaint.objects.filter(
            owner_id__in=ids, resolved_at__gte=start, resolved_at__lt=end
        ).annotate(before=valence("emotion_at_intake"), mid=valence("emotion_at_resolution")),
        "owner_id",
        {name: Seconds(finish, begin) for name, finish, begin in TRIAD_STEPS},
        FRACTIONS,
        resolved=Count("id"),
        complete=Count(
            "id",
            filter=Q(understanding__isnull=False, apology__isnull=False, solution__isnull=False),
        ),
        **shift_counts("intake_resolution_", "before", "mid"),
    )
    follow_ups = _by(
        FollowUp.objects.filter(
            complaint__owner_id__in=ids,
            state=FollowUpState.COMPLETED,
            ended_at__gte=start,
            ended_at__lt=end,
        )
        .annotate(
            before=valence("complaint__emotion_at_intake"),
            mid=valence("complaint__emotion_at_resolution"),
            after=valence("emotion_now"),
        )
        .values("complaint__owner_id")
        .annotate(
            followed_up=Count("id"),
            **shift_counts("resolution_follow_up_", "mid", "after"),
            **shift_counts("intake_follow_up_", "before", "after"),
            **{
                key: Count("id", filter=Q(nps__isnull=False) & condition)
                for key, condition in NPS_GROUPS.items()
            },
        )
        .order_by("complaint__owner_id"),
        "complaint__owner_id",
    )
    goodwill = _by(
        CoulanceRequest.objects.filter(
            requested_by_id__in=ids,
            status=CoulanceStatus.APPROVED,
            decided_at__gte=start,
            decided_at__lt=end,
        )
        .values("requested_by_id")
        .annotate(count=Count("id"), amount=Sum("amount_eur"))
        .order_by("requested_by_id"),
        "requested_by_id",
    )
    return [
        _one(
            agent,
            promises.get(agent.pk),
            resolved.get(agent.pk),
            follow_ups.get(agent.pk),
            goodwill.get(agent.pk),
        )
        for agent in agents
    ]


def _one(
    agent: User,
    promise: dict[str, Any] | None,
    resolved: dict[str, Any] | None,
    follow_up: dict[str, Any] | None,
    goodwill: dict[str, Any] | None,
) -> dict[str, Any]:
    kept = (promise or {}).get("kept", 0)
    broken = (promise or {}).get("broken", 0)
    found_resolved = (resolved or {}).get("resolved", 0)
    complete = (resolved or {}).get("complete", 0)
    journey: dict[str, Any] = {
        "resolved": found_resolved,
        "followed_up": (follow_up or {}).get("followed_up", 0),
    }
    for leg, _first, _second in JOURNEY_LEGS:
        journey[leg] = _shift(resolved if leg == "intake_resolution" else follow_up, f"{leg}_")
    empty_timing = {"count": 0, **dict.fromkeys(FRACTIONS)}
    amount: Decimal = (goodwill or {}).get("amount") or Decimal("0")
    return {
        "agent": agent,
        "promises": {
            "kept": kept,
            "broken": broken,
            "unreachable": (promise or {}).get("unreachable", 0),
            "rescheduled": (promise or {}).get("rescheduled", 0),
            "rate": few(kept, kept + broken),
        },
        "emotions": journey,
        "nps": _nps(follow_up),
        "triad": {
            "resolved": found_resolved,
            "complete": complete,
            "share": few(complete, found_resolved),
            "steps": [
                {"step": name, **timing((resolved or {}).get(name, empty_timing))}
                for name, _end, _start in TRIAD_STEPS
            ],
        },
        "goodwill": {"count": (goodwill or {}).get("count", 0), "amount_eur": f"{amount:.2f}"},
    }
