"""Writes other than stage transitions: logging complaints and customers, transfers,
interactions and corrections of a complaint's details."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from complaints import services, workflow
from complaints.choices import Priority
from complaints.models import (
    Complaint,
    ComplaintEvent,
    Customer,
    EventType,
    Interaction,
    OwnershipTransfer,
    ReferenceCounter,
)
from complaints.states import Stage
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import CustomerFactory, UserFactory, advance, make_complaint, step_data

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def create(actor: User, **kwargs: Any) -> Complaint:
    data = {
        "channel": "email",
        "subject": "Pakket niet bezorgd",
        "facts": "Track & trace zegt bezorgd, maar er is niets aangekomen.",
        "actor": actor,
    } | kwargs
    if "customer" not in data:
        data["customer"] = CustomerFactory()
    return services.complaint_create(**data)


# --- complaint_create -----------------------------------------------------------------------------


def test_a_complaint_gets_a_reference_with_the_year_and_six_digits(agent, clock):
    complaint = create(agent)

    assert re.fullmatch(r"KL-\d{4}-\d{6}", complaint.reference)
    assert complaint.reference == "KL-2026-000001"


def test_references_are_sequential_within_a_year_and_restart_each_year(agent, clock):
    this_year = [create(agent).reference for _ in range(3)]
    last_year = [create(agent, received_at=datetime(2025, 6, 1, 12, tzinfo=UTC)).reference]
    this_year.append(create(agent).reference)

    assert this_year == ["KL-2026-000001", "KL-2026-000002", "KL-2026-000003", "KL-2026-000004"]
    assert last_year == ["KL-2025-000001"]


def test_the_reference_year_is_the_local_year_the_complaint_was_received(agent, clock):
    # 23:30 UTC on New Year's Eve is already New Year's Day in Amsterdam.
    complaint = create(agent, received_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))

    assert complaint.reference == "KL-2026-000001"


@pytest.mark.parametrize("priority", Priority.values)
def test_deadlines_follow_the_policy_for_the_priority(agent, clock, settings, priority):
    received_at = T0 - timedelta(hours=3)
    policy = settings.COMPLAINT_DEADLINES_HOURS[priority]

    complaint = create(agent, priority=priority, received_at=received_at)

    complaint.refresh_from_db()
    assert complaint.acknowledge_due_at == received_at + timedelta(hours=policy["acknowledge"])
    assert complaint.resolve_due_at == received_at + timedelta(hours=policy["resolve"])


def test_deadlines_are_read_from_the_settings_not_fixed_in_code(agent, clock, settings):
    settings.COMPLAINT_DEADLINES_HOURS = {
        **settings.COMPLAINT_DEADLINES_HOURS,
        "normal": {"acknowledge": 3, "resolve": 30},
    }

    complaint = create(agent, priority="normal")

    assert complaint.acknowledge_due_at == T0 + timedelta(hours=3)
    assert complaint.resolve_due_at == T0 + timedelta(hours=30)


def test_the_person_who_logs_a_complaint_owns_it(agent, clock):
    before = db_snapshot()

    complaint = create(agent)

    complaint.refresh_from_db()
    assert complaint.owner == agent
    assert (complaint.stage, complaint.received_at, complaint.channel) == ("received", T0, "email")
    changes = db_changes(before, db_snapshot())
    assert set(changes) == {
        "complaints.Complaint",
        "complaints.ComplaintEvent",
        "complaints.Customer",  # made by the factory
        "complaints.ReferenceCounter",
        "complaints.OutgoingEmail",  # the acknowledgement to the customer
        "complaints.ScheduledJob",  # the deadline watch
        "complaints.StatusLink",  # the customer's personal status page, named in that email
    }
    [event] = changes["complaints.ComplaintEvent"]["added"]
    assert (event["type"], event["actor_id"], event["to_stage"]) == (
        EventType.RECEIVED,
        agent.pk,
        "received",
    )
    assert event["payload"] == {
        "reference": "KL-2026-000001",
        "channel": "email",
        "owner_id": agent.pk,
        "priority": "normal",
    }


def test_a_manager_may_log_a_complaint_for_an_agent(agent, manager):
    complaint = create(manager, owner=agent)

    assert complaint.owner == agent
    event = complaint.events.get()
    assert (event.actor, event.payload["owner_id"]) == (manager, agent.pk)


def test_an_agent_may_not_log_a_complaint_for_a_colleague(agent, other_agent):
    customer = CustomerFactory()
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        create(agent, customer=customer, owner=other_agent)

    assert set(refused.value.errors) == {"owner"}
    assert db_snapshot() == before


def test_a_complaint_cannot_be_given_to_someone_who_cannot_own_complaints(manager, quality):
    customer = CustomerFactory()
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        create(manager, customer=customer, owner=quality)

    assert set(refused.value.errors) == {"owner"}
    assert db_snapshot() == before


def test_quality_cannot_log_complaints(quality):
    customer = CustomerFactory()
    before = db_snapshot()

    with pytest.raises(ActionForbidden):
        create(quality, customer=customer)

    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        pytest.param({"received_at": T0 + timedelta(hours=1)}, {"received_at"}, id="future"),
        pytest.param({"received_at": datetime(2026, 3, 1, 9, 0)}, {"received_at"}, id="naive"),  # noqa: DTZ001 (naive on purpose)
        pytest.param({"channel": "carrier_pigeon"}, {"channel"}, id="unknown-channel"),
        pytest.param({"channel": ""}, {"channel"}, id="no-channel"),
        pytest.param({"subject": " ", "facts": ""}, {"subject", "facts"}, id="blank-text"),
        pytest.param({"priority": "asap"}, {"priority"}, id="unknown-priority"),
        pytest.param(
            {"emotion_at_intake": "ecstatic"}, {"emotion_at_intake"}, id="unknown-emotion"
        ),
        pytest.param(
            {"emotion_at_intake": "angry", "emotion_intensity": 7},
            {"emotion_intensity"},
            id="intensity-too-high",
        ),
        pytest.param(
            {"emotion_intensity": 3}, {"emotion_at_intake"}, id="intensity-without-emotion"
        ),
    ],
)
def test_an_invalid_complaint_is_refused_and_writes_nothing(agent, clock, changes, fields):
    customer = CustomerFactory()
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        create(agent, customer=customer, **changes)

    assert set(refused.value.errors) == fields
    assert db_snapshot() == before


def test_a_refused_complaint_does_not_use_up_a_reference(agent, clock):
    with pytest.raises(InvalidData):
        create(agent, channel="carrier_pigeon")

    assert create(agent).reference == "KL-2026-000001"


def test_a_write_that_fails_after_the_number_is_drawn_leaves_it_unused(agent, clock):
    """The number is drawn before the complaint's write (so creates do not queue behind each
    other's commit): when the write fails at the database, the number stays used."""
    create(agent)
    ReferenceCounter.objects.filter(year=2026).update(last=0)  # the next number is taken
    with pytest.raises(IntegrityError):
        create(agent)  # draws KL-2026-000001 again; the unique reference refuses the write
    assert Complaint.objects.count() == 1
    assert create(agent).reference == "KL-2026-000002"


