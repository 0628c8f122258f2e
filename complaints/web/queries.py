"""Reads the web pages need beyond the selectors. Each starts from a selector, so who may see
what is still decided in one place (``complaints.policies`` through ``complaints.selectors``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import Team, User
from complaints import selectors
from complaints.models import Complaint, Customer
from complaints.models.complaint import overdue_q
from complaints.states import OPEN_STAGES, Stage

OVERDUE, DUE_TODAY, LATER = 0, 1, 2


def _end_of_today(now: datetime) -> datetime:
    today = timezone.localtime(now).date()  # calendar: the next local midnight, 23–25 h on
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))


def with_urgency(qs: QuerySet[Complaint], *, now: datetime) -> QuerySet[Complaint]:
    """Annotate ``urgency`` (overdue, due today, later) and put the most urgent first."""
    end = _end_of_today(now)
    due_today = Q(stage__in=OPEN_STAGES) & (
        Q(resolve_due_at__lt=end) | Q(acknowledged_at__isnull=True, acknowledge_due_at__lt=end)
    )
    return qs.annotate(
        urgency=Case(
            When(overdue_q(now), then=Value(OVERDUE)),
            When(due_today, then=Value(DUE_TODAY)),
            default=Value(LATER),
            output_field=IntegerField(),
        )
    ).order_by("urgency", "resolve_due_at", "id")


def work_list(*, user: User, filters: dict[str, Any], now: datetime) -> QuerySet[Complaint]:
    return with_urgency(selectors.complaint_list(user=user, filters=filters), now=now)


def stage_counts(qs: QuerySet[Complaint]) -> dict[str, int]:
    """How many complaints of ``qs`` are in each stage, in one query."""
    rows = qs.order_by().values("stage").annotate(n=Count("id"))
    return {row["stage"]: row["n"] for row in rows}


def customer_other_complaints(
    *, user: User, customer: Customer, exclude: Complaint, limit: int = 20
) -> list[Complaint]:
    """The customer's earlier complaints that ``user`` may see, newest first."""
    qs = (
        selectors.complaint_visible(user=user)
        .filter(customer_id=customer.pk)
        .exclude(pk=exclude.pk)
        .order_by("-received_at", "-id")
    )
    return list(qs[:limit])


def supervises_a_team(user: User) -> bool:
    """Whether the manager views are for ``user``: a manager of a team, or an administrator."""
    if not user.is_active or not user.has_perm("complaints.supervise_complaint"):
        return False
    return user.has_perm("complaints.view_all_complaints") or (
        Team.objects.filter(manager=user).exists()
    )


def team_open_complaints(
    *, user: User, now: datetime, filters: dict[str, Any] | None = None
) -> QuerySet[Complaint]:
    """The open complaints of the teams ``user`` manages (every team for an administrator),
    narrowed by ``filters`` (the team page's)."""
    filters = {**(filters or {})}
    filters["stage"] = filters.get("stage") or [s.value for s in OPEN_STAGES]
    qs = selectors.complaint_list(user=user, filters=filters)
    if not user.has_perm("complaints.view_all_complaints"):
        qs = qs.filter(owner__team__manager=user)
    return with_urgency(qs, now=now)


STAGE_ORDER = [s.value for s in Stage]
