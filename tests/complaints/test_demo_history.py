"""The demo's generated history: months of complaints that make the report worth reading.

Seeding takes seconds, so the module seeds once inside a transaction that is rolled back at
the end; each test runs in a savepoint within it (pytest-django's ``db``), so a test that seeds
again leaves nothing behind for the next one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from statistics import mean
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from complaints.choices import Outcome
from complaints.demo import demo_complaints
from complaints.demo.history import (
    ACTION_DONE_CAUSE,
    HISTORY_PREFIX,
    WORKDAYS,
    history_stories,
)
from complaints.demo.seed import _Clock
from complaints.models import (
    CallbackPromise,
    Complaint,
    ComplaintEvent,
    CoulanceRequest,
    Customer,
    FollowUp,
    FollowUpState,
    Notification,
    OutgoingEmail,
    PromiseState,
)
from complaints.states import Stage
from reports import services as report_services
from reports.models import ActionStatus, CorrectiveAction, RootCauseReport


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def output(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(output: str, db: None) -> str:
    return output


def history() -> list[Complaint]:
    return list(
        Complaint.objects.filter(customer__customer_number__startswith=HISTORY_PREFIX)
        .select_related("customer", "owner")
        .order_by("received_at")
    )


def history_promises() -> list[CallbackPromise]:
    return list(
        CallbackPromise.objects.filter(
            complaint__customer__customer_number__startswith=HISTORY_PREFIX
        )
    )


def test_history_holds_four_months_of_complaints_apart_from_the_stories(seeded: str):
    complaints = history()
    now = timezone.now()
    assert 120 <= len(complaints) <= 200
    oldest = now - complaints[0].received_at
    assert timedelta(days=100) < oldest < timedelta(days=140)
    assert all(c.received_at < now for c in complaints)
    # The stories' own list and tests see only the stories.
    assert all(c.customer.customer_number.startswith("DEMO-") for c in demo_complaints())
    assert not set(demo_complaints()) & set(complaints)
    assert "History / geschiedenis: " in seeded
    assert f"{len(complaints)} complaints created" in (seeded)


def test_history_customers_have_no_email_and_get_no_mail(seeded: str):
    customers = Customer.objects.filter(customer_number__startswith=HISTORY_PREFIX)
    assert customers.count() == len(history())
    assert not customers.exclude(email="").exists()
    assert all(c.phone for c in customers)
    history_ids = [c.pk for c in history()]
    to_customers = OutgoingEmail.objects.filter(complaint_id__in=history_ids).exclude(
        template="staff_notification"
    )
    assert not to_customers.exists()


def test_history_spreads_over_agents_teams_channels_and_causes(seeded: str):
    complaints = history()
    assert {c.owner.username for c in complaints} == {"anna", "bram", "carla"}
    assert {c.owner.team.name for c in complaints if c.owner.team} == {
        "Klantenservice",
        "Klantenservice Zakelijk",
    }
    assert len({c.channel for c in complaints}) >= 5
    assert len({c.priority for c in complaints}) >= 3
    resolved = [c for c in complaints if c.resolved_at]
    assert len({c.root_cause.code for c in resolved if c.root_cause}) >= 15
    assert all(c.emotion_at_intake and c.emotion_at_resolution for c in resolved)
    assert {c.outcome for c in resolved} == set(Outcome.values)
    for complaint in resolved:
        if complaint.outcome != Outcome.UPHELD:
            assert complaint.alternatives_offered, complaint
            assert complaint.request_domain, complaint


def test_history_has_every_stage_and_the_recent_ones_wait_for_their_follow_up(seeded: str):
    complaints = history()
    stages = {c.stage for c in complaints}
    assert stages == set(Stage.values)
    now = timezone.now()
    month = timedelta(days=settings.FOLLOW_UP_DAYS)
    for complaint in complaints:
        age = now - complaint.resolved_at if complaint.resolved_at else None
        if complaint.stage == Stage.RESOLVED:
            # Resolved less than a month (and a few working days) ago: the follow-up is ahead.
            assert age is not None, complaint
            assert age < month + timedelta(days=10), complaint
            assert complaint.follow_ups.get().state == FollowUpState.SCHEDULED
        if complaint.stage == Stage.CLOSED:
            assert age is not None
            assert age > month


def test_promise_keeping_rate_is_believable_with_rescheduled_and_broken_ones(seeded: str):
    promises = history_promises()
    states = [p.state for p in promises]
    kept, broken = states.count(PromiseState.KEPT), states.count(PromiseState.BROKEN)
    assert 0.6 <= kept / (kept + broken) <= 0.9
    rescheduled = [p for p in promises if p.rescheduled_from_id is not None]
    assert len(rescheduled) >= 10
    assert any(p.state == PromiseState.KEPT for p in rescheduled)
    assert states.count(PromiseState.UNREACHABLE) >= 10
    assert states.count(PromiseState.CANCELLED) >= 3  # given up after two unreachable calls
    assert broken >= 10
    assert "keeping rate / nakomingspercentage" in seeded


def test_the_dispatcher_marked_the_promises_never_kept_as_broken(seeded: str):
    broken = [p for p in history_promises() if p.state == PromiseState.BROKEN]
    assert broken
    assert all(p.ended_at is not None and p.ended_at > p.due_at for p in broken)
    now = timezone.now()
    grace = timedelta(minutes=settings.PROMISE_GRACE_MINUTES)
    # None is left waiting whose moment (and grace) has passed.
    assert not [
        p
        for p in history_promises()
        if p.state == PromiseState.SCHEDULED and p.due_at + grace < now
    ]
    events = ComplaintEvent.objects.filter(
        type="promise_broken", complaint__customer__customer_number__startswith=HISTORY_PREFIX
    )
    assert events.count() == len(broken)
    # The owner and the owner's manager heard of each one.
    assert Notification.objects.filter(kind="promise_broken", promise__in=broken).count() == (
        2 * len(broken)
    )


def test_one_agent_breaks_more_promises_than_the_others(seeded: str):
    def broken_share(username: str) -> float:
        mine = [p for p in history_promises() if p.owner.username == username]
        return sum(p.state == PromiseState.BROKEN for p in mine) / len(mine)

    assert broken_share("bram") > broken_share("anna")
    assert broken_share("bram") > broken_share("carla")


def test_follow_ups_hold_nps_and_emotion_in_line_with_how_it_went(seeded: str):
    follow_ups = list(
        FollowUp.objects.filter(
            complaint__customer__customer_number__startswith=HISTORY_PREFIX,
            state=FollowUpState.COMPLETED,
        ).select_related("complaint")
    )
    answered = [(f, f.nps) for f in follow_ups if f.nps is not None]
    assert len(answered) >= 50
    assert all(f.emotion_now for f in follow_ups)
    assert {f.nps_category for f, _nps in answered} == {"promoter", "passive", "detractor"}
    by_outcome = {
        outcome: mean(nps for f, nps in answered if f.complaint.outcome == outcome)
        for outcome in Outcome.values
    }
    assert by_outcome[Outcome.UPHELD] > by_outcome[Outcome.NOT_UPHELD]
    broken = set(
        CallbackPromise.objects.filter(state=PromiseState.BROKEN).values_list(
            "complaint_id", flat=True
        )
    )
    assert mean(nps for f, nps in answered if f.complaint_id in broken) < mean(
        nps for f, nps in answered if f.complaint_id not in broken
    )
    waived = FollowUp.objects.filter(
        complaint__customer__customer_number__startswith=HISTORY_PREFIX,
        state=FollowUpState.WAIVED,
    )
    assert waived.count() >= 5
    assert all(f.waive_reason and f.ended_at and f.ended_at >= f.due_at for f in waived)


def test_no_closed_complaint_still_awaits_its_follow_up(seeded: str):
    assert not Complaint.objects.filter(
        stage=Stage.CLOSED, follow_ups__state=FollowUpState.SCHEDULED
    ).exists()
    closed = [c for c in history() if c.stage == Stage.CLOSED]
    assert len(closed) >= 60
    for complaint in closed:
        ended = complaint.follow_ups.get()
        assert ended.state in {FollowUpState.COMPLETED, FollowUpState.WAIVED}
        assert ended.ended_at
        assert complaint.closed_at
        assert ended.ended_at <= complaint.closed_at


def test_some_gestures_were_approved_by_the_team_manager(seeded: str):
    requests = CoulanceRequest.objects.filter(
        complaint__customer__customer_number__startswith=HISTORY_PREFIX
    ).select_related("decided_by", "complaint__owner__team__manager")
    approved = [r for r in requests if r.status == "approved"]
    assert len(approved) >= 5
    for request in approved:
        team = request.complaint.owner.team
        assert team is not None
        assert request.decided_by == team.manager
        assert request.letters.exists()


def test_corrective_actions_done_in_progress_and_overdue(seeded: str):
    actions = {a.status: a for a in CorrectiveAction.objects.select_related("root_cause")}
    done = actions[ActionStatus.DONE]
    assert done.root_cause.code == ACTION_DONE_CAUSE
    assert done.done_at is not None
    assert timedelta(weeks=6) < timezone.now() - done.done_at < timedelta(weeks=8)
    assert done.complaints.exists()
    assert ActionStatus.IN_PROGRESS in actions
    today = timezone.localdate()
    overdue = [a for a in actions.values() if a.is_overdue(today)]
    assert len(overdue) == 1
    assert overdue[0] != actions[ActionStatus.IN_PROGRESS]


def test_the_stored_report_of_last_month_has_a_promise_rate_and_a_measured_effect(seeded: str):
    start = report_services.previous_month(timezone.now())
    report = RootCauseReport.objects.get(period_start=start)
    assert report.period_end == report_services.month_end(start)
    assert report.generated_by == User.objects.get(username="quinten")
    figures = report.figures
    assert figures["promises"]["rate"] not in (0, None)
    assert figures["promises"]["broken"] > 0
    assert figures["nps"]["answers"] >= 10
    effects = figures["corrective_actions"]["effects"]
    measured = [row for row in effects if row["change"] is not None]
    assert measured
    assert measured[0]["root_cause"] == ACTION_DONE_CAUSE
    assert measured[0]["change"] < 0  # the cause came less often after the action
    assert figures["volumes"]["resolved"]["total"] >= 25
    assert "Root-cause report / oorzakenrapport: " in seeded
    assert "created" in seeded


def test_a_second_seed_adds_nothing(seeded: str):
    models = (
        Customer,
        Complaint,
        ComplaintEvent,
        CallbackPromise,
        FollowUp,
        CoulanceRequest,
        CorrectiveAction,
        RootCauseReport,
        Notification,
        OutgoingEmail,
    )
    before = {model.__name__: model.objects.count() for model in models}
    second = seed()
    assert {model.__name__: model.objects.count() for model in models} == before
    assert "already exists" in second
    assert f"{len(history())} already present" in second


def test_the_history_is_drawn_the_same_on_every_day():
    now = timezone.now()
    today = _Clock(today=timezone.localdate(now), now=now)
    later = now + timedelta(days=9)
    next_week = _Clock(today=timezone.localdate(later), now=later)
    first, again, moved = history_stories(today), history_stories(today), history_stories(next_week)
    assert first == again
    assert [(s.number, s.customer, s.subject) for s in first] == [
        (s.number, s.customer, s.subject) for s in moved
    ]
    assert all(s.received.days_ago <= WORKDAYS for s in first)
    assert all(not s.email for s in first)
