"""The list's fast path (plain values) answers exactly what the list serializer would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.roles import Role
from complaints import workflow
from complaints.api import listing
from complaints.api.serializers import ComplaintListSerializer
from complaints.models import Complaint
from complaints.states import Stage, Transition
from tests.factories import UserFactory, advance, make_complaint, root_cause, step_data


@pytest.fixture
def varied(agent, outsider) -> list[Complaint]:
    """Open and overdue, resolved with a cause, an owner with a full name and one without team."""
    now = timezone.now()
    loner = UserFactory(username="solo", role=Role.AGENT, team=None, first_name="", last_name="")
    named = UserFactory(username="fvd", role=Role.AGENT, first_name="Fleur", last_name="de Vos")
    resolved = advance(make_complaint(owner=agent), to=Stage.SOLVING)
    resolved = workflow.run(
        Transition.RESOLVE,
        resolved,
        actor=agent,
        **{**step_data("resolve"), "root_cause": root_cause()},
    )
    return [
        make_complaint(owner=agent, received_at=now - timedelta(days=40)),  # overdue
        make_complaint(owner=agent, priority="urgent"),
        advance(
            make_complaint(owner=outsider, received_at=now - timedelta(hours=3)),
            to=Stage.UNDERSTOOD,
        ),
        make_complaint(owner=loner, category="Facturen"),
        make_complaint(owner=named, emotion_at_intake="angry", emotion_intensity=3),
        resolved,
        advance(make_complaint(owner=agent, received_at=now - timedelta(days=90)), to=Stage.CLOSED),
    ]


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "UTC"])
def test_list_rows_match_the_list_serializer(varied, zone):
    ids = [complaint.pk for complaint in varied]
    now = timezone.now()
    with timezone.override(zone), translation.override("en"):
        fast = listing.complaint_rows(ids, now=now)
        objects = Complaint.objects.select_related("customer", "owner__team", "root_cause").in_bulk(
            ids
        )
        slow = ComplaintListSerializer([objects[pk] for pk in ids], many=True).data

    assert [row["reference"] for row in fast] == [c.reference for c in varied]
    assert {row["is_overdue"] for row in fast} == {True, False}
    assert any(row["root_cause"] for row in fast)
    assert [dict(row) for row in slow] == fast


def test_unknown_ids_are_left_out(varied):
    assert [row["reference"] for row in listing.complaint_rows([varied[1].pk, -1])] == [
        varied[1].reference
    ]
