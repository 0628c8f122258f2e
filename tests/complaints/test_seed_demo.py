"""``seed_demo`` gives a demo that works: logins for every role and real complaint histories."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest  # django-axes needs the request in authenticate()
from django.test import Client
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role
from complaints.choices import Language, Outcome
from complaints.models import (
    Complaint,
    ComplaintEvent,
    Customer,
    EventType,
    Interaction,
    OwnershipTransfer,
)
from complaints.states import TRANSITIONS, Stage, Transition

pytestmark = pytest.mark.django_db

PASSWORD = "demo-klacht-2026"

ROLES = {
    "anna": Role.AGENT,
    "bram": Role.AGENT,
    "carla": Role.AGENT,
    "marieke": Role.MANAGER,
    "daan": Role.MANAGER,
    "directeur": Role.MANAGER,
    "quinten": Role.QUALITY,
    "admin": Role.ADMIN,
}

# The event each transition writes, to check it against the transition table.
EVENT_TRANSITION = {
    EventType.UNDERSTOOD: Transition.UNDERSTAND,
    EventType.APOLOGISED: Transition.APOLOGISE,
    EventType.SOLVED: Transition.SOLVE,
    EventType.RESOLVED: Transition.RESOLVE,
    EventType.CLOSED: Transition.CLOSE,
    EventType.REOPENED: Transition.REOPEN,
}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def output() -> str:
    return seed()


def demo() -> list[Complaint]:
    return list(Complaint.objects.filter(customer__customer_number__startswith="DEMO-"))


def totals() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Team,
            Customer,
            Complaint,
            ComplaintEvent,
            Interaction,
            OwnershipTransfer,
        )
    }


def test_every_role_has_a_demo_login_with_the_shared_password(output: str, client: Client):
    for username, role in ROLES.items():
        user = User.objects.get(username=username)
        assert role in user.roles, username
        assert client.login(request=HttpRequest(), username=username, password=PASSWORD), username
        client.logout()
        assert username in output
    assert PASSWORD in output


def test_the_demo_organisation_has_teams_limits_and_a_chain_of_managers(output: str):
    users = {u.username: u for u in User.objects.select_related("team", "reports_to")}
    marieke, daan, directeur = users["marieke"], users["daan"], users["directeur"]
    assert users["anna"].team == users["bram"].team == marieke.team
    assert users["carla"].team == daan.team != marieke.team
    assert Team.objects.get(manager=marieke) == marieke.team
    assert Team.objects.get(manager=daan) == daan.team
    assert marieke.approval_limit == daan.approval_limit == Decimal("250.00")
    assert directeur.approval_limit == Decimal("5000.00")
    assert marieke.reports_to == daan.reports_to == directeur
    assert users["admin"].is_staff
    assert users["admin"].is_superuser
    assert all(u.email.endswith("@example.com") for u in users.values())
    assert {u.language for u in users.values()} == {"nl", "en"}


def test_the_password_option_sets_the_demo_password(client: Client):
    seed("--password", "een-ander-wachtwoord")
    assert client.login(request=HttpRequest(), username="marieke", password="een-ander-wachtwoord")
    assert not client.login(request=HttpRequest(), username="marieke", password=PASSWORD)


def test_demo_complaints_fill_every_stage_and_one_was_reopened(output: str):
    complaints = demo()
    assert len(complaints) >= 12
    assert {c.stage for c in complaints} == set(Stage.values)
    reopened = {
        e.complaint.stage
        for e in ComplaintEvent.objects.filter(type=EventType.REOPENED).select_related("complaint")
    }
    assert Stage.SOLVING in reopened
    for stage in Stage.values:
        assert stage in output


def test_demo_complaints_vary_in_channel_priority_owner_and_language(output: str):
    complaints = demo()
    assert len({c.channel for c in complaints}) >= 5
    assert len({c.priority for c in complaints}) >= 3
    assert {c.owner.username for c in complaints} >= {"anna", "bram", "carla"}
    assert {c.customer.language for c in complaints} == {Language.DUTCH, Language.ENGLISH}


def test_every_demo_history_follows_the_transition_table(output: str):
    for complaint in demo():
        events = list(complaint.events.order_by("created_at", "id"))
        assert events[0].type == EventType.RECEIVED
        stage = events[0].to_stage
        assert stage == Stage.RECEIVED
        for event in events[1:]:
            if event.type not in EVENT_TRANSITION:
                assert not event.to_stage, event
                continue
            sources, target = TRANSITIONS[EVENT_TRANSITION[EventType(event.type)]]
            assert event.from_stage == stage, (complaint.reference, event)
            assert stage in sources, (complaint.reference, event)
            assert event.to_stage == target, (complaint.reference, event)
            stage = event.to_stage
        assert stage == complaint.stage, complaint.reference


def test_demo_histories_lie_in_the_last_ten_weeks_in_order(output: str):
    now = timezone.now()
    for complaint in demo():
        assert now - timedelta(days=70) < complaint.received_at < now
        moments = [e.created_at for e in complaint.events.order_by("id")]
        assert moments == sorted(moments), complaint.reference
        assert complaint.received_at <= moments[0]
        assert moments[-1] < now
        if hasattr(complaint, "solution"):
            assert complaint.solution.promised_at > complaint.solution.recorded_at


def test_resolved_and_closed_demo_complaints_carry_a_root_cause_and_outcome(output: str):
    finished = [c for c in demo() if c.stage in {Stage.RESOLVED, Stage.CLOSED}]
    assert finished
    for complaint in finished:
        assert complaint.root_cause is not None
        assert not complaint.root_cause.is_group
        assert complaint.outcome
        assert complaint.emotion_at_resolution
        assert complaint.liability
        if complaint.outcome != Outcome.UPHELD:
            assert complaint.request_domain
            assert complaint.balance
            assert complaint.alternatives_offered
    codes = {c.root_cause.code for c in finished if c.root_cause}
    assert "customer-error-wrong-order" in codes
    assert {c.outcome for c in finished} >= {Outcome.UPHELD, Outcome.NOT_UPHELD}


def test_demo_has_contacts_and_an_explicit_transfer(output: str):
    transfer = OwnershipTransfer.objects.get()
    assert transfer.reason
    assert transfer.from_user != transfer.to_user
    assert transfer.complaint.owner == transfer.to_user
    assert Interaction.objects.filter(kind="call").exists()
    assert Interaction.objects.filter(kind="note").exists()


def test_a_second_run_creates_nothing_new(output: str):
    before = totals()
    second = seed()
    assert totals() == before
    assert "already exists" in second
    assert f"{len(demo())} already present" in second


def test_a_second_run_keeps_a_changed_password(output: str, client: Client):
    anna = User.objects.get(username="anna")
    anna.set_password("anna-eigen-wachtwoord")
    anna.save()
    second = seed()
    assert client.login(request=HttpRequest(), username="anna", password="anna-eigen-wachtwoord")
    assert "(changed / gewijzigd)" in second


def test_a_demo_username_taken_by_someone_without_the_role_stops_with_a_message():
    User.objects.create_user(username="anna", password="iets-anders-123")
    with pytest.raises(CommandError, match="could not be seeded"):
        seed()
    assert not User.objects.get(username="anna").groups.exists()


def test_the_demo_shows_coulance_waiting_higher_up_and_one_approved_with_a_letter(output: str):
    from complaints.models import CoulanceLetter, CoulanceRequest

    requests = {r.complaint.customer.customer_number: r for r in CoulanceRequest.objects.all()}
    escalated, approved = requests["DEMO-0002"], requests["DEMO-0005"]
    # € 358,20 is above the team manager's limit: it waits for the director.
    assert escalated.status == "pending"
    assert escalated.waiting_for is not None
    assert escalated.waiting_for.username == "directeur"
    assert approved.status == "approved"
    assert approved.decided_by is not None
    assert approved.decided_by.username == "marieke"
    assert CoulanceLetter.objects.filter(request=approved, status="draft").exists()


def test_the_demo_letters_are_letters_a_manager_would_sign(output: str):
    """Every demo gesture's letter (the one still waiting is approved here) passes the review:
    nothing missing, no warning, and none of the agents' notes in it."""
    from complaints.coulance import letters, selectors
    from complaints.coulance import services as coulance
    from complaints.models import CoulanceRequest, CoulanceStatus

    requests = list(
        CoulanceRequest.objects.filter(complaint__in=demo()).select_related("complaint")
    )
    assert len(requests) >= 2
    for request in requests:
        if request.status == CoulanceStatus.PENDING:
            coulance.coulance_request_approve(coulance_request=request, actor=request.waiting_for)
        letter = selectors.coulance_letter_current(coulance_request=request)
        assert letter is not None, request
        complaint = request.complaint
        notes = [
            complaint.understanding.acknowledgement,
            complaint.apology.apology,
            complaint.solution.facts_summary,
            complaint.solution.next_steps,
            complaint.resolution_summary,
        ]
        assert letters.review_draft(letter) == ([], []), letter.body
        assert [note for note in notes if note and note in letter.body] == []
        assert "klant" not in letter.body.casefold().replace("klantenservice", "")
