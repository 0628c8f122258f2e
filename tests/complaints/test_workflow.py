"""The triad workflow at the domain level: what each transition writes, and what it refuses.

The allowed/forbidden matrix is built by walking ``complaints.states.TRANSITIONS``, so a change
to the table changes the tests with it. Every refusal is checked against a snapshot of all
complaints tables: a refused step leaves no trace at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.models import User
from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from complaints import workflow
from complaints.models import (
    ApologyStep,
    Complaint,
    ComplaintEvent,
    EventType,
    RootCause,
    SolutionStep,
    UnderstandingStep,
)
from complaints.states import TRANSITIONS, Stage, Transition, allowed_transitions, target_of
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import (
    EVENT_TYPE,
    advance,
    follow_up_done,
    make_complaint,
    root_cause,
    step_data,
)

# A moment without microseconds, so what comes back from JSON payloads compares exactly.
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

LEGAL = [
    (transition, source)
    for transition, (sources, _target) in TRANSITIONS.items()
    for source in sorted(sources)
]
FORBIDDEN = [
    (stage, transition)
    for stage in Stage
    for transition in Transition
    if stage not in TRANSITIONS[transition][0]
]
# One stage from which each transition may be taken, for tests about people and data.
SOURCE = {transition: sorted(sources)[0] for transition, (sources, _t) in TRANSITIONS.items()}

STEP_TABLE = {
    Transition.UNDERSTAND: "complaints.UnderstandingStep",
    Transition.APOLOGISE: "complaints.ApologyStep",
    Transition.SOLVE: "complaints.SolutionStep",
}
# The complaint fields each transition changes (starting from a complaint logged without an
# intake emotion, so understanding fills that in too).
CHANGED_FIELDS: dict[tuple[Transition, Stage], set[str]] = {
    (Transition.UNDERSTAND, Stage.RECEIVED): {
        "stage",
        "updated_at",
        "acknowledged_at",
        "emotion_at_intake",
        "emotion_intensity",
    },
    (Transition.APOLOGISE, Stage.UNDERSTOOD): {"stage", "updated_at"},
    (Transition.SOLVE, Stage.APOLOGISED): {"stage", "updated_at"},
    (Transition.RESOLVE, Stage.SOLVING): {
        "stage",
        "updated_at",
        "outcome",
        "resolution_summary",
        "root_cause_id",
        "emotion_at_resolution",
        "liability",
        "resolved_at",
    },
    (Transition.CLOSE, Stage.RESOLVED): {"stage", "updated_at", "closed_at"},
    (Transition.REOPEN, Stage.RESOLVED): {"stage", "updated_at", "resolved_at"},
    (Transition.REOPEN, Stage.CLOSED): {"stage", "updated_at", "resolved_at", "closed_at"},
}
# Step data that is blank everywhere; close has no data that could be wrong.
BLANK: dict[Transition, dict[str, Any]] = {
    Transition.UNDERSTAND: {"emotion": "", "intensity": None, "acknowledgement": ""},
    Transition.APOLOGISE: {"apology": ""},
    Transition.SOLVE: {"facts_summary": "", "next_steps": "", "promised_at": None},
    Transition.RESOLVE: {
        "outcome": "",
        "resolution_summary": "",
        "root_cause": None,
        "emotion_at_resolution": "",
        "liability": "",
    },
    Transition.REOPEN: {"reason": ""},
}


def as_json(value: Any) -> Any:
    """``value`` as it reads back from an event's JSON payload."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """Time stands still at T0 until a test moves it on."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def outsider_manager(outsider: User) -> User:
    """The manager of the outsider's team: a manager, but not of the complaint's team."""
    assert outsider.team is not None
    assert outsider.team.manager is not None
    return outsider.team.manager


def at_stage(owner: User, stage: Stage, **kwargs: Any) -> Complaint:
    return advance(make_complaint(owner=owner, **kwargs), to=stage)


# --- The table itself ---------------------------------------------------------------------------


def test_the_matrix_covers_every_stage_and_transition():
    assert len(LEGAL) + len(FORBIDDEN) == len(Stage) * len(Transition)
    for stage in Stage:
        assert allowed_transitions(stage) == [t for t, s in LEGAL if s == stage]


