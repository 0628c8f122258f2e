"""A pending coulance request follows its approval chain when the chain changes: a transfer, a
raised limit, a new team manager, a deactivated manager. The admin's saves re-route at once; a
periodic task catches changes made elsewhere."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.forms import SplitDateTimeWidget
from django.test import Client
from django.urls import reverse

from accounts.models import Team, User
from accounts.roles import Role
from common.errors import InvalidData
from complaints import services, tasks
from complaints.coulance import routing, selectors
from complaints.coulance import services as coulance
from complaints.models import Complaint, ComplaintEvent, CoulanceRequest, EventType
from complaints.states import Stage
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.coulance.conftest import ask
from tests.factories import UserFactory, advance, make_complaint

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def rerouted(complaint: Complaint) -> list[ComplaintEvent]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint, type=EventType.COULANCE_REROUTED)
        .select_related("actor")
        .order_by("id")
    )


def waiting_for(request: CoulanceRequest) -> User | None:
    request.refresh_from_db()
    return request.waiting_for


# --- The service ---------------------------------------------------------------------------------


def test_a_raised_limit_gives_the_request_nobody_could_approve_its_approver(
    complaint, agent, manager, director
):
    request = ask(complaint, agent, amount="5000")
    assert request.waiting_for is None
    assert request.pending_reason
    director.approval_limit = Decimal("10000")
    director.save(update_fields=["approval_limit"])

    moved = routing.reroute_pending(cause=routing.APPROVERS, now=T0)

    assert [m.pk for m in moved] == [request.pk]
    assert waiting_for(request) == director
    assert request.pending_reason == ""
    assert list(selectors.coulance_pending_for(user=director)) == [request]
    [event] = rerouted(complaint)
    assert event.actor is None
    assert event.created_at == T0
    assert event.payload["cause"] == "approvers"
    assert event.payload["from_user_id"] is None
    assert event.payload["waiting_for_id"] == director.pk
    assert [(p["user_id"], p["why"]) for p in event.payload["passed"]] == [(manager.pk, "limit")]


def test_rerouting_again_changes_nothing(complaint, agent, director):
    request = ask(complaint, agent, amount="5000")
    director.approval_limit = Decimal("10000")
    director.save(update_fields=["approval_limit"])
    routing.reroute_pending(cause=routing.APPROVERS)
    before = db_snapshot()

    assert routing.reroute_pending(cause=routing.APPROVERS) == []

    assert db_changes(before, db_snapshot()) == {}
    assert waiting_for(request) == director


def test_a_deactivated_manager_hands_the_queue_to_the_manager_above(
    complaint, agent, manager, director
):
    request = ask(complaint, agent, amount="25")
    assert request.waiting_for == manager
    manager.is_active = False
    manager.save(update_fields=["is_active"])

    routing.reroute_pending(cause=routing.APPROVERS)

    assert waiting_for(request) == director
    [event] = rerouted(complaint)
    assert event.payload["from_user_id"] == manager.pk
    assert event.payload["passed"][0]["why"] == "not_a_manager"
    assert list(selectors.coulance_pending_for(user=manager)) == []


def test_a_request_that_loses_its_approver_says_why_it_waits(complaint, agent, manager, director):
    request = ask(complaint, agent, amount="25")
    User.objects.filter(pk__in=[manager.pk, director.pk]).update(approval_limit=Decimal("10"))

    routing.reroute_pending(cause=routing.APPROVERS)

    assert waiting_for(request) is None
    assert "above the approval limit of every manager" in request.pending_reason
    assert "€10.00" in request.pending_reason
    [event] = rerouted(complaint)
    assert event.payload["waiting_for_id"] is None
    assert event.payload["pending_reason"] == request.pending_reason


def test_decided_requests_keep_who_decided_them(complaint, agent, manager, director):
    approved = ask(complaint, agent, amount="25")
    coulance.coulance_request_approve(coulance_request=approved, actor=manager)
    manager.is_active = False
    manager.save(update_fields=["is_active"])

    assert routing.reroute_pending(cause=routing.APPROVERS) == []

    approved.refresh_from_db()
    assert approved.waiting_for == manager
    assert approved.decided_by == manager
    assert rerouted(complaint) == []


# --- A transfer ----------------------------------------------------------------------------------


@pytest.fixture
def open_complaint(agent: User, director: User) -> Complaint:
    """A complaint still being solved: it can change owner."""
    return advance(make_complaint(owner=agent), to=Stage.SOLVING)


@pytest.fixture
def south_manager(outsider: User) -> User:
    """The manager of the other team, allowed up to € 500."""
    assert outsider.team is not None
    assert outsider.team.manager is not None
    boss = outsider.team.manager
    boss.approval_limit = Decimal("500")
    boss.save(update_fields=["approval_limit"])
    return boss


def test_a_transfer_sends_the_pending_request_to_the_new_owners_manager(
    open_complaint, agent, manager, outsider, south_manager
):
    request = ask(open_complaint, agent, amount="25")
    assert request.waiting_for == manager

    services.complaint_transfer(
        complaint=open_complaint,
        actor=agent,
        to_user=outsider,
        reason="Hoort bij team Zuid.",
        now=T0,
    )

    assert waiting_for(request) == south_manager
    assert list(selectors.coulance_pending_for(user=manager)) == []
    assert list(selectors.coulance_pending_for(user=south_manager)) == [request]
    types = list(
        ComplaintEvent.objects.filter(complaint=open_complaint, created_at=T0)
        .order_by("id")
        .values_list("type", flat=True)
    )
    assert types == [EventType.OWNER_CHANGED, EventType.COULANCE_REROUTED]
    [event] = rerouted(open_complaint)
    assert event.actor == agent
    assert event.payload["cause"] == "transfer"
    assert event.payload["from_user_id"] == manager.pk


def test_a_transfer_within_the_team_leaves_the_request_alone(
    open_complaint, agent, manager, other_agent
):
    request = ask(open_complaint, agent, amount="25")

    services.complaint_transfer(
        complaint=open_complaint, actor=agent, to_user=other_agent, reason="Vakantie."
    )

    assert waiting_for(request) == manager
    assert rerouted(open_complaint) == []


def test_a_refused_transfer_leaves_the_request_where_it_was(
    open_complaint, agent, manager, outsider, south_manager
):
    request = ask(open_complaint, agent, amount="25")
    before = db_snapshot()

    with pytest.raises(InvalidData):
        services.complaint_transfer(
            complaint=open_complaint, actor=agent, to_user=outsider, reason=""
        )

    assert db_changes(before, db_snapshot()) == {}
    assert waiting_for(request) == manager


# --- The admin and the periodic task ---------------------------------------------------------------


def admin_post_data(client: Client, url: str, **changes: Any) -> dict[str, Any]:
    """The admin change form's data as it stands, with ``changes`` applied."""
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = changes.get(name, form.initial.get(name, field.initial))
        if isinstance(field.widget, SplitDateTimeWidget):
            date_part, time_part = field.widget.decompress(value)
            data[f"{name}_0"], data[f"{name}_1"] = date_part or "", time_part or ""
        elif isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    return data


