"""The list's hand-written query answers what the ORM selector and the list serializer would."""

from __future__ import annotations

from datetime import timedelta
from itertools import cycle
from typing import Any

import pytest
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from complaints import policies, selectors, workflow
from complaints.api import listing
from complaints.api.serializers import ComplaintListSerializer
from complaints.choices import Channel, Priority
from complaints.models import Complaint, RootCause
from complaints.policies import Sight
from complaints.states import Stage, Transition
from tests.factories import (
    CustomerFactory,
    UserFactory,
    advance,
    api_key,
    make_complaint,
    root_cause,
    step_data,
)


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
def test_list_items_match_the_list_serializer(varied, zone):
    now = timezone.now()
    with timezone.override(zone), translation.override("en"):
        fast = listing.complaint_items(listing.ListQuery(Sight(everyone=True), {})[0:50], now=now)
        newest_first = Complaint.objects.select_related(
            "customer", "owner__team", "root_cause"
        ).order_by("-received_at", "-id")
        slow = ComplaintListSerializer(newest_first, many=True).data

    assert sorted(row["reference"] for row in fast) == sorted(c.reference for c in varied)
    assert {row["is_overdue"] for row in fast} == {True, False}
    assert any(row["root_cause"] for row in fast)
    assert [dict(row) for row in slow] == fast


def test_a_window_of_the_list_is_its_slice(varied):
    query = listing.ListQuery(Sight(everyone=True), {})
    everything = [row["pk"] for row in query[0:50]]
    assert len(everything) == len(varied)
    assert [row["pk"] for row in query[2:5]] == everything[2:5]
    assert [row["pk"] for row in query.order_by("received_at", "id")[0:50]] == everything[::-1]


def test_a_complaint_deleted_between_the_two_statements_is_left_out(varied):
    from django.db import connection

    # A complaint with an audit trail cannot be deleted (the database refuses to delete its
    # events): the one that goes is a copy of a row without a trail.
    ghost = Complaint.objects.get(pk=varied[1].pk)
    ghost.pk, ghost.reference = None, "KL-2000-000001"
    ghost.save()
    gone = ghost.pk
    done: list[bool] = []

    def delete_after_the_page(execute, sql_text, params, many, context):
        result = execute(sql_text, params, many, context)
        if not done and sql_text.startswith('SELECT c."id" FROM'):
            done.append(True)
            Complaint.objects.filter(pk=gone).delete()
        return result

    with connection.execute_wrapper(delete_after_the_page):
        rows = listing.ListQuery(Sight(everyone=True), {})[0:50]
    assert done
    assert [row["pk"] for row in rows] == [
        c.pk
        for c in sorted(varied, key=lambda c: (c.received_at, c.pk), reverse=True)
        if c.pk != gone
    ]


def test_no_one_sees_nothing(varied):
    assert listing.ListQuery(Sight(), {})[0:50] == []


# --- the SQL and the ORM selector pick the same complaints -------------------------------------

SEARCH_WORDS = ["", "Internet", "INTERNET", "50%", "a_b", "back\\slash", "Jansen", "KL-"]


@pytest.fixture
def spread(agent, other_agent, manager, outsider) -> dict[str, Any]:
    """Complaints over every stage, channel and priority, some overdue, owned across teams;
    customer names and subjects with the characters a LIKE pattern treats specially."""
    now = timezone.now()
    owners = cycle([agent, other_agent, manager, outsider])
    stages = cycle(Stage.values)
    channels = cycle(Channel.values)
    priorities = cycle(Priority.values)
    subjects = cycle(
        ["Internet te duur", "50% korting", "500 euro", "a_b code", "axb code", "back\\slash"]
    )
    causes = list(RootCause.objects.filter(parent__isnull=False)[:3])
    for index in range(28):
        customer = CustomerFactory(
            name="Jan Jansen" if index % 5 == 0 else f"Klant {index}",
            email=f"klant{index}@example.nl",
        )
        complaint = make_complaint(
            owner=next(owners),
            customer=customer,
            channel=next(channels),
            priority=next(priorities),
            subject=next(subjects),
            received_at=now - timedelta(days=index * 3, minutes=index),
        )
        stage = next(stages)
        changes: dict[str, Any] = {"stage": stage}
        if stage in (Stage.RESOLVED, Stage.CLOSED):
            changes |= {"resolved_at": now, "outcome": "upheld", "root_cause": causes[index % 3]}
        if index % 4 == 0:
            changes["acknowledged_at"] = now  # acknowledged; the rest only by their due dates
        Complaint.objects.filter(pk=complaint.pk).update(**changes)
    quality = UserFactory(username="q-list", role=Role.QUALITY)
    loner = UserFactory(username="loner", role=Role.AGENT, team=None)
    return {
        "users": [agent, manager, outsider, quality, loner],
        "owners": [agent.pk, manager.pk, outsider.pk],
        "causes": [cause.pk for cause in causes],
        "now": now,
        "moments": list(Complaint.objects.values_list("received_at", flat=True)),
    }


