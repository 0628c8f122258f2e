"""Corrective actions: raised by Quality on a root cause, worked through their statuses by
Quality or their owner, refused in the project's order with nothing written, and measured."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from complaints.states import Stage
from reports import actions
from reports.models import ActionEventType, ActionStatus, CorrectiveAction
from tests.factories import advance, make_complaint, root_cause
from tests.reports.conftest import snapshot as db_snapshot

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=AMS)


@pytest.fixture
def cause(db):
    return root_cause("billing-incorrect-amount")


@pytest.fixture
def raised(quality, agent, cause):
    return actions.action_create(
        root_cause=cause,
        title="Check the tariff table after every price change",
        owner=agent,
        due_on=date(2026, 7, 1),
        actor=quality,
        now=NOW,
    )


def test_quality_raises_an_action_with_linked_complaints(quality, agent, cause):
    complaint = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    action = actions.action_create(
        root_cause=cause,
        title="Fix the tariff table",
        owner=agent,
        due_on=date(2026, 7, 1),
        actor=quality,
        complaints=[complaint],
        now=NOW,
    )
    assert action.status == ActionStatus.OPEN
    assert list(action.complaints.all()) == [complaint]
    event = action.events.get()
    assert event.type == ActionEventType.RAISED
    assert event.payload["complaints"] == [complaint.reference]


def test_an_agent_may_not_raise_an_action_and_nothing_is_written(agent, cause):
    before = db_snapshot()
    with pytest.raises(ActionForbidden):
        actions.action_create(
            root_cause=cause, title="", owner=None, due_on=None, actor=agent, now=NOW
        )
    assert db_snapshot() == before


def test_raising_reports_every_data_problem_at_once(quality, agent):
    group = root_cause("billing")
    complaint = make_complaint(owner=agent)  # not resolved: no root cause
    with pytest.raises(InvalidData) as refused:
        actions.action_create(
            root_cause=group,
            title=" ",
            owner=agent,
            due_on=date(2026, 6, 14),
            actor=quality,
            complaints=[complaint],
            now=NOW,
        )
    assert set(refused.value.errors) == {"title", "root_cause", "due_on", "complaints"}
    assert not CorrectiveAction.objects.exists()


def test_open_in_progress_done_with_history(raised, agent, quality):
    started = actions.action_step(action=raised, step="start", actor=agent, now=NOW)
    assert started.status == ActionStatus.IN_PROGRESS
    assert started.started_at == NOW
    done = actions.action_step(
        action=started, step="complete", actor=quality, result="Table checked", now=NOW
    )
    assert done.status == ActionStatus.DONE
    assert done.done_at == NOW
    assert [e.type for e in done.events.all()] == ["raised", "started", "done"]


def test_an_open_action_cannot_be_done_without_being_started(raised, quality):
    with pytest.raises(TransitionNotAllowed):
        actions.action_step(action=raised, step="complete", actor=quality, now=NOW)


def test_dropping_needs_a_reason_but_a_wrong_state_is_refused_first(raised, quality):
    with pytest.raises(InvalidData) as refused:
        actions.action_step(action=raised, step="drop", actor=quality, reason=" ", now=NOW)
    assert "reason" in refused.value.errors
    dropped = actions.action_step(
        action=raised, step="drop", actor=quality, reason="Supplier fixed it", now=NOW
    )
    assert dropped.status == ActionStatus.DROPPED
    assert dropped.drop_reason == "Supplier fixed it"
    before = db_snapshot()
    with pytest.raises(TransitionNotAllowed):  # 409 before the missing reason's 400
        actions.action_step(action=dropped, step="drop", actor=quality, reason="", now=NOW)
    assert db_snapshot() == before


def test_someone_else_than_quality_or_the_owner_may_not_move_it(raised, other_agent):
    with pytest.raises(ActionForbidden):
        actions.action_step(action=raised, step="start", actor=other_agent, now=NOW)


def test_the_owner_may_not_edit_the_action_itself(raised, agent):
    with pytest.raises(ActionForbidden):
        actions.action_update(action=raised, actor=agent, title="Mine now")


def test_update_changes_and_records_only_what_changed(raised, quality, manager):
    updated = actions.action_update(
        action=raised, actor=quality, owner=manager, title=raised.title, now=NOW
    )
    assert updated.owner == manager
    change = updated.events.get(type=ActionEventType.CHANGED)
    assert change.payload["changes"] == {"owner": [raised.owner_id, manager.pk]}


def test_overdue_only_while_still_to_be_done(raised, quality):
    assert not raised.is_overdue(date(2026, 7, 1))
    assert raised.is_overdue(date(2026, 7, 2))
    listed = actions.action_list(
        user=quality, filters={"overdue": True, "now": NOW + timedelta(days=20)}
    )
    assert list(listed) == [raised]
    actions.action_step(action=raised, step="drop", actor=quality, reason="Not needed", now=NOW)
    raised.refresh_from_db()
    assert not raised.is_overdue(date(2026, 7, 2))


def test_effect_counts_the_cause_in_equal_windows_before_and_after(raised, quality, agent, cause):
    other = root_cause("delivery-late")
    done_at = datetime(2026, 6, 1, 12, 0, tzinfo=AMS)
    for days_before in (1, 5, 29):  # three in the 30 days before
        make_complaint(owner=agent, received_at=done_at - timedelta(days=days_before))
    make_complaint(owner=agent, received_at=done_at + timedelta(days=2))  # one after
    make_complaint(owner=agent, received_at=done_at - timedelta(days=31))  # outside the window
    from complaints.models import Complaint

    Complaint.objects.update(root_cause=cause)
    make_complaint(owner=agent, received_at=done_at + timedelta(days=3))  # no cause yet
    Complaint.objects.filter(root_cause__isnull=True).update(root_cause=other)

    actions.action_step(action=raised, step="start", actor=quality, now=done_at)
    done = actions.action_step(action=raised, step="complete", actor=quality, now=done_at)
    # 30 days have passed since: the windows are 30 days each (the setting says 90).
    effect = actions.action_effect(action=done, now=done_at + timedelta(days=30, hours=1))
    assert effect is not None
    assert (effect.window_days, effect.before, effect.after) == (30, 3, 1)
    assert effect.change == pytest.approx(-2 / 3, abs=1e-4)
    assert actions.action_effect(action=done, now=done_at + timedelta(hours=2)) is None


def test_api_lists_creates_and_moves_actions(api_as, quality, agent, cause):
    with time_machine.travel(NOW):
        api = api_as(quality)
        created = api.post(
            "/api/corrective-actions/",
            {
                "root_cause": cause.code,
                "title": "Fix the tariff table",
                "owner": agent.pk,
                "due_on": "2026-07-01",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        pk = created.json()["id"]
        assert created.json()["status"] == "open"
        assert api.post(f"/api/corrective-actions/{pk}/complete/", {}).status_code == 409
        assert api.post(f"/api/corrective-actions/{pk}/start/").json()["status"] == "in_progress"
        assert api.post(f"/api/corrective-actions/{pk}/drop/", {}).status_code == 400
        listed = api.get("/api/corrective-actions/?status=in_progress").json()
        assert [a["id"] for a in listed["results"]] == [pk]


def test_api_refuses_an_agent_with_403_before_reading_the_data(api_as, agent):
    response = api_as(agent).post("/api/corrective-actions/", {}, format="json")
    assert response.status_code == 403


def test_api_hides_other_peoples_actions_from_agents(api_as, raised, other_agent):
    assert api_as(other_agent).get(f"/api/corrective-actions/{raised.pk}/").status_code == 404


# --- Pages -------------------------------------------------------------------------------------


def test_quality_raises_an_action_on_the_page_with_complaint_references(client, quality, agent):
    complaint = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    client.force_login(quality)
    assert client.get(reverse("action-list")).status_code == 200
    missing = client.post(
        reverse("action-list"),
        {
            "root_cause": root_cause().pk,
            "title": "Tarieventabel nalopen",
            "owner": agent.pk,
            "due_on": "2099-01-31",
            "complaints": "KL-1999-000001",
        },
    )
    assert missing.status_code == 400
    assert "KL-1999-000001" in missing.content.decode()
    made = client.post(
        reverse("action-list"),
        {
            "root_cause": root_cause().pk,
            "title": "Tarieventabel nalopen",
            "owner": agent.pk,
            "due_on": "2099-01-31",
            "complaints": complaint.reference,
        },
    )
    action = CorrectiveAction.objects.get()
    assert made.status_code == 302
    assert made["Location"] == reverse("action-page", args=[action.pk])
    assert list(action.complaints.all()) == [complaint]


def test_the_owner_starts_and_completes_on_the_page(client, raised, agent):
    client.force_login(agent)
    page = client.get(reverse("action-page", args=[raised.pk]))
    assert page.status_code == 200
    assert 'id="action-edit"' not in page.content.decode()
    client.post(reverse("action-step", args=[raised.pk, "start"]))
    client.post(reverse("action-step", args=[raised.pk, "complete"]), {"text": "Gedaan"})
    raised.refresh_from_db()
    assert (raised.status, raised.result) == ("done", "Gedaan")
    refused = client.post(
        reverse("action-step", args=[raised.pk, "drop"]), {"text": "x"}, follow=True
    )
    assert "not possible while the action is" in refused.content.decode()


def test_overdue_actions_are_flagged_in_the_list(client, raised, quality):
    client.force_login(quality)
    with time_machine.travel(datetime(2026, 7, 5, 9, 0, tzinfo=AMS)):
        page = client.get(reverse("action-list") + "?overdue=1")
    row = page.content.decode().split(raised.title)[1].split("</tr>")[0]
    assert '<span class="badge overdue">due: 4 days over</span>' in row  # due on 1 July


def test_an_agent_sees_only_the_actions_they_own(client, raised, other_agent):
    client.force_login(other_agent)
    assert raised.title not in client.get(reverse("action-list")).content.decode()
    assert client.get(reverse("action-page", args=[raised.pk])).status_code == 404