@pytest.fixture
def root(db: None, client: Client) -> User:
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_raising_a_limit_in_the_admin_reroutes_at_once(
    client, root, complaint, agent, director, django_capture_on_commit_callbacks
):
    request = ask(complaint, agent, amount="5000")
    url = reverse("admin:accounts_user_change", args=[director.pk])
    data = admin_post_data(client, url, approval_limit="10000.00")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    director.refresh_from_db()
    assert director.approval_limit == Decimal("10000.00")
    assert waiting_for(request) == director
    [event] = rerouted(complaint)
    assert event.actor == root


def test_a_new_team_manager_in_the_admin_takes_over_the_queue(
    client, root, team, complaint, agent, manager, django_capture_on_commit_callbacks
):
    request = ask(complaint, agent, amount="25")
    nina = UserFactory(username="nina", role=Role.MANAGER, approval_limit=Decimal("300"))
    url = reverse("admin:accounts_team_change", args=[team.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": team.name, "manager": nina.pk})

    assert response.status_code == 302
    assert Team.objects.get(pk=team.pk).manager == nina
    assert waiting_for(request) == nina


def test_an_admin_save_that_changes_no_approver_reroutes_nothing(
    client, root, complaint, agent, director, django_capture_on_commit_callbacks
):
    request = ask(complaint, agent, amount="5000")
    # Raised behind the admin's back: only the periodic task would notice.
    User.objects.filter(pk=director.pk).update(approval_limit=Decimal("10000"))
    url = reverse("admin:accounts_user_change", args=[director.pk])
    data = admin_post_data(client, url, first_name="Dirk-Jan")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, data)

    assert response.status_code == 302
    assert callbacks == []
    assert waiting_for(request) is None


def test_the_periodic_task_catches_changes_made_elsewhere(complaint, agent, director):
    request = ask(complaint, agent, amount="5000")
    User.objects.filter(pk=director.pk).update(approval_limit=Decimal("10000"))

    assert tasks.reroute_coulance() == 1

    assert waiting_for(request) == director
    schedule = settings.CELERY_BEAT_SCHEDULE["reroute-coulance"]
    assert schedule["task"] == tasks.reroute_coulance.name


def test_the_administrator_finds_the_requests_nobody_can_approve(
    client, complaint, agent, admin_user
):
    stuck = ask(complaint, agent, amount="5000")
    ask(complaint, agent, amount="25")  # waits for the team manager
    admin_user.language = "en"
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)

    listed = client.get("/admin/complaints/coulancerequest/?decides=nobody")
    shown = client.get(f"/admin/complaints/coulancerequest/{stuck.pk}/change/")

    assert [r.pk for r in listed.context["cl"].result_list] == [stuck.pk]
    assert shown.status_code == 200
    assert "above the approval limit of every manager" in shown.content.decode()


# --- What people read ----------------------------------------------------------------------------


def test_the_audit_trail_says_from_whom_to_whom(client, complaint, agent, manager, director):
    ask(complaint, agent, amount="25")
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    routing.reroute_pending(cause=routing.APPROVERS)
    client.force_login(agent)

    page = client.get(
        reverse("complaint-page", args=[complaint.reference]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Coulance request re-routed" in page
    assert f"{manager} → {director}" in page


def test_the_migration_takes_each_requests_route_from_its_latest_event(
    complaint, agent, manager, director
):
    from django.apps import apps

    fill_passed = importlib.import_module(
        "complaints.migrations.0008_coulance_route_passed"
    ).fill_passed
    escalated = ask(complaint, agent, amount="400")  # went past the team manager
    direct = ask(complaint, agent, amount="25")  # went past nobody
    CoulanceRequest.objects.update(passed=[])

    fill_passed(apps, None)

    escalated.refresh_from_db()
    direct.refresh_from_db()
    assert [(p["user_id"], p["why"]) for p in escalated.passed] == [(manager.pk, "limit")]
    assert direct.passed == []