def test_no_stage_can_be_skipped_on_the_way_to_closed():
    """From received the only way forward is the triad, in order, then resolve and close."""
    path, stage = [], Stage.RECEIVED
    while stage != Stage.CLOSED:
        forward = [t for t in allowed_transitions(stage) if t != Transition.REOPEN]
        assert len(forward) == 1
        path.append(forward[0])
        stage = target_of(forward[0])
    assert path == [
        Transition.UNDERSTAND,
        Transition.APOLOGISE,
        Transition.SOLVE,
        Transition.RESOLVE,
        Transition.CLOSE,
    ]


@pytest.mark.parametrize("stage", list(Stage))
def test_check_allowed_offers_exactly_the_transitions_of_the_table(agent, stage):
    complaint = at_stage(agent, stage)
    offered = []
    for transition in Transition:
        try:
            workflow.check_allowed(complaint, actor=agent, transition=transition)
        except TransitionNotAllowed:
            continue
        offered.append(transition)
    assert offered == allowed_transitions(stage)


# --- Every legal transition: what it writes --------------------------------------------------


# What a transition schedules besides its step: solving makes the promised moment a callback
# promise (with its reminder and broken check), resolving schedules the follow-up, reopening
# cancels the pending follow-up.
SCHEDULED_WORK = {
    Transition.SOLVE: {"complaints.CallbackPromise", "complaints.ScheduledJob"},
    Transition.RESOLVE: {"complaints.FollowUp", "complaints.ScheduledJob"},
    Transition.REOPEN: {"complaints.FollowUp"},
}


@pytest.mark.parametrize(
    ("transition", "source"), LEGAL, ids=[f"{t.value}-from-{s.value}" for t, s in LEGAL]
)
def test_each_legal_transition_writes_its_step_the_new_stage_and_one_event(
    agent, clock, transition, source
):
    complaint = at_stage(agent, source)
    if transition == Transition.CLOSE:
        follow_up_done(complaint)  # closing waits for the follow-up
    clock.shift(timedelta(hours=1))
    now = timezone.now()
    before = db_snapshot()

    moved = workflow.run(transition, complaint, actor=agent, **step_data(transition))

    changes = db_changes(before, db_snapshot())
    expected_tables = {"complaints.Complaint", "complaints.ComplaintEvent"}
    if transition in STEP_TABLE:
        expected_tables.add(STEP_TABLE[transition])
    expected_tables |= SCHEDULED_WORK.get(transition, set())
    if (transition, source) == (Transition.REOPEN, Stage.CLOSED):
        expected_tables.discard("complaints.FollowUp")  # its follow-up ended before closing
    assert set(changes) == expected_tables
    assert all(not change["removed"] for change in changes.values())

    target = target_of(transition)
    assert moved.stage == target
    assert Complaint.objects.get(pk=complaint.pk).stage == target
    assert changes["complaints.Complaint"]["added"] == []
    assert changes["complaints.Complaint"]["changed"] == {
        complaint.pk: CHANGED_FIELDS[(transition, source)]
    }

    [event] = changes["complaints.ComplaintEvent"]["added"]
    assert event["complaint_id"] == complaint.pk
    assert event["type"] == EVENT_TYPE[transition]
    assert event["actor_id"] == agent.pk
    assert (event["from_stage"], event["to_stage"]) == (source, target)
    assert event["created_at"] == now
    assert isinstance(event["payload"], dict)

    if transition in STEP_TABLE:
        [step] = changes[STEP_TABLE[transition]]["added"]
        assert step["complaint_id"] == complaint.pk
        assert (step["recorded_by_id"], step["recorded_at"]) == (agent.pk, now)


def test_understand_records_the_emotion_and_stamps_acknowledged_at(agent, clock):
    complaint = make_complaint(owner=agent)
    clock.shift(timedelta(minutes=20))

    workflow.understand(
        complaint,
        actor=agent,
        emotion="frustrated",
        intensity=3,
        acknowledgement="  Ik hoor dat u al drie keer hebt gebeld.  ",
    )

    complaint.refresh_from_db()
    assert complaint.stage == Stage.UNDERSTOOD
    assert complaint.acknowledged_at == T0 + timedelta(minutes=20)
    assert (complaint.resolved_at, complaint.closed_at) == (None, None)
    # Nothing was sensed at intake, so the understanding step supplies the intake emotion.
    assert (complaint.emotion_at_intake, complaint.emotion_intensity) == ("frustrated", 3)
    step = UnderstandingStep.objects.get(complaint=complaint)
    assert (step.emotion, step.intensity) == ("frustrated", 3)
    assert step.acknowledgement == "Ik hoor dat u al drie keer hebt gebeld."
    event = complaint.events.get(type=EventType.UNDERSTOOD)
    assert (event.actor, event.from_stage, event.to_stage) == (agent, "received", "understood")
    assert event.payload == {
        "emotion": "frustrated",
        "intensity": 3,
        "acknowledgement": "Ik hoor dat u al drie keer hebt gebeld.",
    }