def filter_sets(spread: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    # Moments of the data themselves (the bounds include or exclude exactly those) and between.
    moments = st.sampled_from(spread["moments"]) | st.sampled_from(spread["moments"]).map(
        lambda moment: moment + timedelta(seconds=1)
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "stage": st.lists(st.sampled_from(Stage.values), min_size=1, max_size=3, unique=True),
            "owner": st.sampled_from(spread["owners"]),
            "channel": st.sampled_from(Channel.values),
            "priority": st.sampled_from(Priority.values),
            "root_cause": st.sampled_from(spread["causes"]),
            "overdue": st.booleans(),
            "received_after": moments,
            "received_before": moments,
            "q": st.sampled_from(SEARCH_WORDS),
        },
    )


def test_the_list_query_picks_what_the_selector_picks(spread):
    now = spread["now"]

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(user=st.sampled_from(spread["users"]), filters=filter_sets(spread))
    def check(user: User, filters: dict[str, Any]) -> None:
        expected = list(
            selectors.complaint_list(user=user, filters={**filters, "now": now})
            .order_by("-received_at", "-id")
            .values_list("pk", flat=True)
        )
        query = listing.ListQuery(policies.sight(user), filters, now=now)
        assert [row["pk"] for row in query[0:100]] == expected

    check()
    # The data can tell the filters apart: not every filter picks everything or nothing.
    every = selectors.complaint_list(user=spread["users"][3], filters={}).count()
    some = selectors.complaint_list(user=spread["users"][3], filters={"overdue": True}).count()
    assert 0 < some < every == 28


# --- the cursor through the API ----------------------------------------------------------------


def _client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def test_pages_forward_and_back_list_every_complaint_once_even_at_the_same_moment(agent):
    moment = timezone.now() - timedelta(days=1)
    same = [make_complaint(owner=agent, received_at=moment) for _ in range(5)]
    others = [make_complaint(owner=agent, received_at=moment - timedelta(hours=h)) for h in (1, 2)]
    client = _client(agent)

    pages, url = [], "/api/complaints/?page_size=2"
    while url:
        body = client.get(url).json()
        pages.append([item["reference"] for item in body["results"]])
        url = body["next"]
    seen = [reference for page in pages for reference in page]
    expected = [c.reference for c in sorted(same, key=lambda c: -c.pk)] + [
        c.reference for c in others
    ]
    assert seen == expected

    back: list[list[str]] = []
    url = body["previous"]
    while url:
        body = client.get(url).json()
        back.insert(0, [item["reference"] for item in body["results"]])
        url = body["previous"]
    assert [r for page in back for r in page] + pages[-1] == seen


def test_a_cursor_with_a_position_that_is_not_a_moment_is_not_found(agent):
    make_complaint(owner=agent)
    # base64 of "p=yesterday": a well-formed cursor whose position is no date.
    response = _client(agent).get("/api/complaints/?cursor=cD15ZXN0ZXJkYXk=")
    assert response.status_code == 404
    # DRF's own message for a bad cursor, in the caller's language (this agent speaks Dutch).
    assert response.json() == {"detail": "Ongeldige cursor."}


# --- the parameters -----------------------------------------------------------------------------


def test_the_described_filters_are_the_validated_ones():
    from complaints.api.filters import ComplaintFilter
    from complaints.list_filters import BY_NAME

    described = ComplaintFilter.base_filters
    assert set(described) == set(BY_NAME)
    for name, declared in described.items():
        choices = declared.extra.get("choices")
        if choices:
            for value, _label in choices:
                BY_NAME[name].parse(str(value))  # every described choice is accepted


@pytest.mark.parametrize(
    ("language", "params", "message"),
    [
        ("en", {"channel": "fax"}, "Select a valid choice. fax is not one of the available"),
        ("nl", {"channel": "fax"}, "Selecteer een geldige keuze. fax is geen beschikbare keuze."),
        ("en", {"owner": "anna"}, "Enter a whole number."),
        ("nl", {"received_after": "2026-13-45"}, "Voer een geldige datum/tijd in."),
    ],
)
def test_a_bad_filter_is_answered_in_the_callers_language(agent, language, params, message):
    agent.language = language
    agent.save()
    response = _client(agent).get("/api/complaints/", params)
    assert response.status_code == 400
    ((field, messages),) = response.json().items()
    assert field == next(iter(params))
    assert messages[0].startswith(message)


def test_filters_given_twice_and_empty(agent):
    early = make_complaint(owner=agent, received_at=timezone.now() - timedelta(days=3))
    make_complaint(owner=agent)
    client = _client(agent)
    # An empty date is refused (the schema says date-time); empty free text is no filter.
    refused = client.get("/api/complaints/?stage=received&received_before=&q=")
    assert refused.status_code == 400
    assert list(refused.json()) == ["received_before"]
    url = "/api/complaints/?stage=received&stage=closed&q="
    assert {i["reference"] for i in client.get(url).json()["results"]} == {
        early.reference,
        Complaint.objects.exclude(pk=early.pk).get().reference,
    }
    naive = (timezone.localtime() - timedelta(days=1)).replace(tzinfo=None).isoformat()
    body = client.get("/api/complaints/", {"received_before": naive}).json()
    assert [i["reference"] for i in body["results"]] == [early.reference]
