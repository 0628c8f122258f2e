"""Coulance requests and their four-eyes decision: routing, limits, escalation, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import translation

from accounts.models import User
from accounts.roles import Role
from common.errors import (
    ActionForbidden,
    ApprovalLimitExceeded,
    InvalidData,
    SelfApprovalForbidden,
    TransitionNotAllowed,
)
from complaints.coulance import selectors
from complaints.coulance import services as coulance
from complaints.models import (
    ComplaintEvent,
    CoulanceLetter,
    CoulanceRequest,
    CoulanceStatus,
    EventType,
)
from complaints.states import Stage
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.coulance.conftest import ask
from tests.factories import TeamFactory, UserFactory, advance, make_complaint

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def events_of(complaint, prefix: str = "coulance") -> list[str]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint, type__startswith=prefix)
        .order_by("id")
        .values_list("type", flat=True)
    )


# --- Request --------------------------------------------------------------------------------------


def test_request_within_the_team_managers_limit_waits_for_the_team_manager(
    complaint, agent, manager
):
    request = ask(complaint, agent, amount="25.00", now=T0)

    assert request.status == CoulanceStatus.PENDING
    assert request.waiting_for == manager
    assert request.amount == Decimal("25.00")
    assert request.currency == "EUR"
    assert request.requested_by == agent
    assert request.requested_at == T0
    [event] = ComplaintEvent.objects.filter(complaint=complaint, type=EventType.COULANCE_REQUESTED)
    assert event.actor == agent
    assert event.payload["amount"] == "25.00"
    assert event.payload["waiting_for_id"] == manager.pk


def test_request_above_the_team_managers_limit_escalates_to_the_manager_above(
    complaint, agent, manager, director
):
    request = ask(complaint, agent, amount="400")

    assert request.waiting_for == director
    assert request.pending_reason == ""
    [event] = ComplaintEvent.objects.filter(complaint=complaint, type=EventType.COULANCE_ESCALATED)
    assert [(p["user_id"], p["why"]) for p in event.payload["passed"]] == [(manager.pk, "limit")]
    assert event.payload["waiting_for_id"] == director.pk


def test_request_nobody_can_approve_stays_pending_with_the_reason(complaint, agent):
    request = ask(complaint, agent, amount="5000")

    assert request.status == CoulanceStatus.PENDING
    assert request.waiting_for is None
    assert "above the approval limit of every manager" in request.pending_reason
    assert "€1,000.00" in request.pending_reason  # the highest limit in the chain


def test_why_a_request_waits_is_said_in_the_readers_language(complaint, agent, api_as):
    request = ask(complaint, agent, amount="5000")  # asked in English
    agent.language = "nl"  # and read in Dutch
    agent.save(update_fields=["language"])

    with translation.override("nl"):
        reason = CoulanceRequest.objects.get(pk=request.pk).pending_reason
    answer = api_as(agent).get(f"/api/coulance/{request.pk}/", HTTP_ACCEPT_LANGUAGE="nl")

    assert reason.startswith("Niemand kan dit nog goedkeuren")
    assert "€ 1.000,00" in reason
    assert answer.status_code == 200
    assert answer.json()["pending_reason"] == reason


def test_request_on_a_team_without_manager_says_so(director):
    lonely = TeamFactory(name="Zonder leider")
    agent = UserFactory(username="eva", role=Role.AGENT, team=lonely)
    complaint = make_complaint(owner=agent)

    request = ask(complaint, agent, amount="10")

    assert request.waiting_for is None
    assert "has no manager" in request.pending_reason


def test_a_managers_own_request_goes_to_the_manager_above_them(complaint, manager, director):
    request = ask(complaint, manager, amount="10")

    assert request.waiting_for == director
    [event] = ComplaintEvent.objects.filter(complaint=complaint, type=EventType.COULANCE_ESCALATED)
    assert event.payload["passed"][0]["why"] == "requester"


def test_several_requests_per_complaint_and_the_total_granted(complaint, agent, manager):
    first = ask(complaint, agent, amount="25.00")
    second = ask(complaint, agent, amount="15.50", kind="small_gift")
    third = ask(complaint, agent, amount="99")
    coulance.coulance_request_approve(coulance_request=first, actor=manager)
    coulance.coulance_request_approve(coulance_request=second, actor=manager)
    coulance.coulance_request_reject(coulance_request=third, actor=manager, comment="Te veel.")

    assert selectors.coulance_total_granted(complaint=complaint) == {"EUR": Decimal("40.50")}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "-5", "more than zero"),
        ("amount", "0", "more than zero"),
        ("amount", "0.00", "more than zero"),
        ("amount", "12.345", "at most two decimals"),
        ("amount", "twaalf", "as a number"),
        ("amount", "NaN", "as a number"),
        ("amount", "", "required"),
        ("currency", "XYZ", "not an ISO 4217 currency code"),
        ("currency", "EURO", "not an ISO 4217 currency code"),
        ("liability", "liable", "compensation, not coulance"),
        ("liability", "unclear", "not liable"),
        ("kind", "cash", "listed kinds"),
        ("kind", "other", "what is given"),
        ("request_domain", "someday", "past, present or future"),
        ("balance", "", "required"),
        ("reason", "  ", "required"),
    ],
)
def test_bad_request_data_is_refused_on_its_field_and_writes_nothing(
    complaint, agent, field, value, message
):
    before = db_snapshot()

    with pytest.raises(InvalidData) as refused:
        ask(complaint, agent, **{field: value})

    error_field = "description" if (field, value) == ("kind", "other") else field
    assert message in " ".join(str(m) for m in refused.value.errors[error_field])
    assert db_changes(before, db_snapshot()) == {}


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("past", "reasonable and fair"),
        ("future", "risk for the company"),
        ("present", "what you decide now"),
    ],
)
def test_the_assessment_asked_for_matches_the_domain(complaint, agent, domain, message):
    with pytest.raises(InvalidData) as refused:
        ask(complaint, agent, request_domain=domain, assessment="")

    assert message in str(refused.value.errors["assessment"][0])


def test_a_complaint_recorded_as_liable_cannot_get_coulance(agent, director):
    complaint = advance(make_complaint(owner=agent), to=Stage.SOLVING)
    from complaints import workflow
    from tests.factories import step_data

    complaint = workflow.run(
        workflow.Transition.RESOLVE,
        complaint,
        actor=agent,
        **step_data("resolve") | {"liability": "liable"},
    )

    with pytest.raises(InvalidData) as refused:
        ask(complaint, agent)
    assert "compensation" in str(refused.value.errors["liability"][0])


def test_other_currencies_need_a_rate_and_are_judged_in_eur(complaint, agent, manager, director):
    with pytest.raises(InvalidData) as refused:
        ask(complaint, agent, currency="USD", amount="100")
    assert "no exchange rate is set for USD" in str(refused.value.errors["currency"][0])

    with override_settings(COULANCE_EUR_RATES={"USD": Decimal("0.90")}):
        small = ask(complaint, agent, currency="usd", amount="250")
        large = ask(complaint, agent, currency="USD", amount="300")

    assert (small.currency, small.amount_eur, small.waiting_for) == (
        "USD",
        Decimal("225.00"),
        manager,
    )
    assert (large.amount_eur, large.waiting_for) == (Decimal("270.00"), director)


def test_only_who_works_the_complaint_may_request(complaint, other_agent, quality, outsider):
    before = db_snapshot()
    for user in (other_agent, quality, outsider):
        with pytest.raises(ActionForbidden):
            ask(complaint, user)
    assert db_changes(before, db_snapshot()) == {}


def test_a_closed_complaint_gets_no_coulance(complaint, agent):
    complaint = advance(complaint, to=Stage.CLOSED)
    before = db_snapshot()

    with pytest.raises(TransitionNotAllowed, match="reopen it first"):
        ask(complaint, agent, amount="-1")  # the stage is judged before the data

    assert db_changes(before, db_snapshot()) == {}


def test_permission_is_judged_before_the_data(complaint, outsider):
    with pytest.raises(ActionForbidden):
        ask(complaint, outsider, amount="-1", currency="XYZ")


# --- Decision -------------------------------------------------------------------------------------


def test_the_team_manager_approves_and_a_draft_letter_is_made(complaint, agent, manager):
    request = ask(complaint, agent, amount="25")

    approved = coulance.coulance_request_approve(
        coulance_request=request, actor=manager, comment="Prima.", now=T0
    )

    assert approved.status == CoulanceStatus.APPROVED
    assert (approved.decided_by, approved.decided_at, approved.decision_comment) == (
        manager,
        T0,
        "Prima.",
    )
    [letter] = CoulanceLetter.objects.filter(request=request)
    assert (letter.version, letter.status, letter.language) == (1, "draft", "nl")
    assert events_of(complaint) == [
        EventType.COULANCE_REQUESTED,
        EventType.COULANCE_APPROVED,
        EventType.COULANCE_LETTER_DRAFTED,
    ]


def test_reject_needs_a_comment_and_makes_no_letter(complaint, agent, manager):
    request = ask(complaint, agent)
    before = db_snapshot()
    with pytest.raises(InvalidData) as refused:
        coulance.coulance_request_reject(coulance_request=request, actor=manager, comment=" ")
    assert "comment" in refused.value.errors
    assert db_changes(before, db_snapshot()) == {}

    rejected = coulance.coulance_request_reject(
        coulance_request=request, actor=manager, comment="Niet in verhouding."
    )

    assert rejected.status == CoulanceStatus.REJECTED
    assert not CoulanceLetter.objects.filter(request=request).exists()
    assert events_of(complaint)[-1] == EventType.COULANCE_REJECTED


def test_the_requester_never_approves_their_own_request_even_as_admin(complaint, director):
    boss = UserFactory(
        username="root", role=Role.ADMIN, approval_limit=Decimal("100000"), is_staff=True
    )
    request = ask(complaint, boss, amount="10")  # an admin works every complaint
    before = db_snapshot()

    with pytest.raises(SelfApprovalForbidden):
        coulance.coulance_request_approve(coulance_request=request, actor=boss)
    with pytest.raises(SelfApprovalForbidden):
        coulance.coulance_request_reject(coulance_request=request, actor=boss, comment="Nee.")

    assert db_changes(before, db_snapshot()) == {}


def test_the_database_itself_refuses_a_self_decision(complaint, agent):
    request = ask(complaint, agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoulanceRequest.objects.filter(pk=request.pk).update(
            status="approved", decided_by=agent, decided_at=T0
        )


def test_an_agent_cannot_decide(complaint, agent, other_agent):
    request = ask(complaint, agent)
    before = db_snapshot()

    with pytest.raises(ActionForbidden, match="Only a manager"):
        coulance.coulance_request_approve(coulance_request=request, actor=other_agent)

    assert db_changes(before, db_snapshot()) == {}


def test_a_manager_outside_the_chain_cannot_decide(complaint, agent, outsider):
    other_manager = outsider.team.manager
    other_manager.approval_limit = Decimal("10000")
    other_manager.save()
    request = ask(complaint, agent)

    with pytest.raises(ActionForbidden, match="not yours to decide"):
        coulance.coulance_request_approve(coulance_request=request, actor=other_manager)


def test_approval_above_the_managers_limit_is_refused_and_writes_nothing(
    complaint, agent, manager, director
):
    request = ask(complaint, agent, amount="400")
    before = db_snapshot()

    with pytest.raises(ApprovalLimitExceeded) as refused:
        coulance.coulance_request_approve(coulance_request=request, actor=manager)

    assert "€250.00" in str(refused.value.message)
    assert db_changes(before, db_snapshot()) == {}
    approved = coulance.coulance_request_approve(coulance_request=request, actor=director)
    assert approved.decided_by == director


def test_a_manager_below_the_limit_may_still_say_no(complaint, agent, manager):
    request = ask(complaint, agent, amount="400")

    rejected = coulance.coulance_request_reject(
        coulance_request=request, actor=manager, comment="Past niet bij de klacht."
    )

    assert rejected.status == CoulanceStatus.REJECTED


def test_a_limit_raised_later_lets_the_top_manager_approve_an_unroutable_request(
    complaint, agent, director
):
    request = ask(complaint, agent, amount="5000")
    with pytest.raises(ApprovalLimitExceeded):
        coulance.coulance_request_approve(coulance_request=request, actor=director)

    director.approval_limit = Decimal("5000")
    director.save()
    approved = coulance.coulance_request_approve(coulance_request=request, actor=director)

    assert approved.status == CoulanceStatus.APPROVED
    assert approved.pending_reason == ""


def test_deciding_twice_leaves_the_first_decision(complaint, agent, manager, director):
    request = ask(complaint, agent)
    coulance.coulance_request_approve(coulance_request=request, actor=manager)
    before = db_snapshot()

    with pytest.raises(TransitionNotAllowed, match="already been approved"):
        coulance.coulance_request_approve(coulance_request=request, actor=director)
    with pytest.raises(TransitionNotAllowed, match="already been approved"):
        coulance.coulance_request_reject(
            coulance_request=request, actor=manager, comment="Toch niet."
        )

    assert db_changes(before, db_snapshot()) == {}


def test_queue_and_badge_show_what_waits_for_the_manager(complaint, agent, manager, director):
    small = ask(complaint, agent, amount="20")
    ask(complaint, agent, amount="600")
    done = ask(complaint, agent, amount="30")
    coulance.coulance_request_approve(coulance_request=done, actor=manager)

    assert list(selectors.coulance_pending_for(user=manager)) == [small]
    assert selectors.coulance_pending_count(user=manager) == 1
    assert selectors.coulance_pending_count(user=director) == 1


def test_visibility_follows_the_complaint_and_the_chain(
    complaint, agent, other_agent, outsider, director
):
    request = ask(complaint, agent, amount="600")

    assert request in selectors.coulance_visible(user=other_agent)  # same team
    assert request in selectors.coulance_visible(user=director)  # it waits for them
    assert request not in selectors.coulance_visible(user=outsider)


def test_inactive_manager_is_passed_by(complaint, agent, manager, director):
    User.objects.filter(pk=manager.pk).update(is_active=False)

    request = ask(complaint, agent, amount="10")

    assert request.waiting_for == director