def test_a_complaint_received_a_few_minutes_ahead_is_tolerated_as_clock_skew(agent, clock):
    complaint = create(agent, received_at=T0 + timedelta(minutes=4))

    assert complaint.received_at == T0 + timedelta(minutes=4)


# --- complaint_transfer ---------------------------------------------------------------------------


def test_the_owner_can_transfer_a_complaint_with_a_reason(agent, other_agent, clock):
    complaint = make_complaint(owner=agent)
    clock.shift(timedelta(minutes=10))
    before = db_snapshot()

    services.complaint_transfer(
        complaint=complaint, actor=agent, to_user=other_agent, reason=" Bram kent dit product. "
    )

    changes = db_changes(before, db_snapshot())
    assert set(changes) == {
        "complaints.Complaint",
        "complaints.OwnershipTransfer",
        "complaints.ComplaintEvent",
    }
    assert changes["complaints.Complaint"]["changed"] == {complaint.pk: {"owner_id", "updated_at"}}
    transfer = OwnershipTransfer.objects.get(complaint=complaint)
    assert (transfer.from_user, transfer.to_user, transfer.transferred_by) == (
        agent,
        other_agent,
        agent,
    )
    assert (transfer.reason, transfer.transferred_at) == (
        "Bram kent dit product.",
        T0 + timedelta(minutes=10),
    )
    event = complaint.events.get(type=EventType.OWNER_CHANGED)
    assert event.actor == agent
    assert event.payload == {
        "from_user_id": agent.pk,
        "from_user": str(agent),
        "to_user_id": other_agent.pk,
        "to_user": str(other_agent),
        "reason": "Bram kent dit product.",
    }