def test_understand_keeps_the_emotion_sensed_at_intake(agent):
    complaint = make_complaint(owner=agent, emotion_at_intake="anxious", emotion_intensity=2)

    workflow.understand(complaint, actor=agent, **step_data("understand"))

    complaint.refresh_from_db()
    assert (complaint.emotion_at_intake, complaint.emotion_intensity) == ("anxious", 2)
    assert UnderstandingStep.objects.get(complaint=complaint).emotion == "angry"


def test_apologise_records_the_apology_and_when_it_was_made(agent, clock):
    complaint = at_stage(agent, Stage.UNDERSTOOD)
    clock.shift(timedelta(hours=2))
    said_at = T0 + timedelta(minutes=30)  # during the first call, recorded later

    workflow.apologise(complaint, actor=agent, apology=" Het spijt me. ", apologised_at=said_at)

    complaint.refresh_from_db()
    assert complaint.stage == Stage.APOLOGISED
    step = ApologyStep.objects.get(complaint=complaint)
    assert (step.apology, step.apologised_at) == ("Het spijt me.", said_at)
    assert step.recorded_at == T0 + timedelta(hours=2)
    event = complaint.events.get(type=EventType.APOLOGISED)
    assert (event.from_stage, event.to_stage) == ("understood", "apologised")
    assert event.payload == {"apology": "Het spijt me.", "apologised_at": as_json(said_at)}


def test_apologise_without_a_moment_means_now(agent, clock):
    complaint = at_stage(agent, Stage.UNDERSTOOD)
    clock.shift(timedelta(minutes=5))

    workflow.apologise(complaint, actor=agent, apology="Sorry voor het ongemak.")

    assert ApologyStep.objects.get(complaint=complaint).apologised_at == T0 + timedelta(minutes=5)


def test_solve_records_facts_next_steps_and_the_promised_moment(agent, clock):
    complaint = at_stage(agent, Stage.APOLOGISED)
    tomorrow_three = T0 + timedelta(days=1, hours=7)

    workflow.solve(
        complaint,
        actor=agent,
        facts_summary="Bundel nooit gebruikt.",
        next_steps="Ik zoek het uit en bel u morgen om 15:00.",
        promised_at=tomorrow_three,
    )

    complaint.refresh_from_db()
    assert complaint.stage == Stage.SOLVING
    step = SolutionStep.objects.get(complaint=complaint)
    assert (step.facts_summary, step.next_steps, step.promised_at) == (
        "Bundel nooit gebruikt.",
        "Ik zoek het uit en bel u morgen om 15:00.",
        tomorrow_three,
    )
    event = complaint.events.get(type=EventType.SOLVED)
    assert (event.from_stage, event.to_stage) == ("apologised", "solving")
    assert event.payload["promised_at"] == as_json(tomorrow_three)


def test_resolve_records_outcome_root_cause_and_resolved_at(agent, clock):
    complaint = at_stage(agent, Stage.SOLVING)
    clock.shift(timedelta(days=1))

    workflow.resolve(complaint, actor=agent, **step_data("resolve"))

    complaint.refresh_from_db()
    assert complaint.stage == Stage.RESOLVED
    assert complaint.resolved_at == T0 + timedelta(days=1)
    assert complaint.closed_at is None
    assert complaint.root_cause == root_cause()
    assert (complaint.outcome, complaint.liability, complaint.emotion_at_resolution) == (
        "upheld",
        "not_liable",
        "satisfied",
    )
    event = complaint.events.get(type=EventType.RESOLVED)
    assert (event.from_stage, event.to_stage) == ("solving", "resolved")
    assert event.payload == {
        "outcome": "upheld",
        "resolution_summary": "Abonnement aangepast en drie maanden terugbetaald.",
        "emotion_at_resolution": "satisfied",
        "liability": "not_liable",
        "customer_contribution": "",
        "request_domain": "",
        "balance": "",
        "alternatives_offered": "",
        "root_cause": "billing-incorrect-amount",
    }


