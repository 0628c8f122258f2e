"""The one-month follow-up and the customer's survey link."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from complaints import workflow
from complaints.care import followups
from complaints.models import (
    AnsweredVia,
    EventType,
    FollowUp,
    FollowUpState,
    Notification,
    NotificationKind,
    NpsCategory,
    SurveyInvitation,
)
from complaints.scheduling.dispatch import survey_token
from complaints.states import Stage
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import advance, step_data
from tests.promises.conftest import T0, resolved, run_due, send_mail_at

pytestmark = pytest.mark.usefixtures("clock")

# 30 calendar days after T0, at the same local time (09:00 in Amsterdam): across the switch to
# summer time that is an hour less than 30 × 24 hours.
DUE = datetime(2026, 4, 9, 7, 0, tzinfo=UTC)


def test_resolving_schedules_the_follow_up_a_month_later_for_the_owner(agent):
    complaint = resolved(agent)
    [follow_up] = complaint.follow_ups.all()
    assert (follow_up.state, follow_up.owner, follow_up.due_at) == (
        FollowUpState.SCHEDULED,
        agent,
        DUE,
    )


def test_the_follow_up_delay_is_configurable(agent, settings):
    settings.FOLLOW_UP_DAYS = 14
    [follow_up] = resolved(agent).follow_ups.all()
    assert follow_up.due_at == T0 + timedelta(days=14)


def test_completing_records_the_feeling_now_and_the_nps_category(agent):
    [follow_up] = resolved(agent).follow_ups.all()
    done = followups.follow_up_complete(
        follow_up=follow_up,
        actor=agent,
        satisfied=True,
        nps=9,
        emotion_now="satisfied",
        note="Blij met de terugbetaling",
    )
    assert (done.state, done.nps, done.nps_category, done.answered_via) == (
        FollowUpState.COMPLETED,
        9,
        NpsCategory.PROMOTER,
        AnsweredVia.AGENT,
    )
    assert done.complaint.events.filter(type=EventType.FOLLOW_UP_COMPLETED).count() == 1


@pytest.mark.parametrize(
    ("score", "category"),
    [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (10, "promoter")],
)
def test_nps_categories(score, category):
    from complaints.models.followups import nps_category

    assert nps_category(score) == category


@pytest.mark.parametrize("nps", [-1, 11, 100])
def test_an_nps_outside_0_to_10_is_refused_and_changes_nothing(agent, nps):
    [follow_up] = resolved(agent).follow_ups.all()
    before = db_snapshot()
    with pytest.raises(InvalidData) as refused:
        followups.follow_up_complete(
            follow_up=follow_up, actor=agent, satisfied=True, nps=nps, emotion_now="neutral"
        )
    with translation.override("en"):
        assert "from 0 to 10" in str(refused.value.errors["nps"][0])
    assert db_changes(before, db_snapshot()) == {}


def test_a_completed_follow_up_cannot_be_completed_or_waived_again(agent):
    [follow_up] = resolved(agent).follow_ups.all()
    followups.follow_up_complete(
        follow_up=follow_up, actor=agent, satisfied=False, nps=3, emotion_now="disappointed"
    )
    with pytest.raises(TransitionNotAllowed):
        followups.follow_up_waive(follow_up=follow_up, actor=agent, reason="Toch niet")


def test_waiving_needs_a_reason(agent, manager):
    [follow_up] = resolved(agent).follow_ups.all()
    with pytest.raises(InvalidData):
        followups.follow_up_waive(follow_up=follow_up, actor=manager, reason="")
    waived = followups.follow_up_waive(
        follow_up=follow_up, actor=manager, reason="Klant wil niet meer benaderd worden"
    )
    assert waived.state == FollowUpState.WAIVED
    event = waived.complaint.events.get(type=EventType.FOLLOW_UP_WAIVED)
    assert (event.actor, event.payload["reason"], event.payload["early"]) == (
        manager,
        "Klant wil niet meer benaderd worden",
        True,
    )


def test_before_it_is_due_only_a_manager_may_waive_the_follow_up(agent, clock):
    [follow_up] = resolved(agent).follow_ups.all()
    before = db_snapshot()
    with pytest.raises(ActionForbidden):
        followups.follow_up_waive(follow_up=follow_up, actor=agent, reason="Geen tijd")
    assert db_changes(before, db_snapshot()) == {}
    clock.move_to(DUE)  # due now: the owner may waive it (the customer is unreachable)
    waived = followups.follow_up_waive(follow_up=follow_up, actor=agent, reason="Onbereikbaar")
    assert waived.state == FollowUpState.WAIVED


def test_reopening_cancels_the_follow_up_and_resolving_again_schedules_a_new_one(agent, clock):
    complaint = resolved(agent)
    complaint = workflow.reopen(complaint, actor=agent, **step_data("reopen"))
    assert complaint.follow_ups.get().state == FollowUpState.CANCELLED
    clock.shift(timedelta(days=2))
    workflow.resolve(complaint, actor=agent, **step_data("resolve"))
    assert complaint.follow_ups.filter(state=FollowUpState.SCHEDULED).get().due_at == (
        DUE + timedelta(days=2)
    )


def test_the_due_follow_up_notifies_the_owner_and_mails_the_customer_a_survey(agent):
    complaint = resolved(agent, language="en", email="jane@example.com")
    run_due(DUE)
    mail.outbox.clear()
    send_mail_at(DUE)

    [note] = Notification.objects.filter(kind=NotificationKind.FOLLOW_UP_DUE)
    assert note.recipient == agent
    [survey_mail] = [m for m in mail.outbox if "How do you feel about it now" in m.subject]
    assert survey_mail.to == ["jane@example.com"]
    [link] = re.findall(r"https?://\S+/survey/\S+/", survey_mail.body)
    token = link.rstrip("/").rsplit("/", 1)[1]
    # The link reveals nothing about the complaint: only a random id and its signature.
    invitation = SurveyInvitation.objects.get()
    assert token.split(":")[0] == invitation.public_id
    assert complaint.reference not in link
    assert invitation.expires_at == DUE + timedelta(days=30)


def test_no_survey_without_an_email_address(agent):
    resolved(agent, email="")
    run_due(DUE)
    assert not SurveyInvitation.objects.exists()
    assert Notification.objects.filter(kind=NotificationKind.FOLLOW_UP_DUE).count() == 1


# --- The survey page ---------------------------------------------------------------------------


@pytest.fixture
def survey(agent):
    """A resolved complaint whose follow-up has come due: (follow-up, survey URL path)."""
    complaint = resolved(agent, language="en", email="jane@example.com")
    run_due(DUE)
    invitation = SurveyInvitation.objects.get()
    return complaint.follow_ups.get(), f"/survey/{survey_token(invitation.public_id)}/"


def test_opening_the_link_only_shows_the_form_in_the_customers_language(survey):
    _follow_up, path = survey
    before = db_snapshot()
    response = Client().get(path)
    assert response.status_code == 200
    assert b"How likely is it that you would recommend us" in response.content
    assert response["X-Robots-Tag"].startswith("noindex")
    assert db_changes(before, db_snapshot()) == {}  # mail scanners may follow links


def test_submitting_records_the_answer_and_completes_the_follow_up(survey, agent, clock):
    follow_up, path = survey
    clock.move_to(DUE + timedelta(days=1))
    response = Client().post(path, {"nps": "10", "comment": "Top geregeld"})
    assert response.status_code == 200
    assert b"Thank you" in response.content
    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.nps, follow_up.note, follow_up.answered_via) == (
        FollowUpState.COMPLETED,
        10,
        "Top geregeld",
        AnsweredVia.SURVEY,
    )
    assert follow_up.ended_by is None
    assert Notification.objects.filter(
        kind=NotificationKind.SURVEY_ANSWERED, recipient=agent
    ).exists()


def test_a_used_link_says_so_and_changes_nothing(survey, clock):
    _follow_up, path = survey
    clock.move_to(DUE + timedelta(days=1))
    Client().post(path, {"nps": "8"})
    before = db_snapshot()
    response = Client().post(path, {"nps": "2"})
    assert response.status_code == 410
    assert b"answered already" in response.content
    assert db_changes(before, db_snapshot()) == {}


def test_an_expired_link_says_so_and_changes_nothing(survey, clock):
    _follow_up, path = survey
    clock.move_to(DUE + timedelta(days=30, seconds=1))
    before = db_snapshot()
    response = Client().post(path, {"nps": "9"})
    assert response.status_code == 410
    assert b"expired" in response.content
    assert db_changes(before, db_snapshot()) == {}


def test_a_forged_link_says_so_and_changes_nothing(survey):
    _follow_up, path = survey
    forged = path[:-3] + ("x" if path[-3] != "x" else "y") + path[-2:]
    before = db_snapshot()
    for url in (forged, "/survey/abc/", "/survey/" + "a" * 40 + ":" + "b" * 20 + "/"):
        response = Client().post(url, {"nps": "9"})
        assert response.status_code == 410
        assert b"not valid" in response.content or b"niet geldig" in response.content
    assert db_changes(before, db_snapshot()) == {}


def test_an_nps_outside_the_scale_is_refused_on_the_page(survey):
    _follow_up, path = survey
    before = db_snapshot()
    response = Client().post(path, {"nps": "11"})
    assert response.status_code == 400
    assert b"Choose a number from 0 to 10" in response.content
    assert db_changes(before, db_snapshot()) == {}


def test_a_follow_up_completed_by_the_owner_closes_the_survey(survey, agent):
    follow_up, path = survey
    followups.follow_up_complete(
        follow_up=follow_up, actor=agent, satisfied=True, nps=7, emotion_now="neutral"
    )
    response = Client().get(path)
    assert response.status_code == 410


def test_a_closed_complaint_closed_after_its_follow_up(agent):
    complaint = advance(resolved(agent), to=Stage.CLOSED)
    assert complaint.follow_ups.get().state == FollowUpState.COMPLETED
    assert FollowUp.objects.count() == 1