def test_after_a_transfer_the_new_owner_works_the_complaint_and_the_old_one_cannot(
    agent, other_agent
):
    complaint = make_complaint(owner=agent)
    services.complaint_transfer(
        complaint=complaint, actor=agent, to_user=other_agent, reason="Vakantie."
    )

    with pytest.raises(ActionForbidden):
        workflow.understand(complaint, actor=agent, **step_data("understand"))
    workflow.understand(complaint, actor=other_agent, **step_data("understand"))

    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.UNDERSTOOD


@pytest.mark.parametrize("person", ["manager", "admin_user"])
def test_a_manager_or_admin_can_transfer_a_team_complaint(request, agent, other_agent, person):
    actor = request.getfixturevalue(person)
    complaint = make_complaint(owner=agent)

    services.complaint_transfer(
        complaint=complaint, actor=actor, to_user=other_agent, reason="Werkverdeling."
    )

    assert Complaint.objects.get(pk=complaint.pk).owner == other_agent
    assert OwnershipTransfer.objects.get(complaint=complaint).transferred_by == actor


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_transfer_needs_a_reason(agent, other_agent, reason):
    complaint = make_complaint(owner=agent)
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        services.complaint_transfer(
            complaint=complaint, actor=agent, to_user=other_agent, reason=reason
        )

    assert set(refused.value.errors) == {"reason"}
    assert db_snapshot() == before


@pytest.mark.parametrize("to", ["quality", "inactive_agent", "agent"])
def test_a_complaint_can_only_go_to_someone_else_who_can_own_it(request, agent, to):
    if to == "inactive_agent":
        to_user = UserFactory(username="ineke", role=Role.AGENT, team=agent.team, is_active=False)
    else:
        to_user = request.getfixturevalue(to)
    complaint = make_complaint(owner=agent)
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        services.complaint_transfer(
            complaint=complaint, actor=agent, to_user=to_user, reason="Overdracht."
        )

    assert set(refused.value.errors) == {"to_user"}
    assert db_snapshot() == before


@pytest.mark.parametrize("person", ["other_agent", "outsider", "quality"])
def test_only_the_owner_or_their_manager_may_transfer(request, agent, other_agent, person):
    complaint = make_complaint(owner=agent)
    before = db_snapshot()

    with pytest.raises(ActionForbidden):
        services.complaint_transfer(
            complaint=complaint,
            actor=request.getfixturevalue(person),
            to_user=other_agent,
            reason="Ik neem hem over.",
        )

    assert db_snapshot() == before


def test_a_forbidden_transfer_is_refused_before_its_data_is_judged(agent, outsider):
    complaint = make_complaint(owner=agent)

    with pytest.raises(ActionForbidden):
        services.complaint_transfer(complaint=complaint, actor=outsider, to_user=agent, reason="")


@pytest.mark.parametrize("stage", [Stage.RESOLVED, Stage.CLOSED])
def test_a_resolved_or_closed_complaint_cannot_be_transferred(agent, other_agent, stage):
    complaint = advance(make_complaint(owner=agent), to=stage)
    before = db_snapshot()

    with pytest.raises(TransitionNotAllowed):
        services.complaint_transfer(
            complaint=complaint, actor=agent, to_user=other_agent, reason="Overdracht."
        )

    assert db_snapshot() == before