@pytest.mark.parametrize("outcome", ["not_upheld", "partly_upheld"])
def test_resolve_saying_no_records_domain_balance_and_alternatives(agent, outcome):
    complaint = at_stage(agent, Stage.SOLVING)
    data = step_data("resolve") | {
        "outcome": outcome,
        "request_domain": "future",
        "balance": "company_loses",
        "alternatives_offered": "Overstappen naar een kleinere bundel zonder boete.",
        "customer_contribution": "Klant had de bundel zelf kunnen opzeggen.",
    }

    workflow.resolve(complaint, actor=agent, **data)

    complaint.refresh_from_db()
    assert complaint.stage == Stage.RESOLVED
    assert (complaint.outcome, complaint.request_domain, complaint.balance) == (
        outcome,
        "future",
        "company_loses",
    )
    assert complaint.alternatives_offered == "Overstappen naar een kleinere bundel zonder boete."
    assert complaint.customer_contribution == "Klant had de bundel zelf kunnen opzeggen."


def test_close_stamps_closed_at_and_keeps_the_note(agent, clock):
    complaint = at_stage(agent, Stage.RESOLVED)
    resolved_at = Complaint.objects.get(pk=complaint.pk).resolved_at
    clock.shift(timedelta(days=30))
    follow_up_done(complaint)

    workflow.close(complaint, actor=agent, note="  Nazorg gedaan: klant tevreden.  ")

    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    assert complaint.closed_at == T0 + timedelta(days=30)
    assert complaint.resolved_at == resolved_at
    event = complaint.events.get(type=EventType.CLOSED)
    assert (event.from_stage, event.to_stage) == ("resolved", "closed")
    assert event.payload == {"note": "Nazorg gedaan: klant tevreden.", "follow_up_waived": False}


@pytest.mark.parametrize("source", [Stage.RESOLVED, Stage.CLOSED])
def test_reopen_clears_resolved_and_closed_moments_and_keeps_the_reason(agent, clock, source):
    complaint = at_stage(agent, source)
    resolved_at = Complaint.objects.get(pk=complaint.pk).resolved_at
    clock.shift(timedelta(days=3))

    workflow.reopen(complaint, actor=agent, reason=" Terugbetaling niet ontvangen. ")

    complaint.refresh_from_db()
    assert complaint.stage == Stage.SOLVING
    assert (complaint.resolved_at, complaint.closed_at) == (None, None)
    event = complaint.events.get(type=EventType.REOPENED)
    assert (event.from_stage, event.to_stage) == (source, "solving")
    assert event.payload == {
        "reason": "Terugbetaling niet ontvangen.",
        "previous_outcome": "upheld",
        "previous_resolved_at": as_json(resolved_at),
    }
    # The triad was done once and stays done: reopening does not ask for it again.
    assert UnderstandingStep.objects.filter(complaint=complaint).count() == 1
    assert ApologyStep.objects.filter(complaint=complaint).count() == 1
    assert SolutionStep.objects.filter(complaint=complaint).count() == 1


def test_a_reopened_complaint_can_be_resolved_and_closed_again(agent, clock):
    complaint = at_stage(agent, Stage.CLOSED)
    workflow.reopen(complaint, actor=agent, **step_data("reopen"))
    clock.shift(timedelta(days=2))

    workflow.resolve(
        complaint,
        actor=agent,
        **step_data("resolve") | {"root_cause": root_cause("billing-refund-delay")},
    )
    follow_up_done(complaint)
    workflow.close(complaint, actor=agent)

    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED
    assert complaint.root_cause == root_cause("billing-refund-delay")
    assert complaint.resolved_at == complaint.closed_at == T0 + timedelta(days=2)
    assert list(complaint.events.order_by("id").values_list("to_stage", flat=True)) == [
        "received",
        "understood",
        "apologised",
        "solving",
        "resolved",
        "",  # the follow-up, completed
        "closed",
        "solving",
        "resolved",
        "",  # the new follow-up, completed
        "closed",
    ]


