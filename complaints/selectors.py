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
    Complaint,
    ComplaintEvent,
    Customer,
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