# --- interaction_add ------------------------------------------------------------------------------


def test_an_interaction_is_recorded_with_an_event(agent, clock):
    complaint = make_complaint(owner=agent)
    clock.shift(timedelta(hours=1))
    called_at = T0 + timedelta(minutes=45)
    before = db_snapshot()

    interaction = services.interaction_add(
        complaint=complaint,
        actor=agent,
        kind="call",
        direction="outbound",
        summary=" Klant teruggebeld, voicemail ingesproken. ",
        occurred_at=called_at,
    )

    changes = db_changes(before, db_snapshot())
    assert set(changes) == {"complaints.Interaction", "complaints.ComplaintEvent"}
    interaction.refresh_from_db()
    assert (interaction.kind, interaction.direction, interaction.occurred_at) == (
        "call",
        "outbound",
        called_at,
    )
    assert (interaction.summary, interaction.author) == (
        "Klant teruggebeld, voicemail ingesproken.",
        agent,
    )
    [event] = changes["complaints.ComplaintEvent"]["added"]
    assert (event["type"], event["actor_id"], event["created_at"]) == (
        EventType.INTERACTION_ADDED,
        agent.pk,
        T0 + timedelta(hours=1),
    )
    assert event["payload"] == {"interaction_id": interaction.pk, "kind": "call"}


def test_an_interaction_without_direction_or_moment_is_an_internal_note_of_now(agent, clock):
    complaint = make_complaint(owner=agent)

    note = services.interaction_add(
        complaint=complaint, actor=agent, kind="note", summary="Factuur opgevraagd bij billing."
    )

    assert (note.direction, note.occurred_at) == ("internal", T0)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        pytest.param({"kind": "telegram"}, {"kind"}, id="unknown-kind"),
        pytest.param({"kind": ""}, {"kind"}, id="no-kind"),
        pytest.param({"direction": "sideways"}, {"direction"}, id="unknown-direction"),
        pytest.param({"summary": "  "}, {"summary"}, id="blank-summary"),
        pytest.param({"occurred_at": T0 + timedelta(hours=1)}, {"occurred_at"}, id="future"),
        pytest.param({"occurred_at": datetime(2026, 3, 2, 7, 0)}, {"occurred_at"}, id="naive"),  # noqa: DTZ001 (naive on purpose)
    ],
)
def test_an_invalid_interaction_is_refused_and_writes_nothing(agent, clock, changes, fields):
    complaint = make_complaint(owner=agent)
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        services.interaction_add(
            complaint=complaint, actor=agent, **{"kind": "call", "summary": "Gebeld."} | changes
        )

    assert set(refused.value.errors) == fields
    assert db_snapshot() == before


@pytest.mark.parametrize("person", ["other_agent", "outsider", "quality"])
def test_only_the_owner_or_their_manager_may_add_interactions(request, agent, person):
    complaint = make_complaint(owner=agent)
    before = db_snapshot()

    with pytest.raises(ActionForbidden):
        # Invalid data too: the permission is what is reported.
        services.interaction_add(
            complaint=complaint, actor=request.getfixturevalue(person), kind="telegram", summary=""
        )

    assert db_snapshot() == before


def test_the_manager_may_add_an_interaction(agent, manager):
    complaint = make_complaint(owner=agent)

    interaction = services.interaction_add(
        complaint=complaint, actor=manager, kind="meeting", summary="Besproken in teamoverleg."
    )

    assert interaction.author == manager
    assert Interaction.objects.filter(complaint=complaint).count() == 1


# --- complaint_update_details ---------------------------------------------------------------------


