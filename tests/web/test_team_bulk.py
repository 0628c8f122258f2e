"""Reassigning several of the team's complaints at once: each a single transfer, all or none."""

from __future__ import annotations

import html

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import Complaint, ComplaintEvent, OwnershipTransfer
from complaints.models.events import EventType
from complaints.states import Stage
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import UserFactory, advance, make_complaint

URL = reverse("team-bulk-reassign")
TEAM = reverse("team-complaints")


def text(response) -> str:
    return html.unescape(response.content.decode())


def post(client, complaints, to_user, reason="Anna is drie weken met verlof.", query=""):
    data = {"references": [c.reference for c in complaints], "reason": reason}
    if to_user is not None:
        data["to_user"] = to_user.pk
    return client.post(URL + query, data)


def owners(complaints) -> list[str]:
    return [Complaint.objects.get(pk=c.pk).owner.username for c in complaints]


def test_the_team_page_offers_a_checkbox_per_complaint_and_one_form(client_as, manager, agent):
    complaint = make_complaint(owner=agent)
    page = text(client_as(manager).get(TEAM))
    assert f'name="references" value="{complaint.reference}"' in page
    assert f'<label for="select-{complaint.reference}"' in page
    assert 'id="bulk-reassign"' in page
    assert f'action="{URL}"' in page  # a plain form: works without JavaScript


def test_the_ticked_complaints_go_to_the_new_owner_each_logged_as_a_transfer(
    client_as, manager, agent, other_agent
):
    ticked = [make_complaint(owner=agent) for _ in range(3)]
    left = make_complaint(owner=agent)
    client = client_as(manager)
    response = post(client, ticked, other_agent)
    assert response.status_code == 302
    assert response["Location"] == TEAM
    assert owners(ticked) == ["bram"] * 3
    assert owners([left]) == ["anna"]
    for complaint in ticked:
        transfer = OwnershipTransfer.objects.get(complaint=complaint)
        assert (transfer.from_user, transfer.to_user, transfer.transferred_by) == (
            agent,
            other_agent,
            manager,
        )
        assert transfer.reason == "Anna is drie weken met verlof."
        event = ComplaintEvent.objects.get(complaint=complaint, type=EventType.OWNER_CHANGED)
        assert event.actor == manager
        assert event.payload["reason"] == "Anna is drie weken met verlof."
    page = text(client.get(TEAM))
    assert f"3 complaints now belong to {other_agent}" in page
    assert all(c.reference in page for c in ticked)


def test_a_bulk_transfer_writes_what_a_single_transfer_writes(
    client_as, manager, agent, other_agent
):
    single, bulk = make_complaint(owner=agent), make_complaint(owner=agent)
    client = client_as(manager)

    def written(action) -> dict[str, int]:
        before = db_snapshot()
        action()
        return {
            label: len(change["added"])
            for label, change in db_changes(before, db_snapshot()).items()
        }

    by_one = written(
        lambda: client.post(
            reverse("team-reassign", args=[single.reference]),
            {"to_user": other_agent.pk, "reason": "Verlof."},
        )
    )
    by_bulk = written(lambda: post(client, [bulk], other_agent, reason="Verlof."))
    assert by_one == by_bulk
    assert by_bulk["complaints.OwnershipTransfer"] == 1


def test_one_closed_complaint_stops_them_all_and_the_page_says_which_and_why(
    client_as, manager, agent, other_agent
):
    fine = make_complaint(owner=agent)
    closed = advance(make_complaint(owner=agent), to=Stage.CLOSED)
    before = db_snapshot()
    response = post(client_as(manager), [fine, closed], other_agent)
    assert response.status_code == 400
    refusals = text(response).split('data-testid="bulk-refusals"')[1].split("</div>")[0]
    assert "Nothing was reassigned" in refusals
    assert closed.reference in refusals
    assert "A resolved or closed complaint cannot change owner; reopen it first." in refusals
    assert fine.reference not in refusals
    assert db_changes(before, db_snapshot()) == {}
    assert owners([fine, closed]) == ["anna", "anna"]
    # The ticked boxes stay ticked, so the manager can untick the refused one and send again.
    box = f'value="{fine.reference}" id="select-{fine.reference}" form="bulk-reassign" checked'
    assert box in text(response)


def test_every_refusal_is_listed_not_only_the_first(
    client_as, manager, agent, other_agent, outsider
):
    theirs = make_complaint(owner=other_agent)  # already bram's
    elsewhere = make_complaint(owner=outsider)  # another team's: not even visible
    fine = make_complaint(owner=agent)
    before = db_snapshot()
    response = post(client_as(manager), [theirs, fine, elsewhere], other_agent)
    refusals = text(response).split('data-testid="bulk-refusals"')[1].split("</div>")[0]
    assert f"{theirs.reference}</strong>: This person already owns the complaint." in refusals
    assert f"{elsewhere.reference}</strong>: No such complaint, or not one you may see." in (
        refusals
    )
    assert fine.reference not in refusals
    assert db_changes(before, db_snapshot()) == {}


def test_an_inactive_new_owner_is_refused_and_nothing_moves(client_as, manager, agent):
    gone = UserFactory(username="weg", is_active=False, team=agent.team)
    complaints = [make_complaint(owner=agent), make_complaint(owner=agent)]
    before = db_snapshot()
    response = post(client_as(manager), complaints, gone)
    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    assert db_changes(before, db_snapshot()) == {}


def test_nothing_ticked_or_no_reason_is_refused_in_words(client_as, manager, agent, other_agent):
    complaint = make_complaint(owner=agent)
    client = client_as(manager)
    before = db_snapshot()
    assert "Choose at least one complaint." in text(post(client, [], other_agent))
    no_reason = text(post(client, [complaint], other_agent, reason="  "))
    assert "This field is required." in no_reason
    assert db_changes(before, db_snapshot()) == {}


def test_an_agent_cannot_bulk_reassign(client_as, agent, other_agent):
    complaint = make_complaint(owner=agent)
    before = db_snapshot()
    assert post(client_as(agent), [complaint], other_agent).status_code == 403
    assert db_changes(before, db_snapshot()) == {}


def test_the_filter_is_kept_after_a_bulk_reassign(client_as, manager, agent, other_agent):
    complaint = make_complaint(owner=agent)
    response = post(client_as(manager), [complaint], other_agent, query="?priority=normal")
    assert response["Location"] == f"{TEAM}?priority=normal"


def test_queries_grow_by_a_fixed_number_per_complaint(client_as, manager, agent, other_agent):
    client = client_as(manager)

    def queries_for(n: int) -> int:
        complaints = [make_complaint(owner=agent) for _ in range(n)]
        with CaptureQueriesContext(connection) as captured:
            assert post(client, complaints, other_agent).status_code == 302
        return len(captured)

    three, nine = queries_for(3), queries_for(9)
    per_complaint = (nine - three) / 6
    # About 10 a complaint (measured): the single transfer's lock, checks and writes; the rest
    # (session, the batch's one look-up of the complaints) does not grow with the batch.
    assert per_complaint <= 11, per_complaint
    assert three <= 15 + 3 * 11, three