def test_a_stale_copy_cannot_take_a_step_a_second_time(agent):
    """A double click, or a second tab: the stage is checked on the fresh row, not the copy."""
    stale = make_complaint(owner=agent)
    workflow.understand(Complaint.objects.get(pk=stale.pk), actor=agent, **step_data("understand"))
    before = db_snapshot()

    with pytest.raises(TransitionNotAllowed):
        workflow.understand(stale, actor=agent, **step_data("understand"))

    assert db_snapshot() == before


# --- The forbidden half of the matrix --------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "transition"), FORBIDDEN, ids=[f"{t.value}-from-{s.value}" for s, t in FORBIDDEN]
)
def test_a_transition_not_allowed_from_the_stage_is_refused_and_writes_nothing(
    agent, stage, transition
):
    complaint = at_stage(agent, stage)
    before = db_snapshot()

    with pytest.raises(TransitionNotAllowed) as refused:
        workflow.run(transition, complaint, actor=agent, **step_data(transition))

    assert str(refused.value.message)
    assert db_snapshot() == before
    assert Complaint.objects.get(pk=complaint.pk).stage == stage


@pytest.mark.parametrize("transition", list(BLANK))
def test_the_stage_is_checked_before_the_data(agent, transition):
    wrong_stage = Stage.RECEIVED if transition != Transition.UNDERSTAND else Stage.SOLVING
    complaint = at_stage(agent, wrong_stage)
    before = db_snapshot()

    with pytest.raises(TransitionNotAllowed):
        workflow.run(transition, complaint, actor=agent, **BLANK[transition])

    assert db_snapshot() == before


# --- Who may act --------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["other_agent", "outsider", "outsider_manager", "quality"])
@pytest.mark.parametrize(
    ("transition", "source"), LEGAL, ids=[f"{t.value}-from-{s.value}" for t, s in LEGAL]
)
def test_only_the_owner_or_their_manager_may_move_a_complaint(
    request, agent, transition, source, person
):
    complaint = at_stage(agent, source)
    actor = request.getfixturevalue(person)
    before = db_snapshot()

    with pytest.raises(ActionForbidden):
        workflow.run(transition, complaint, actor=actor, **step_data(transition))

    assert db_snapshot() == before


@pytest.mark.parametrize("person", ["agent", "manager", "admin_user"])
@pytest.mark.parametrize(
    ("transition", "source"), LEGAL, ids=[f"{t.value}-from-{s.value}" for t, s in LEGAL]
)
def test_the_owner_their_manager_and_an_admin_may_move_a_complaint(
    request, agent, transition, source, person
):
    complaint = at_stage(agent, source)
    actor = request.getfixturevalue(person)
    if transition == Transition.CLOSE:
        follow_up_done(complaint)  # closing waits for the follow-up

    workflow.run(transition, complaint, actor=actor, **step_data(transition))

    complaint.refresh_from_db()
    assert complaint.stage == target_of(transition)
    assert complaint.owner == agent  # acting on it does not take it over
    event = complaint.events.latest("id")
    assert (event.type, event.actor) == (EVENT_TYPE[transition], actor)
    if transition in STEP_TABLE:
        step_model = {
            Transition.UNDERSTAND: UnderstandingStep,
            Transition.APOLOGISE: ApologyStep,
            Transition.SOLVE: SolutionStep,
        }[transition]
        assert step_model.objects.get(complaint=complaint).recorded_by == actor


def test_a_deactivated_owner_can_no_longer_move_their_complaint(agent):
    complaint = make_complaint(owner=agent)
    agent.is_active = False
    agent.save()
    before = db_snapshot()

    with pytest.raises(ActionForbidden):
        workflow.understand(complaint, actor=agent, **step_data("understand"))

    assert db_snapshot() == before


@pytest.mark.parametrize("transition", list(BLANK))
def test_permission_is_checked_before_the_data(agent, outsider, transition):
    complaint = at_stage(agent, SOURCE[transition])
    before = db_snapshot()

    with pytest.raises(ActionForbidden):
        workflow.run(transition, complaint, actor=outsider, **BLANK[transition])

    assert db_snapshot() == before


