"""Reads: what a user may see, filtered, with the related rows a page needs fetched up front."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from complaints import list_filters, policies
from complaints.models import (
    Attachment,
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


def complaint_attachments(*, complaint: Complaint) -> QuerySet[Attachment]:
    """The complaint's files, the refused ones included (the page lists them with the reason)."""
    return complaint.attachments.select_related("uploaded_by").order_by("created_at", "id")


def attachment_get_for_user(*, user: User, pk: int) -> Attachment:
    """A stored attachment of a complaint ``user`` may see, or 404 (also for a refused one:
    there is no file)."""
    attachment = (
        Attachment.objects.filter(pk=pk, complaint__in=complaint_visible(user=user))
        .exclude(file="")
        .select_related("complaint")
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


SEARCH_MIN_LENGTH = 3
SEARCH_LIMIT = 10


def customer_visible(*, user: User) -> QuerySet[Customer]:
    """The customers whose details ``user`` may read or change: those with a complaint the user
    sees. Who sees every complaint (Quality, administrators) sees every customer."""
    if not user.has_perm("complaints.view_customer"):
        return Customer.objects.none()
    q = policies.visible_complaints_q(user)
    if q is None:
        return Customer.objects.all()
    theirs = Complaint.objects.filter(q, customer=OuterRef("pk"))
    return Customer.objects.filter(Exists(theirs))


def customer_get_for_user(*, user: User, pk: int) -> Customer:
    """The customer, or 404 when they do not exist or ``user`` sees none of their complaints
    (404, not 403: whether a customer exists is not told either)."""
    customer = customer_visible(user=user).filter(pk=pk).first()
    if customer is None:
        raise Http404
    return customer


def customer_search(*, user: User, term: str, limit: int = SEARCH_LIMIT) -> list[Customer]:
    """At most ``limit`` + 1 customers matching ``term`` (the one more says there are more),
    among all customers: whoever logs a complaint must be able to find its customer. The
    caller shows only enough to pick one (see ``privacy.mask_email``) and records the search.
    """
    text = term.strip()
    if len(text) < SEARCH_MIN_LENGTH or not user.has_perm("complaints.view_customer"):
        return []
    # An erased customer has nothing left to be found by (and must not be picked again).
    qs = Customer.objects.filter(erased_at__isnull=True).filter(
        Q(name__icontains=text)
        | Q(email__icontains=text)
        | Q(customer_number__iexact=text)
        | Q(phone__icontains=text)
    )
    return list(qs.order_by("name", "id")[: limit + 1])


def customer_pickable(*, user: User) -> QuerySet[Customer]:
    """The customers a new complaint may be picked for: any (found by a search; an erased one
    is refused by ``services.complaint_create`` with its reason)."""
    if not user.has_perm("complaints.view_customer"):
        return Customer.objects.none()
    return Customer.objects.all()


def root_cause_choices(*, include_retired: bool = False) -> QuerySet[RootCause]:
    """The causes that can be given when resolving (level two of the taxonomy)."""
    qs = RootCause.objects.filter(parent__isnull=False).select_related("parent")
    return qs if include_retired else qs.filter(active=True, parent__active=True)
