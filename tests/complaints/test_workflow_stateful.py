"""Random sequences of workflow steps – legal and illegal, by the right and the wrong people,
with good and bad data – never leave a complaint in a state the table does not allow.

A Hypothesis state machine keeps its own model of each complaint (stage, owner, the events it
expects) and predicts the outcome of every attempt; after every step the invariants compare
the database with that model and with ``complaints.states.TRANSITIONS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accounts.models import User
from common.errors import ActionForbidden, DomainError, InvalidData, TransitionNotAllowed
from complaints import services, workflow
from complaints.care import followups
from complaints.models import Complaint, EventType, RootCause
from complaints.states import OPEN_STAGES, TRANSITIONS, Stage, Transition, allowed_transitions
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import EVENT_TYPE, make_complaint, root_cause, step_data

COMPLAINTS = 2
PEOPLE = [
    "agent",
    "other_agent",
    "manager",
    "admin_user",
    "outsider",
    "outsider_manager",
    "quality",
]
SUPERVISORS = {"manager", "admin_user"}  # the manager of agent's and other_agent's team; admin
OWNERS = ["agent", "other_agent"]

# (from, to) -> the transition that makes that move; every move in the table is unique.
MOVES = {
    (source, target): transition
    for transition, (sources, target) in TRANSITIONS.items()
    for source in sources
}
PAST_APOLOGY = {Stage.APOLOGISED, Stage.SOLVING, Stage.RESOLVED, Stage.CLOSED}
PAST_SOLUTION = {Stage.SOLVING, Stage.RESOLVED, Stage.CLOSED}

Event = tuple[str, str, str, int]  # type, from_stage, to_stage, actor id


@dataclass
class Expected:
    """What the machine believes about one complaint."""

    owner: str
    stage: Stage = Stage.RECEIVED
    events: list[Event] = field(default_factory=list)
    follow_up_open: bool = False  # resolving schedules one; closing waits for it


class WorkflowMachine(RuleBasedStateMachine):
    """Drives a few complaints; the test gives it the people and a retired root cause."""

    people: ClassVar[dict[str, User]]
    retired_cause: ClassVar[RootCause]

    def __init__(self) -> None:
        super().__init__()
        # Every example runs inside a savepoint of the test's transaction and rolls it back in
        # teardown, so no example sees the complaints (or reference numbers) of another.
        self.savepoint = transaction.savepoint()
        assert not Complaint.objects.exists(), "an earlier example leaked into this one"
        agent = self.people["agent"]
        self.complaints = [make_complaint(owner=agent) for _ in range(COMPLAINTS)]
        assert self.complaints[0].reference.endswith("-000001")
        self.expected = {
            c.pk: Expected(
                owner="agent",
                events=[(EventType.RECEIVED, "", Stage.RECEIVED, agent.pk)],
            )
            for c in self.complaints
        }
        # The database as last read: each attempt compares against it and reads it afresh,
        # and the invariants check that fresh read.
        self.rows = db_snapshot()

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)

    # --- predictions ----------------------------------------------------------------------

    def may_work(self, person: str, expected: Expected) -> bool:
        return person == expected.owner or person in SUPERVISORS

    def step_data(self, transition: Transition, bad: int | None) -> dict[str, Any]:
        """Valid data for ``transition``, or its ``bad``-th kind of wrong data."""
        data = step_data(transition)
        wrong = self.wrong_data(transition)
        if bad is None or not wrong:  # close has nothing that can be wrong
            return data
        return data | wrong[bad % len(wrong)]

    def wrong_data(self, transition: Transition) -> list[dict[str, Any]]:
        now = timezone.now()
        return {
            Transition.UNDERSTAND: [
                {"emotion": "", "intensity": None, "acknowledgement": ""},
                {"intensity": 9},
                {"emotion": "furious"},
            ],
            Transition.APOLOGISE: [
                {"apology": " "},
                {"apologised_at": now + timedelta(days=1)},
                {"apologised_at": now.replace(tzinfo=None)},
            ],
            Transition.SOLVE: [
                {"facts_summary": "", "next_steps": "", "promised_at": None},
                {"promised_at": now - timedelta(hours=1)},
                {"promised_at": (now + timedelta(days=1)).replace(tzinfo=None)},
            ],
            Transition.RESOLVE: [
                {"root_cause": None},
                {"root_cause": root_cause("billing")},  # a group, not a cause
                {"root_cause": self.retired_cause},
                {"outcome": "not_upheld"},  # saying no without an alternative
                {"outcome": "partly_upheld"},
            ],
            Transition.CLOSE: [],
            Transition.REOPEN: [{"reason": ""}, {"reason": "\t"}],
        }[transition]

    def attempt(
        self, refusal: type[DomainError] | None, action: Callable[[], Complaint]
    ) -> dict[str, Any]:
        """Run ``action``, expecting ``refusal`` (or success); return what it changed."""
        before = self.rows
        if refusal is None:
            action()
        else:
            with pytest.raises(refusal):
                action()
        self.rows = db_snapshot()
        changes = db_changes(before, self.rows)
        if refusal is not None:
            assert changes == {}, f"a refused attempt ({refusal.__name__}) wrote something"
        return changes

    # --- rules ------------------------------------------------------------------------------

    @rule(
        which=st.integers(0, COMPLAINTS - 1),
        transition=st.sampled_from(Transition),
        person=st.sampled_from(PEOPLE),
        bad=st.none() | st.integers(0, 4),
    )
    def attempt_any_transition(
        self, which: int, transition: Transition, person: str, bad: int | None
    ) -> None:
        """Anything at all: any step, by anyone, with good or bad data."""
        complaint = self.complaints[which]  # an old in-memory copy, as a stale page would hold
        expected = self.expected[complaint.pk]
        actor = self.people[person]
        data = self.step_data(transition, bad)
        sources, target = TRANSITIONS[transition]

        waiving = transition == Transition.CLOSE and bad is not None and bad % 2 == 0
        if waiving:
            data["waive_reason"] = "Klant wil geen nazorg."

        def action() -> Complaint:
            return workflow.run(transition, complaint, actor=actor, **data)

        # Permission first, then the stage, then the data.
        if not self.may_work(person, expected):
            self.attempt(ActionForbidden, action)
        elif expected.stage not in sources:
            self.attempt(TransitionNotAllowed, action)
        elif transition == Transition.CLOSE and expected.follow_up_open and not waiving:
            self.attempt(TransitionNotAllowed, action)  # closing waits for the follow-up
        elif (
            transition == Transition.CLOSE
            and expected.follow_up_open
            and (
                person not in SUPERVISORS  # not due yet: only a manager may close early
            )
        ):
            self.attempt(ActionForbidden, action)
        elif bad is not None and self.wrong_data(transition):
            self.attempt(InvalidData, action)
        else:
            changes = self.attempt(None, action)
            assert set(changes["complaints.Complaint"]["changed"]) == {complaint.pk}
            if transition == Transition.CLOSE and expected.follow_up_open:
                expected.events.append((EventType.FOLLOW_UP_WAIVED, "", "", actor.pk))
            expected.events.append((EVENT_TYPE[transition], expected.stage, target, actor.pk))
            expected.stage = target
            expected.follow_up_open = transition == Transition.RESOLVE

    @rule(which=st.integers(0, COMPLAINTS - 1), person=st.sampled_from(["owner", *PEOPLE]))
    def complete_the_follow_up(self, which: int, person: str) -> None:
        """A month later: how does the customer feel now? Then the complaint may close."""
        complaint = self.complaints[which]
        expected = self.expected[complaint.pk]
        follow_up = followups.follow_up_awaited(complaint)
        assert (follow_up is not None) == expected.follow_up_open
        if follow_up is None:
            return
        person = expected.owner if person == "owner" else person
        actor = self.people[person]

        def action() -> Any:
            return followups.follow_up_complete(
                follow_up=follow_up, actor=actor, satisfied=True, nps=8, emotion_now="neutral"
            )

        if not self.may_work(person, expected):
            self.attempt(ActionForbidden, action)
        else:
            self.attempt(None, action)
            expected.events.append((EventType.FOLLOW_UP_COMPLETED, "", "", actor.pk))
            expected.follow_up_open = False

    @rule(
        which=st.integers(0, COMPLAINTS - 1),
        data=st.data(),
        person=st.sampled_from(["owner", "owner", *PEOPLE]),
        bad=st.integers(0, 4),
    )
    def attempt_a_step_the_table_allows_with_bad_data(
        self, which: int, data: st.DataObject, person: str, bad: int
    ) -> None:
        """The step the stage calls for, with wrong data (mostly by someone who may act)."""
        expected = self.expected[self.complaints[which].pk]
        transition = data.draw(
            st.sampled_from(allowed_transitions(expected.stage)), label="transition"
        )
        self.attempt_any_transition(
            which, transition, expected.owner if person == "owner" else person, bad
        )

    @rule(
        which=st.integers(0, COMPLAINTS - 1),
        data=st.data(),
        person=st.sampled_from(["owner", "manager", "admin_user"]),
    )
    def take_the_next_step(self, which: int, data: st.DataObject, person: str) -> None:
        """A step that must succeed, so that examples reach the later stages and reopen."""
        expected = self.expected[self.complaints[which].pk]
        transition = data.draw(
            st.sampled_from(allowed_transitions(expected.stage)), label="transition"
        )
        self.attempt_any_transition(
            which, transition, expected.owner if person == "owner" else person, None
        )

    @rule(
        which=st.integers(0, COMPLAINTS - 1),
        to=st.sampled_from(OWNERS),
        person=st.sampled_from(PEOPLE),
        reason=st.sampled_from(["Vakantie.", ""]),
    )
    def attempt_transfer(self, which: int, to: str, person: str, reason: str) -> None:
        """Ownership moves between the two agents, so who may act changes over time."""
        complaint = self.complaints[which]
        expected = self.expected[complaint.pk]
        actor = self.people[person]

        def action() -> Complaint:
            return services.complaint_transfer(
                complaint=complaint, actor=actor, to_user=self.people[to], reason=reason
            )

        if not self.may_work(person, expected):
            self.attempt(ActionForbidden, action)
        elif expected.stage not in OPEN_STAGES:
            self.attempt(TransitionNotAllowed, action)
        elif to == expected.owner or not reason:
            self.attempt(InvalidData, action)
        else:
            changes = self.attempt(None, action)
            assert set(changes["complaints.Complaint"]["changed"]) == {complaint.pk}
            expected.events.append((EventType.OWNER_CHANGED, "", "", actor.pk))
            expected.owner = to

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def the_database_agrees_with_the_table_and_the_model(self) -> None:
        rows = self.rows  # read right after the last attempt; checked three ways below
        complaints = rows["complaints.Complaint"]
        events: dict[int, list[dict[str, Any]]] = {pk: [] for pk in complaints}
        for event in rows["complaints.ComplaintEvent"].values():  # in id order
            events[event["complaint_id"]].append(event)
        steps = {
            name: {row["complaint_id"] for row in rows[label].values()}
            for name, label in (
                ("understanding", "complaints.UnderstandingStep"),
                ("apology", "complaints.ApologyStep"),
                ("solution", "complaints.SolutionStep"),
            )
        }
        for pk, expected in self.expected.items():
            complaint = complaints[pk]
            stage = self.stage_history_is_a_legal_path(events[pk])
            assert complaint["stage"] == stage == expected.stage
            self.events_match_the_successful_attempts(events[pk], expected)
            assert complaint["owner_id"] == self.people[expected.owner].pk
            self.every_stage_past_received_has_its_triad_records(
                complaint, {name: pk in have for name, have in steps.items()}
            )
            if stage in {Stage.RESOLVED, Stage.CLOSED}:
                cause = rows["complaints.RootCause"][complaint["root_cause_id"]]
                assert cause["active"]
                assert cause["parent_id"] is not None

    def stage_history_is_a_legal_path(self, events: list[dict[str, Any]]) -> Stage:
        """Walk the stage changes in the events through TRANSITIONS; return where they end."""
        moves = [(e["type"], e["from_stage"], e["to_stage"]) for e in events if e["to_stage"]]
        assert moves[0] == (EventType.RECEIVED, "", Stage.RECEIVED)
        stage = Stage.RECEIVED
        for type_, source, target in moves[1:]:
            assert source == stage, f"the history jumps from {stage} to a move from {source}"
            transition = MOVES.get((Stage(source), Stage(target)))
            assert transition is not None, f"{source} → {target} is not in the table"
            assert type_ == EVENT_TYPE[transition]
            stage = Stage(target)
        return stage

    def events_match_the_successful_attempts(
        self, events: list[dict[str, Any]], expected: Expected
    ) -> None:
        """One event per success, in the order they happened; none for a refusal."""
        assert [
            (e["type"], e["from_stage"], e["to_stage"], e["actor_id"]) for e in events
        ] == expected.events

    def every_stage_past_received_has_its_triad_records(
        self, complaint: dict[str, Any], has: dict[str, bool]
    ) -> None:
        stage = Stage(complaint["stage"])
        assert has == {
            "understanding": stage != Stage.RECEIVED,
            "apology": stage in PAST_APOLOGY,
            "solution": stage in PAST_SOLUTION,
        }
        assert (complaint["acknowledged_at"] is not None) == (stage != Stage.RECEIVED)
        assert (complaint["resolved_at"] is not None) == (stage in {Stage.RESOLVED, Stage.CLOSED})
        assert (complaint["closed_at"] is not None) == (stage == Stage.CLOSED)


def test_random_sequences_of_steps_keep_the_workflow_consistent(
    agent, other_agent, manager, admin_user, outsider, quality
):
    people = {
        "agent": agent,
        "other_agent": other_agent,
        "manager": manager,
        "admin_user": admin_user,
        "outsider": outsider,
        "outsider_manager": outsider.team.manager,
        "quality": quality,
    }
    retired = RootCause.objects.create(
        code="billing-old-tariff",
        parent=root_cause("billing"),
        name_nl="Oud tarief",
        name_en="Old tariff",
        active=False,
    )
    machine = type(
        "WorkflowMachine", (WorkflowMachine,), {"people": people, "retired_cause": retired}
    )

    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        ),
    )

    # Every example was rolled back: the test leaves only what it made itself.
    assert not Complaint.objects.exists()
