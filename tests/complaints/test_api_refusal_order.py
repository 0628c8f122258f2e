"""A refusal never depends on the payload: 403 and 409 come before the data is judged."""

from __future__ import annotations

import pytest

from complaints.models import Complaint, Customer
from complaints.states import Stage
from tests.complaints.dbstate import db_snapshot
from tests.factories import CustomerFactory, advance, make_complaint

BAD_COMPLAINT = {"customer": 999999, "channel": "pigeon", "subject": ""}


def test_quality_logging_a_complaint_with_bad_data_is_403(api_as, quality):
    response = api_as(quality).post("/api/complaints/", BAD_COMPLAINT, format="json")
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_quality_registering_a_customer_with_bad_data_is_403(api_as, quality):
    response = api_as(quality).post("/api/customers/", {"email": "no-at-sign"}, format="json")
    assert response.status_code == 403
    assert not Customer.objects.exists()


def test_quality_correcting_a_customer_with_bad_data_is_403(api_as, quality):
    customer = CustomerFactory(name="Pieter Jansen")
    response = api_as(quality).patch(
        f"/api/customers/{customer.pk}/", {"email": "no-at-sign"}, format="json"
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Pieter Jansen"


def test_correcting_an_unknown_customer_is_404_before_403(api_as, quality):
    response = api_as(quality).patch("/api/customers/999999/", {"name": "X"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("", {"priority": "whenever"}),
        ("transfer/", {"to_user": 999999}),
    ],
    ids=["correct details", "transfer"],
)
def test_changing_a_closed_complaint_with_bad_data_is_409(api_as, agent, path, body):
    complaint = advance(make_complaint(owner=agent), to=Stage.CLOSED)
    before = db_snapshot()
    client = api_as(agent)
    url = f"/api/complaints/{complaint.reference}/{path}"

    headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if path:
        response = client.post(url, body, format="json", **headers)
    else:
        response = client.patch(url, body, format="json", **headers)

    assert response.status_code == 409, response.content
    assert "reopen it first" in response.json()["detail"]
    assert db_snapshot() == before


def test_a_stranger_adding_a_bad_interaction_is_403(api_as, agent, other_agent):
    complaint = make_complaint(owner=agent)
    before = db_snapshot()
    response = api_as(other_agent).post(
        f"/api/complaints/{complaint.reference}/interactions/", {"kind": "x"}, format="json"
    )
    assert response.status_code == 403
    assert db_snapshot() == before


def test_notes_may_still_be_added_to_a_closed_complaint(api_as, agent):
    complaint = advance(make_complaint(owner=agent), to=Stage.CLOSED)
    response = api_as(agent).post(
        f"/api/complaints/{complaint.reference}/interactions/",
        {"kind": "note", "summary": "Klant belde nog even na."},
        format="json",
    )
    assert response.status_code == 201