def test_a_priority_change_recomputes_both_deadlines_and_is_logged(agent, clock, settings):
    received_at = T0 - timedelta(hours=1)
    complaint = make_complaint(owner=agent, received_at=received_at, priority="normal")
    clock.shift(timedelta(minutes=30))
    before = db_snapshot()

    services.complaint_update_details(complaint=complaint, actor=agent, priority="urgent")

    urgent = settings.COMPLAINT_DEADLINES_HOURS["urgent"]
    complaint.refresh_from_db()
    assert complaint.priority == "urgent"
    assert complaint.acknowledge_due_at == received_at + timedelta(hours=urgent["acknowledge"])
    assert complaint.resolve_due_at == received_at + timedelta(hours=urgent["resolve"])
    changes = db_changes(before, db_snapshot())
    # The new deadlines are watched by new jobs; the old ones will be skipped.
    assert set(changes) == {
        "complaints.Complaint",
        "complaints.ComplaintEvent",
        "complaints.ScheduledJob",
    }
    assert changes["complaints.Complaint"]["changed"] == {
        complaint.pk: {"priority", "acknowledge_due_at", "resolve_due_at", "updated_at"}
    }
    [event] = changes["complaints.ComplaintEvent"]["added"]
    assert (event["type"], event["actor_id"]) == (EventType.DETAILS_CHANGED, agent.pk)
    assert event["payload"] == {"changes": {"priority": ["normal", "urgent"]}}


def test_a_text_correction_is_logged_with_old_and_new_value(agent):
    complaint = make_complaint(owner=agent, subject="Factuur", category="")

    services.complaint_update_details(
        complaint=complaint, actor=agent, subject=" Factuur te hoog ", category="Mobiel"
    )

    complaint.refresh_from_db()
    assert (complaint.subject, complaint.category) == ("Factuur te hoog", "Mobiel")
    event = complaint.events.get(type=EventType.DETAILS_CHANGED)
    assert event.payload == {
        "changes": {"subject": ["Factuur", "Factuur te hoog"], "category": ["", "Mobiel"]}
    }
    # Deadlines only move with the priority.
    assert event.payload["changes"].keys() == {"subject", "category"}


def test_a_correction_that_changes_nothing_writes_nothing(agent):
    complaint = make_complaint(owner=agent, priority="high")
    before = db_snapshot()

    services.complaint_update_details(
        complaint=complaint, actor=agent, priority="high", subject=complaint.subject
    )

    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        pytest.param({"subject": ""}, {"subject"}, id="blank-subject"),
        pytest.param({"facts": "  "}, {"facts"}, id="blank-facts"),
        pytest.param({"priority": "asap"}, {"priority"}, id="unknown-priority"),
        pytest.param({"priority": ""}, {"priority"}, id="blank-priority"),
        pytest.param({"stage": "closed"}, {"stage"}, id="stage-is-not-a-detail"),
        pytest.param({"owner": None, "reference": "KL-1"}, {"owner", "reference"}, id="not-here"),
    ],
)
def test_an_invalid_correction_is_refused_and_writes_nothing(agent, changes, fields):
    complaint = make_complaint(owner=agent)
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        services.complaint_update_details(complaint=complaint, actor=agent, **changes)

    assert set(refused.value.errors) == fields
    assert db_snapshot() == before


@pytest.mark.parametrize("stage", [Stage.RESOLVED, Stage.CLOSED])
def test_a_resolved_or_closed_complaint_cannot_be_corrected(agent, stage):
    complaint = advance(make_complaint(owner=agent), to=stage)
    before = db_snapshot()

    with pytest.raises(TransitionNotAllowed):
        services.complaint_update_details(complaint=complaint, actor=agent, subject="Anders")

    assert db_snapshot() == before


@pytest.mark.parametrize("person", ["other_agent", "outsider", "quality"])
@pytest.mark.parametrize("changes", [{"subject": "Anders"}, {"stage": "closed"}])
def test_only_the_owner_or_their_manager_may_correct_details(request, agent, person, changes):
    complaint = make_complaint(owner=agent)
    before = db_snapshot()

    with pytest.raises(ActionForbidden):
        services.complaint_update_details(
            complaint=complaint, actor=request.getfixturevalue(person), **changes
        )

    assert db_snapshot() == before