@pytest.mark.parametrize("person", ["other_agent", "outsider", "quality"])
def test_permission_is_checked_before_the_stage(request, agent, person):
    complaint = at_stage(agent, Stage.CLOSED)
    before = db_snapshot()

    with pytest.raises(ActionForbidden):
        workflow.understand(
            complaint, actor=request.getfixturevalue(person), **step_data("understand")
        )

    assert db_snapshot() == before


# --- Bad data -------------------------------------------------------------------------------------

Override = Callable[[datetime], dict[str, Any]]


def _retired_cause(now: datetime) -> dict[str, Any]:
    RootCause.objects.filter(code="delivery-late").update(active=False)
    return {"root_cause": root_cause("delivery-late")}


_NO_WITHOUT_ALTERNATIVE = {"request_domain", "balance", "alternatives_offered"}

BAD_DATA: list[Any] = [
    # Show understanding
    pytest.param(
        Transition.UNDERSTAND,
        lambda now: BLANK[Transition.UNDERSTAND],
        {"emotion", "intensity", "acknowledgement"},
        id="understand-blank",
    ),
    pytest.param(
        Transition.UNDERSTAND,
        lambda now: {"emotion": "furious"},
        {"emotion"},
        id="understand-emotion-unknown",
    ),
    pytest.param(
        Transition.UNDERSTAND,
        lambda now: {"intensity": 0},
        {"intensity"},
        id="understand-intensity-0",
    ),
    pytest.param(
        Transition.UNDERSTAND,
        lambda now: {"intensity": 6},
        {"intensity"},
        id="understand-intensity-6",
    ),
    pytest.param(
        Transition.UNDERSTAND,
        lambda now: {"acknowledgement": "   "},
        {"acknowledgement"},
        id="understand-acknowledgement-whitespace",
    ),
    # Apologise
    pytest.param(
        Transition.APOLOGISE, lambda now: {"apology": " "}, {"apology"}, id="apologise-blank"
    ),
    pytest.param(
        Transition.APOLOGISE,
        lambda now: {"apologised_at": now + timedelta(hours=1)},
        {"apologised_at"},
        id="apologise-in-the-future",
    ),
    pytest.param(
        Transition.APOLOGISE,
        lambda now: {"apologised_at": (now - timedelta(minutes=1)).replace(tzinfo=None)},
        {"apologised_at"},
        id="apologise-naive-moment",
    ),
    pytest.param(
        Transition.APOLOGISE,
        lambda now: {"apologised_at": T0 - timedelta(minutes=1)},
        {"apologised_at"},
        id="apologise-before-the-complaint",
    ),
    # Solve
    pytest.param(
        Transition.SOLVE,
        lambda now: BLANK[Transition.SOLVE],
        {"facts_summary", "next_steps", "promised_at"},
        id="solve-blank",
    ),
    pytest.param(
        Transition.SOLVE,
        lambda now: {"promised_at": now - timedelta(hours=1)},
        {"promised_at"},
        id="solve-promise-in-the-past",
    ),
    pytest.param(
        Transition.SOLVE, lambda now: {"promised_at": now}, {"promised_at"}, id="solve-promise-now"
    ),
    pytest.param(
        Transition.SOLVE,
        lambda now: {"promised_at": (now + timedelta(days=1)).replace(tzinfo=None)},
        {"promised_at"},
        id="solve-promise-naive",
    ),
    # Resolve
    pytest.param(
        Transition.RESOLVE,
        lambda now: BLANK[Transition.RESOLVE],
        {"outcome", "resolution_summary", "root_cause", "emotion_at_resolution", "liability"},
        id="resolve-blank",
    ),
    pytest.param(
        Transition.RESOLVE,
        lambda now: {"root_cause": None},
        {"root_cause"},
        id="resolve-without-root-cause",
    ),
    pytest.param(
        Transition.RESOLVE,
        lambda now: {"root_cause": root_cause("billing")},
        {"root_cause"},
        id="resolve-with-a-group",
    ),
    pytest.param(
        Transition.RESOLVE, _retired_cause, {"root_cause"}, id="resolve-with-retired-cause"
    ),
    pytest.param(
        Transition.RESOLVE,
        lambda now: {"outcome": "not_upheld"},
        _NO_WITHOUT_ALTERNATIVE,
        id="resolve-no-without-alternative",
    ),
    pytest.param(
        Transition.RESOLVE,
        lambda now: {"outcome": "partly_upheld"},
        _NO_WITHOUT_ALTERNATIVE,
        id="resolve-partly-no-without-alternative",
    ),
    pytest.param(
        Transition.RESOLVE,
        lambda now: {
            "outcome": "not_upheld",
            "request_domain": "past",
            "balance": "win_win",
            "alternatives_offered": "  ",
        },
        {"alternatives_offered"},
        id="resolve-no-with-blank-alternatives",
    ),
    pytest.param(
        Transition.RESOLVE,
        lambda now: {
            "outcome": "maybe",
            "emotion_at_resolution": "ecstatic",
            "liability": "perhaps",
        },
        {"outcome", "emotion_at_resolution", "liability"},
        id="resolve-unknown-choices",
    ),
    pytest.param(
        Transition.RESOLVE,
        lambda now: {"request_domain": "yesterday", "balance": "even"},
        {"request_domain", "balance"},
        id="resolve-unknown-domain-and-balance",
    ),
    # Reopen
    pytest.param(
        Transition.REOPEN, lambda now: {"reason": ""}, {"reason"}, id="reopen-without-reason"
    ),
    pytest.param(
        Transition.REOPEN, lambda now: {"reason": "\n "}, {"reason"}, id="reopen-blank-reason"
    ),
]


