"""A customer whose details are everywhere: steps, contacts, promises, coulance, emails, events."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from complaints import services, workflow
from complaints.care import promises
from complaints.coulance import services as coulance
from complaints.models import Complaint, Customer, Notification, NotificationKind
from complaints.scheduling import outbox
from complaints.states import Stage
from tests.coulance.conftest import request_data
from tests.factories import CustomerFactory, make_complaint, step_data
from tests.web.conftest import client_as  # noqa: F401  (the web tests' logged-in client)

NAME = "Evelien Markerdaal"
EMAIL = "evelien.markerdaal@example.nl"
PHONE = "+31 6 9911 2233"
NUMBER = "KM-778899"
MARKERS = ["Markerdaal", "markerdaal", "9911 2233", "778899"]
# The free texts of each step, with the customer's name in them as agents write it.
TEXT_KEYS = {
    "acknowledgement",
    "apology",
    "facts_summary",
    "next_steps",
    "resolution_summary",
    "alternatives_offered",
}


@pytest.fixture(autouse=True)
def emails_stay_in_the_outbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "kick_sender", lambda: None)


NEXT = {
    Stage.RECEIVED: "understand",
    Stage.UNDERSTOOD: "apologise",
    Stage.APOLOGISED: "solve",
    Stage.SOLVING: "resolve",
}


def _walk(complaint: Complaint, actor: User, to: Stage) -> Complaint:
    while complaint.stage != to:
        name = NEXT[Stage(complaint.stage)]
        data = {
            k: f"{v} (mevrouw Markerdaal)" if k in TEXT_KEYS else v
            for k, v in step_data(name).items()
        }
        complaint = getattr(workflow, name)(complaint, actor=actor, **data)
    return complaint


@pytest.fixture
def customer(db: None) -> Customer:
    return CustomerFactory(
        name=NAME, email=EMAIL, phone=PHONE, customer_number=NUMBER, language="nl"
    )


@pytest.fixture
def history(customer, agent, manager) -> Complaint:
    """A resolved complaint that touched everything: steps, a contact, a promise told to the
    customer, a transfer within the team, a goodwill gesture with its letter, a notification,
    the follow-up due in a month, and emails in the outbox."""
    complaint = make_complaint(
        owner=agent, customer=customer, subject="Markerdaal: dubbele factuur", facts=f"{NAME} …"
    )
    services.interaction_add(
        complaint=complaint, actor=agent, kind="call", summary="Mevrouw Markerdaal gebeld."
    )
    complaint = _walk(complaint, agent, Stage.SOLVING)
    promises.promise_create(
        complaint=complaint,
        actor=agent,
        due_at=timezone.now() + timedelta(days=2),
        purpose="Terugbellen over Markerdaal",
        notify_customer=True,
    )
    manager.approval_limit = Decimal("250")
    manager.save(update_fields=["approval_limit"])
    request = coulance.coulance_request_create(
        complaint=complaint,
        actor=agent,
        **request_data(
            reason="Mevrouw Markerdaal is een trouwe klant.",
            customer_contribution="Mevrouw Markerdaal zegde de bundel zelf nooit op.",
        ),
    )
    coulance.coulance_request_approve(coulance_request=request, actor=manager)
    Notification.objects.create(
        recipient=agent,
        kind=NotificationKind.PROMISE_REMINDER,
        complaint=complaint,
        payload={"reference": complaint.reference, "customer": NAME, "phone": PHONE},
        created_at=timezone.now(),
    )
    return _walk(complaint, agent, Stage.RESOLVED)
