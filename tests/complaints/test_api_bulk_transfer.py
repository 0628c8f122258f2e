"""POST /api/complaints/bulk-transfer/: several complaints to one new owner, all or none."""

from __future__ import annotations

from complaints.models import Complaint, OwnershipTransfer
from complaints.states import Stage
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import advance, make_complaint

URL = "/api/complaints/bulk-transfer/"


def test_the_manager_transfers_several_complaints_each_with_the_reason(
    api_as, manager, agent, other_agent
):
    complaints = [make_complaint(owner=agent) for _ in range(2)]
    response = api_as(manager).post(
        URL,
        {
            "references": [c.reference for c in complaints],
            "to_user": other_agent.pk,
            "reason": "Anna is met verlof.",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "references": [c.reference for c in complaints],
        "to_user": other_agent.pk,
    }
    for complaint in complaints:
        assert Complaint.objects.get(pk=complaint.pk).owner == other_agent
        assert OwnershipTransfer.objects.get(complaint=complaint).reason == "Anna is met verlof."


def test_one_refusal_transfers_nothing_and_says_which_under_references(
    api_as, manager, agent, other_agent
):
    fine = make_complaint(owner=agent)
    closed = advance(make_complaint(owner=agent), to=Stage.CLOSED)
    before = db_snapshot()
    response = api_as(manager).post(
        URL,
        {
            "references": [fine.reference, closed.reference],
            "to_user": other_agent.pk,
            "reason": "X",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "references": [
            f"{closed.reference}: A resolved or closed complaint cannot change owner; "
            "reopen it first."
        ]
    }
    assert db_changes(before, db_snapshot()) == {}


def test_field_messages_for_bad_input(api_as, manager, agent):
    complaint = make_complaint(owner=agent)
    response = api_as(manager).post(
        URL, {"references": [], "to_user": 999999, "reason": ""}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"references", "to_user", "reason"}
    bad_reference = api_as(manager).post(
        URL,
        {"references": ["not-a-reference"], "to_user": agent.pk, "reason": "X"},
        format="json",
    )
    assert bad_reference.status_code == 400
    assert "references" in bad_reference.json()
    assert Complaint.objects.get(pk=complaint.pk).owner == agent


def test_an_agent_gets_403_before_the_data_is_read(api_as, agent, other_agent):
    complaint = make_complaint(owner=agent)
    response = api_as(agent).post(URL, {"references": "nonsense"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Complaint.objects.get(pk=complaint.pk).owner == agent