def test_the_manager_may_correct_details(agent, manager):
    complaint = make_complaint(owner=agent)

    services.complaint_update_details(complaint=complaint, actor=manager, priority="low")

    assert Complaint.objects.get(pk=complaint.pk).priority == "low"
    assert complaint.events.get(type=EventType.DETAILS_CHANGED).actor == manager


# --- customer_create ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "contact",
    [{"email": "joke@example.nl"}, {"phone": "+31 20 123 4567"}],
    ids=["email-only", "phone-only"],
)
def test_a_customer_needs_an_email_or_a_phone_number(agent, contact):
    customer = services.customer_create(name=" Joke de Vries ", actor=agent, **contact)

    customer.refresh_from_db()
    assert customer.name == "Joke de Vries"
    assert customer.email == contact.get("email", "")
    assert customer.phone == contact.get("phone", "")


def test_a_customer_without_any_way_to_reach_them_is_refused(agent):
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        services.customer_create(name="Joke de Vries", actor=agent, email=" ", phone="")

    assert set(refused.value.errors) == {"email"}
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        pytest.param({"name": ""}, {"name"}, id="no-name"),
        pytest.param({"email": "joke-at-example"}, {"email"}, id="bad-email"),
        pytest.param({"language": "fr"}, {"language"}, id="unknown-language"),
    ],
)
def test_an_invalid_customer_is_refused_and_writes_nothing(agent, changes, fields):
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        services.customer_create(
            actor=agent, **{"name": "Joke de Vries", "email": "joke@example.nl"} | changes
        )

    assert set(refused.value.errors) == fields
    assert db_snapshot() == before


def test_a_duplicate_customer_number_is_refused(agent):
    services.customer_create(
        name="Joke de Vries", actor=agent, email="joke@example.nl", customer_number="C-1001"
    )
    before = db_snapshot()

    with pytest.raises(InvalidData):
        services.customer_create(
            name="Kees Jansen", actor=agent, email="kees@example.nl", customer_number=" C-1001 "
        )

    assert db_snapshot() == before
    assert Customer.objects.filter(customer_number="C-1001").count() == 1


def test_a_duplicate_customer_number_is_reported_on_that_field(agent):
    CustomerFactory(customer_number="C-1001")

    with pytest.raises(InvalidData) as refused:
        services.customer_create(
            name="Kees Jansen", actor=agent, email="kees@example.nl", customer_number="C-1001"
        )

    assert set(refused.value.errors) == {"customer_number"}


def test_customers_without_a_number_may_be_many(agent):
    for name in ("Een", "Twee"):
        services.customer_create(name=name, actor=agent, email=f"{name.lower()}@example.nl")

    assert Customer.objects.filter(customer_number="").count() == 2


def test_quality_cannot_register_customers(quality):
    with pytest.raises(ActionForbidden):
        services.customer_create(name="Joke de Vries", actor=quality, email="joke@example.nl")

    assert not Customer.objects.exists()


def test_complaint_events_tell_the_whole_story_in_order(agent, other_agent, manager):
    """A user reading the timeline sees every write, by whom, in the order it happened."""
    complaint = make_complaint(owner=agent)
    services.interaction_add(complaint=complaint, actor=agent, kind="call", summary="Gebeld.")
    services.complaint_update_details(complaint=complaint, actor=agent, priority="high")
    services.complaint_transfer(
        complaint=complaint, actor=manager, to_user=other_agent, reason="Vakantie."
    )
    workflow.understand(complaint, actor=other_agent, **step_data("understand"))

    timeline = list(
        ComplaintEvent.objects.filter(complaint=complaint)
        .order_by("id")
        .values_list("type", "actor__username")
    )
    assert timeline == [
        (EventType.RECEIVED, "anna"),
        (EventType.INTERACTION_ADDED, "anna"),
        (EventType.DETAILS_CHANGED, "anna"),
        (EventType.OWNER_CHANGED, "marieke"),
        (EventType.UNDERSTOOD, "bram"),
    ]
    assert timezone.is_aware(
        ComplaintEvent.objects.filter(complaint=complaint).latest("id").created_at
    )
