"""Coulance personas: the team manager (limit € 250) reports to a director (limit € 1.000)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from accounts.models import User
from accounts.roles import Role
from complaints.coulance import services as coulance
from complaints.models import Complaint, CoulanceRequest
from complaints.states import Stage
from tests.factories import CustomerFactory, UserFactory, advance, make_complaint


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are asserted in English (the site's default language is Dutch)."""
    with translation.override("en"):
        yield


@pytest.fixture
def director(manager: User) -> User:
    boss = UserFactory(username="dirk", role=Role.MANAGER, approval_limit=Decimal("1000"))
    manager.reports_to = boss
    manager.save(update_fields=["reports_to"])
    return boss


@pytest.fixture
def complaint(agent: User, director: User) -> Complaint:
    """A Dutch customer's complaint, worked through the triad to resolved (not liable)."""
    customer = CustomerFactory(name="Jan Evers", email="jan.evers@example.nl", language="nl")
    complaint = make_complaint(owner=agent, customer=customer)
    return advance(complaint, to=Stage.RESOLVED)


def request_data(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "voucher",
        "amount": "25.00",
        "reason": "Klant is jarenlang trouw; de fout lag bij de bundelkeuze van de klant zelf.",
        "liability": "not_liable",
        "request_domain": "past",
        "assessment": "Redelijk en billijk: drie jaar betaald voor een ongebruikte bundel.",
        "balance": "win_win",
    } | overrides


def ask(complaint: Complaint, actor: User, **overrides: Any) -> CoulanceRequest:
    return coulance.coulance_request_create(
        complaint=complaint, actor=actor, **request_data(**overrides)
    )
