"""Reads on promises and follow-ups: what a user may see, soonest first, and the filters both
lists take (the API's filter set applies the same ``due_filter``)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from complaints import policies
from complaints.models import CallbackPromise, Complaint, FollowUp

DueContact = TypeVar("DueContact", CallbackPromise, FollowUp)


def _on_visible_complaints(user: User) -> Q:
    q = policies.visible_complaints_q(user)
    return Q() if q is None else Q(complaint__in=Complaint.objects.filter(q).values("pk"))


def due_filter(qs: QuerySet[DueContact], filters: dict[str, Any]) -> QuerySet[DueContact]:
    """Narrow a list of promises or follow-ups: ``state`` (a value or a list), ``owner`` (a
    user), ``complaint`` (a reference), ``due_after`` / ``due_before`` (moments)."""
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
    return qs


def _due_list(
    qs: QuerySet[DueContact], *, user: User, filters: dict[str, Any] | None
) -> QuerySet[DueContact]:
    return due_filter(qs.filter(_on_visible_complaints(user)), filters or {}).order_by(
        "due_at", "id"
    )


def _one(qs: QuerySet[DueContact], pk: int) -> DueContact:
    item = qs.filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def promise_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[CallbackPromise]:
    """The callback promises on complaints ``user`` may see, soonest first (``due_filter``)."""
    qs = CallbackPromise.objects.select_related(
        "complaint__customer", "owner__team", "created_by", "ended_by"
    )
    return _due_list(qs, user=user, filters=filters)


def promise_get_for_user(*, user: User, pk: int) -> CallbackPromise:
    """One promise, or 404 when it does not exist or its complaint is out of ``user``'s sight."""
    return _one(promise_list(user=user), pk)


def follow_up_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[FollowUp]:
    """The follow-ups on complaints ``user`` may see, soonest first (``due_filter``)."""
    qs = FollowUp.objects.select_related("complaint__customer", "owner__team", "ended_by")
    return _due_list(qs, user=user, filters=filters)


def follow_up_get_for_user(*, user: User, pk: int) -> FollowUp:
    """One follow-up, or 404 when it does not exist or its complaint is out of ``user``'s sight."""
    return _one(follow_up_list(user=user), pk)
