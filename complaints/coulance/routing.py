"""Who decides on a goodwill gesture: the owner's chain of managers and their approval limits.

A request waits for the first manager up the chain who may approve its amount in EUR. The
chain and the limits can change while a request waits (a transfer, a new team manager, a
raised limit); ``reroute_pending`` then moves it to whoever decides now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts import hierarchy
from accounts.models import User
from complaints import events
from complaints.models import CoulanceRequest, CoulanceStatus

logger = logging.getLogger(__name__)

# Why a pending request is looked at again (the event's "cause").
TRANSFER, APPROVERS = "transfer", "approvers"


def approval_chain(owner: User) -> list[User]:
    """The managers who may decide on coulance for ``owner``'s complaints, nearest first: the
    manager above the owner, then each manager above them (never the owner)."""
    return hierarchy.managers_above(owner)


def may_decide_at_all(user: User) -> bool:
    return user.is_active and user.has_perm("complaints.supervise_complaint")


@dataclass
class Route:
    """Where a request waits: the first manager up the chain who may approve the amount."""

    waiting_for: User | None
    passed: list[dict[str, Any]] = field(default_factory=list)


def approval_route(*, owner: User, requester: User, amount_eur: Decimal) -> Route:
    """Walk the chain: skip the requester, people who cannot approve, and limits too low."""
    passed: list[dict[str, Any]] = []
    for person in approval_chain(owner):
        if person.pk == requester.pk:
            why = "requester"
        elif not may_decide_at_all(person):
            why = "not_a_manager"
        elif person.approval_limit < amount_eur:
            why = "limit"
        else:
            return Route(waiting_for=person, passed=passed)
        passed.append(
            {
                "user_id": person.pk,
                "user": str(person),
                "why": why,
                "approval_limit": str(person.approval_limit),
            }
        )
    return Route(waiting_for=None, passed=passed)


# --- Re-routing --------------------------------------------------------------------------------


def reroute_pending(
    *,
    cause: str,
    complaint_id: int | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> list[CoulanceRequest]:
    """Move each pending request (of one complaint, or all of them) to whoever decides it now.

    A request waits for the first manager up the owner's chain who may approve its amount.
    That person changes when the complaint changes owner, or when a limit, a role, a team's
    manager or a ``reports_to`` changes: the request then moves, with a ``coulance_rerouted``
    event saying from whom to whom. A request that would wait for the same person is left
    alone, so running this again changes nothing. Each request is re-routed under its own row
    lock, so a manager deciding at the same moment either decides first (and the request is
    no longer pending) or sees the new route.
    """
    now = now or timezone.now()
    pending = CoulanceRequest.objects.filter(status=CoulanceStatus.PENDING)
    if complaint_id is not None:
        pending = pending.filter(complaint_id=complaint_id)
    moved: list[CoulanceRequest] = []
    for pk in pending.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            request = (
                CoulanceRequest.objects.select_for_update(of=("self",))
                .select_related("complaint__owner__team__manager", "requested_by", "waiting_for")
                .filter(pk=pk, status=CoulanceStatus.PENDING)
                .first()
            )
            if request is None:  # decided since the list was read
                continue
            route = approval_route(
                owner=request.complaint.owner,
                requester=request.requested_by,
                amount_eur=request.amount_eur,
            )
            waiting_for_id = route.waiting_for.pk if route.waiting_for else None
            if waiting_for_id == request.waiting_for_id:
                if route.passed != request.passed:  # e.g. another limit, still too low
                    request.passed = route.passed
                    request.save(update_fields=["passed"])
                continue
            before = request.waiting_for
            request.waiting_for = route.waiting_for
            request.passed = route.passed
            request.save(update_fields=["waiting_for", "passed"])
            events.coulance_rerouted_event(
                request=request,
                actor=actor,
                at=now,
                before=before,
                passed=route.passed,
                cause=cause,
            )
            moved.append(request)
    return moved


def on_approvers_changed(sender: object, *, actor: User | None = None, **kwargs: Any) -> None:
    """Receiver of ``accounts.signals.approvers_changed``: re-route every pending request.

    It runs after the admin's change has committed; should it fail, the change stands and the
    periodic ``complaints.coulance.reroute`` task does the re-routing within 15 minutes.
    """
    try:
        reroute_pending(cause=APPROVERS, actor=actor)
    except Exception:
        logger.exception("Re-routing pending coulance requests failed; the periodic task retries")
