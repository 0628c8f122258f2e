"""Reads: what a user may see, filtered, with the related rows a page needs fetched up front."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from complaints import list_filters, policies
from complaints.models import (
    CallbackPromise,
    Complaint,
    ComplaintEvent,
    Customer,
    FollowUp,
    Interaction,
    RootCause,
)


def complaint_visible(*, user: User) -> QuerySet[Complaint]:
    q = policies.visible_complaints_q(user)
    qs = Complaint.objects.all()
    return qs if q is None else qs.filter(q)


def complaint_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Complaint]:
    """The complaints ``user`` may see, narrowed by ``filters`` (the API's and the UI's)."""
    qs = complaint_visible(user=user).select_related(
        "customer", "owner", "owner__team", "root_cause"
    )
    return complaint_filter(qs, filters or {})


def complaint_filter(qs: QuerySet[Complaint], filters: dict[str, Any]) -> QuerySet[Complaint]:
    """``qs`` narrowed by ``filters`` as ``complaints.list_filters`` declares them."""
    now: datetime = filters.get("now") or timezone.now()
    return qs.filter(*list_filters.narrowing(filters, now))


def complaint_get_for_user(*, user: User, reference: str) -> Complaint:
    """The complaint, or 404 when it does not exist or ``user`` may not see it."""
    complaint = (
        complaint_visible(user=user)
        .select_related(
            "customer",
            "owner",
            "owner__team",
            "root_cause",
            "root_cause__parent",
            # The steps with who recorded them (and that person's team, which the API shows).
            "understanding__recorded_by__team",
            "apology__recorded_by__team",
            "solution__recorded_by__team",
        )
        .filter(reference=reference)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def complaint_timeline(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor__team").order_by("created_at", "id")


def complaint_interactions(*, complaint: Complaint) -> QuerySet[Interaction]:
    return complaint.interactions.select_related("author__team").order_by("occurred_at", "id")


def customer_list(*, user: User, q: str = "") -> QuerySet[Customer]:
    if not user.has_perm("complaints.view_customer"):
        return Customer.objects.none()
    qs = Customer.objects.all()
    if text := q.strip():
        # An erased customer has nothing left to be found by (and must not be picked again).
        qs = qs.filter(erased_at__isnull=True).filter(
            Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(customer_number__iexact=text)
            | Q(phone__icontains=text)
        )
    return qs


def root_cause_choices(*, include_retired: bool = False) -> QuerySet[RootCause]:
    """The causes that can be given when resolving (level two of the taxonomy)."""
    qs = RootCause.objects.filter(parent__isnull=False).select_related("parent")
    return qs if include_retired else qs.filter(active=True, parent__active=True)


# --- Promises, follow-ups ----------------------------------------------------------------------


def _on_visible_complaints(user: User) -> Q:
    q = policies.visible_complaints_q(user)
    return Q() if q is None else Q(complaint__in=Complaint.objects.filter(q).values("pk"))


def promise_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[CallbackPromise]:
    """The callback promises on complaints ``user`` may see, soonest first.

    Filters: ``state`` (a value or a list), ``owner`` (a user), ``complaint`` (a reference),
    ``due_after`` / ``due_before`` (moments).
    """
    filters = filters or {}
    qs = CallbackPromise.objects.filter(_on_visible_complaints(user)).select_related(
        "complaint__customer", "owner__team", "created_by", "ended_by"
    )
    if states := filters.get("state"):
        qs = qs.filter(state__in=states if isinstance(states, list | tuple) else [states])
    if owner := filters.get("owner"):
        qs = qs.filter(owner=owner)
    if reference := filters.get("complaint"):
        qs = qs.filter(complaint__reference=reference)
    if due_after := filters.get("due_after"):
        qs = qs.filter(due_at__gte=due_after)
    if due_before := filters.get("due_before"):
        qs = qs.filter(due_at__lt=due_before)
    return qs.order_by("due_at", "id")


def promise_get_for_user(*, user: User, pk: int) -> CallbackPromise:
    """One promise, or 404 when it does not exist or its complaint is out of ``user``'s sight."""
    promise = promise_list(user=user).filter(pk=pk).first()
    if promise is None:
        raise Http404
    return promise


def follow_up_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[FollowUp]:
    """The follow-ups on complaints ``user`` may see, soonest first (same filters as promises)."""
    filters = filters or {}
    qs = FollowUp.objects.filter(_on_visible_complaints(user)).select_related(
        "complaint__customer", "owner__team", "ended_by"
    )
    if states := filters.get("state"):
        qs = qs.filter(state__in=states if isinstance(states, list | tuple) else [states])
    if owner := filters.get("owner"):
        qs = qs.filter(owner=owner)
    if reference := filters.get("complaint"):
        qs = qs.filter(complaint__reference=reference)
    if due_after := filters.get("due_after"):
        qs = qs.filter(due_at__gte=due_after)
    if due_before := filters.get("due_before"):
        qs = qs.filter(due_at__lt=due_before)
    return qs.order_by("due_at", "id")


def follow_up_get_for_user(*, user: User, pk: int) -> FollowUp:
    follow_up = follow_up_list(user=user).filter(pk=pk).first()
    if follow_up is None:
        raise Http404
    return follow_up