@pytest.mark.parametrize(("transition", "override", "fields"), BAD_DATA)
def test_bad_step_data_is_refused_with_field_messages_and_writes_nothing(
    agent, clock, transition, override, fields
):
    complaint = at_stage(agent, SOURCE[transition])
    clock.shift(timedelta(hours=1))
    data = step_data(transition) | override(timezone.now())
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        workflow.run(transition, complaint, actor=agent, **data)

    assert set(refused.value.errors) == fields
    assert all(str(message) for messages in refused.value.errors.values() for message in messages)
    assert db_snapshot() == before


def test_resolve_requires_root_cause(agent):
    complaint = at_stage(agent, Stage.SOLVING)

    with pytest.raises(InvalidData) as refused:
        workflow.resolve(complaint, actor=agent, **step_data("resolve") | {"root_cause": None})

    assert set(refused.value.errors) == {"root_cause"}
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.SOLVING
    assert not complaint.events.filter(type=EventType.RESOLVED).exists()


@pytest.mark.parametrize("intensity", [1, 5])
def test_intensity_from_one_to_five_is_accepted(agent, intensity):
    complaint = make_complaint(owner=agent)

    workflow.understand(
        complaint, actor=agent, **step_data("understand") | {"intensity": intensity}
    )

    assert UnderstandingStep.objects.get(complaint=complaint).intensity == intensity


def test_an_apology_moment_a_few_minutes_ahead_is_tolerated_as_clock_skew(agent, clock):
    complaint = at_stage(agent, Stage.UNDERSTOOD)
    clock.shift(timedelta(minutes=10))
    ahead = timezone.now() + timedelta(minutes=4)

    workflow.apologise(complaint, actor=agent, apology="Sorry.", apologised_at=ahead)

    assert ApologyStep.objects.get(complaint=complaint).apologised_at == ahead


def test_all_problems_with_the_data_are_reported_at_once(agent):
    complaint = at_stage(agent, Stage.SOLVING)

    with pytest.raises(InvalidData) as refused:
        workflow.resolve(
            complaint,
            actor=agent,
            outcome="not_upheld",
            resolution_summary="",
            root_cause=root_cause("billing"),
            emotion_at_resolution="",
            liability="liable",
        )

    assert set(refused.value.errors) == {
        "resolution_summary",
        "root_cause",
        "emotion_at_resolution",
        *_NO_WITHOUT_ALTERNATIVE,
    }


def test_a_refused_step_leaves_no_event_even_after_an_earlier_success(agent):
    complaint = make_complaint(owner=agent)
    workflow.understand(complaint, actor=agent, **step_data("understand"))
    events_before = list(ComplaintEvent.objects.order_by("id").values_list("id", "type"))

    with pytest.raises(InvalidData):
        workflow.apologise(complaint, actor=agent, apology="")

    assert list(ComplaintEvent.objects.order_by("id").values_list("id", "type")) == events_before
    assert not ApologyStep.objects.filter(complaint=complaint).exists()
