"""The manager's views: the team's open complaints (owner, stage, age), overdue ones, reassign."""

from __future__ import annotations

import html
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, OwnershipTransfer
from complaints.states import Stage
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import advance, make_complaint
from tests.web.conftest import field_html

URL = reverse("team-complaints")


def reassign_url(complaint: Complaint) -> str:
    return reverse("team-reassign", args=[complaint.reference])


def test_login_is_required(client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_an_agent_gets_403(client_as, agent):
    response = client_as(agent).get(URL)
    assert response.status_code == 403
    assert "Only a team's manager can open this page." in html.unescape(response.content.decode())


def test_a_manager_without_a_team_gets_403(client_as, db):
    from accounts.roles import Role
    from tests.factories import UserFactory

    lonely = UserFactory(username="zonderteam", role=Role.MANAGER)
    assert client_as(lonely).get(URL).status_code == 403


def test_the_manager_sees_the_teams_open_complaints_with_owner_stage_and_age(
    client_as, manager, agent, other_agent, outsider
):
    now = timezone.now()
    annas = make_complaint(owner=agent, received_at=now - timedelta(days=3))
    brams = advance(make_complaint(owner=other_agent), to=Stage.APOLOGISED)
    closed = advance(make_complaint(owner=agent), to=Stage.CLOSED)
    elsewhere = make_complaint(owner=outsider)

    page = client_as(manager).get(URL).content.decode()
    table = page.split('id="team-complaints"')[1].split("</table>")[0]
    assert annas.reference in table
    assert brams.reference in table
    assert closed.reference not in table
    assert elsewhere.reference not in page
    annas_row = next(r for r in table.split("<tr")[1:] if annas.reference in r)
    assert str(agent) in annas_row
    assert "Received" in annas_row
    assert "3\xa0days" in annas_row  # the age
    brams_row = next(r for r in table.split("<tr")[1:] if brams.reference in r)
    assert str(other_agent) in brams_row
    assert "Apologised" in brams_row


def test_overdue_complaints_are_listed_on_their_own(client_as, manager, agent):
    now = timezone.now()
    late = make_complaint(owner=agent, priority="urgent", received_at=now - timedelta(days=2))
    fresh = make_complaint(owner=agent)
    page = client_as(manager).get(URL).content.decode()
    overdue = page.split('id="team-overdue"')[1].split("</table>")[0]
    assert late.reference in overdue
    assert fresh.reference not in overdue


def test_speaks_dutch(client_as, manager, agent):
    make_complaint(owner=agent)
    page = client_as(manager, language="nl").get(URL).content.decode()
    assert "Openstaande klachten van het team" in page
    assert "Te laat" in page


def test_query_count_does_not_grow_with_the_team(
    client_as, manager, agent, other_agent, django_assert_max_num_queries
):
    client = client_as(manager)
    make_complaint(owner=agent)
    # 12: the list, the saved filters, the owner filter's people and the bulk form's new owners.
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    first = len(few)  # count now: the next request outside the block resets the query log
    for n in range(10):
        advance(make_complaint(owner=agent if n % 2 else other_agent), to=Stage.UNDERSTOOD)
    with django_assert_max_num_queries(first):
        page = client.get(URL)
    assert page.content.decode().count('<a href="/complaints/KL-') == 11


def test_reassign_from_the_list(client_as, manager, agent, other_agent):
    complaint = make_complaint(owner=agent)
    client = client_as(manager)
    page = client.get(URL).content.decode()
    assert reassign_url(complaint) in page
    form = client.get(reassign_url(complaint)).content.decode()
    assert 'id="form-transfer"' in form
    response = client.post(
        reassign_url(complaint), {"to_user": other_agent.pk, "reason": "Anna is ziek."}
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    assert Complaint.objects.get(pk=complaint.pk).owner == other_agent
    transfer = OwnershipTransfer.objects.get(complaint=complaint)
    assert (transfer.transferred_by, transfer.reason) == (manager, "Anna is ziek.")


def test_reassign_form_loads_into_the_list_with_htmx(client_as, manager, agent):
    complaint = make_complaint(owner=agent)
    response = client_as(manager).get(reassign_url(complaint), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="form-transfer"' in content
    assert complaint.reference in content
    assert f'action="{reassign_url(complaint)}"' in content  # posts as a plain form


def test_reassign_needs_a_reason(client_as, manager, agent, other_agent):
    complaint = make_complaint(owner=agent)
    before = db_snapshot()
    response = client_as(manager).post(reassign_url(complaint), {"to_user": other_agent.pk})
    assert response.status_code == 200
    assert "This field is required." in field_html(response.content.decode(), "transfer-reason")
    assert db_changes(before, db_snapshot()) == {}


def test_another_teams_manager_cannot_reassign(client_as, agent, outsider, other_agent):
    from accounts.models import User

    zoe = User.objects.get(username="zoe")
    complaint = make_complaint(owner=agent)
    before = db_snapshot()
    response = client_as(zoe).post(
        reassign_url(complaint), {"to_user": other_agent.pk, "reason": "Overname"}
    )
    assert response.status_code == 404  # not even visible to her
    assert db_changes(before, db_snapshot()) == {}


def test_an_agent_cannot_reassign(client_as, agent, other_agent):
    complaint = make_complaint(owner=other_agent)
    response = client_as(agent).post(
        reassign_url(complaint), {"to_user": agent.pk, "reason": "Ik neem hem"}
    )
    assert response.status_code == 403
    assert Complaint.objects.get(pk=complaint.pk).owner == other_agent


def test_the_team_page_filters_by_owner_stage_and_search(client_as, manager, agent, other_agent):
    annas = make_complaint(owner=agent, subject="Storing internet")
    brams = advance(
        make_complaint(owner=other_agent, subject="Factuur te hoog"), to=Stage.UNDERSTOOD
    )
    client = client_as(manager)

    def listed(query: str) -> str:
        page = client.get(f"{URL}?{query}").content.decode()
        return page.split('id="team-complaints"')[1].split("</table>")[0]

    by_owner = listed(f"owner={agent.pk}")
    assert annas.reference in by_owner
    assert brams.reference not in by_owner
    by_stage = listed("stage=understood")
    assert brams.reference in by_stage
    assert annas.reference not in by_stage
    by_search = listed("q=factuur")
    assert brams.reference in by_search
    assert annas.reference not in by_search


def test_the_team_pages_owner_filter_offers_only_the_team(client_as, manager, agent, outsider):
    page = client_as(manager).get(URL).content.decode()
    owner_select = page.split('name="owner"')[1].split("</select>")[0]
    assert f'value="{agent.pk}"' in owner_select
    assert f'value="{outsider.pk}"' not in owner_select


def test_an_invalid_team_filter_is_left_out_and_said(client_as, manager, agent, outsider):
    annas = make_complaint(owner=agent)
    page = html.unescape(client_as(manager).get(f"{URL}?owner={outsider.pk}").content.decode())
    assert "Some filters are not valid; they were left out." in page
    assert annas.reference in page
