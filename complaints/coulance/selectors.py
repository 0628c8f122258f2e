"""Reads on coulance: what a user may see, the approval queue, totals per complaint."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404

from accounts.models import User
from complaints.coulance import letters
from complaints.models import (
    Complaint,
    CoulanceLetter,
    CoulanceRequest,
    CoulanceStatus,
    LetterStatus,
)
from complaints.selectors import complaint_visible


def coulance_visible(*, user: User) -> QuerySet[CoulanceRequest]:
    """Requests on complaints ``user`` may see, plus those waiting for or decided by them
    (a manager higher up may not see the team's complaints otherwise)."""
    if not user.is_active:
        return CoulanceRequest.objects.none()
    visible = Q(complaint_id__in=complaint_visible(user=user).values("pk"))
    return CoulanceRequest.objects.filter(visible | Q(waiting_for=user) | Q(decided_by=user))


def coulance_list(
    *, user: User, filters: dict[str, Any] | None = None
) -> QuerySet[CoulanceRequest]:
    """The requests ``user`` may see, newest first, narrowed by ``filters`` (API and UI)."""
    qs = coulance_visible(user=user).select_related(
        "complaint__customer",
        "complaint__owner__team",
        "requested_by",
        "waiting_for",
        "decided_by",
    )
    return coulance_filter(qs, filters or {})


def coulance_filter(
    qs: QuerySet[CoulanceRequest], filters: dict[str, Any]
) -> QuerySet[CoulanceRequest]:
    if statuses := filters.get("status"):
        qs = qs.filter(status__in=statuses if isinstance(statuses, list | tuple) else [statuses])
    if team := filters.get("team"):
        qs = qs.filter(complaint__owner__team=team)
    if (amount_min := filters.get("amount_min")) is not None:
        qs = qs.filter(amount__gte=amount_min)
    if (amount_max := filters.get("amount_max")) is not None:
        qs = qs.filter(amount__lte=amount_max)
    if currency := filters.get("currency"):
        qs = qs.filter(currency=currency.upper())
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if complaint := filters.get("complaint"):
        qs = qs.filter(complaint__reference=complaint)
    if waiting_for := filters.get("waiting_for"):
        qs = qs.filter(waiting_for=waiting_for, status=CoulanceStatus.PENDING)
    return qs


def coulance_get_for_user(*, user: User, pk: int) -> CoulanceRequest:
    """The request, or 404 when it does not exist or ``user`` may not see it."""
    request = coulance_list(user=user).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def coulance_pending_for(*, user: User) -> QuerySet[CoulanceRequest]:
    """The approval queue: pending requests waiting for ``user``, oldest first, with what a
    manager needs to decide (complaint, customer, requester)."""
    return (
        CoulanceRequest.objects.filter(status=CoulanceStatus.PENDING, waiting_for=user)
        .select_related("complaint__customer", "complaint__owner__team", "requested_by")
        .order_by("requested_at", "id")
    )


def coulance_pending_count(*, user: User) -> int:
    """The number on the manager's badge."""
    return CoulanceRequest.objects.filter(status=CoulanceStatus.PENDING, waiting_for=user).count()


def coulance_for_complaint(*, complaint: Complaint) -> QuerySet[CoulanceRequest]:
    """A complaint's requests with their letters (newest version first), for its page."""
    return (
        complaint.coulance_requests.select_related("requested_by", "waiting_for", "decided_by")
        .prefetch_related(
            Prefetch("letters", queryset=CoulanceLetter.objects.defer("pdf").order_by("-version"))
        )
        .order_by("requested_at", "id")
    )


def coulance_total_granted(*, complaint: Complaint) -> dict[str, Decimal]:
    """What was approved on the complaint, per currency: ``{"EUR": Decimal("40.00")}``."""
    rows = (
        complaint.coulance_requests.filter(status=CoulanceStatus.APPROVED)
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return {row["currency"]: row["total"] for row in rows}


def coulance_contribution_granted(*, complaint: Complaint) -> str:
    """What the customer contributed as the newest approved request says ("" when none does):
    the resolve form offers it when the complaint has none of its own."""
    return (
        complaint.coulance_requests.filter(status=CoulanceStatus.APPROVED)
        .exclude(customer_contribution="")
        .order_by("-decided_at", "-id")
        .values_list("customer_contribution", flat=True)
        .first()
    ) or ""


def coulance_letter_current(*, coulance_request: CoulanceRequest) -> CoulanceLetter | None:
    """The newest letter version of the request, or None (not approved yet, or rejected)."""
    return coulance_request.letters.order_by("-version").first()


def coulance_letters(*, coulance_request: CoulanceRequest) -> QuerySet[CoulanceLetter]:
    return coulance_request.letters.defer("pdf").order_by("version")


def coulance_letter_get_for_user(*, user: User, pk: int) -> CoulanceLetter:
    """The letter, or 404 when it does not exist or ``user`` may not see its request."""
    letter = (
        CoulanceLetter.objects.filter(pk=pk, request__in=coulance_visible(user=user))
        .select_related("request__complaint__customer", "request__complaint__owner__team")
        .first()
    )
    if letter is None:
        raise Http404
    return letter


def coulance_letter_saying_not_liable(*, complaint: Complaint) -> CoulanceLetter | None:
    """The letter on ``complaint`` that has told the customer the company is not liable, if
    one has: of each request, the newest version that is sent or on its way. A newer version
    that no longer says so (a correction) clears it; a draft or a failed letter says nothing
    to the customer."""
    frozen = (
        CoulanceLetter.objects.filter(
            request__complaint=complaint,
            status__in=[LetterStatus.QUEUED, LetterStatus.SENDING, LetterStatus.SENT],
        )
        .select_related("request")
        .order_by("request_id", "-version")
    )
    newest: dict[int, CoulanceLetter] = {}
    for letter in frozen:
        newest.setdefault(letter.request_id, letter)
    for letter in newest.values():
        if letters.states_not_liable(letter.body, letter.language):
            return letter
    return None
