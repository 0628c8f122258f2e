"""Saved filters per user under "my work" and the team page: save, follow, delete, refuse."""

from __future__ import annotations

import html

from django.urls import reverse

from accounts.models import SavedFilter
from tests.factories import make_complaint

HOME = reverse("home")
TEAM = reverse("team-complaints")


def save_url(page: str = "my-work") -> str:
    return reverse("saved-filter-save", args=[page])


def saved() -> list[tuple[str, str, str, str]]:
    """Every saved filter of everyone: (user, page, name, query)."""
    return list(
        SavedFilter.objects.order_by("pk").values_list("user__username", "page", "name", "query")
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_save_the_current_filter_and_follow_its_link(client_as, agent):
    client = client_as(agent)
    urgent = make_complaint(owner=agent, priority="urgent")
    calm = make_complaint(owner=agent, subject="Factuur klopt niet", priority="low")
    response = client.post(
        save_url(),
        {"name": "  Spoed  ", "query": "q=&priority=urgent&csrfmiddlewaretoken=x&stage="},
        follow=True,
    )
    assert "Filter “Spoed” saved." in text(response)
    assert saved() == [("anna", "my-work", "Spoed", "priority=urgent")]

    page = text(client.get(HOME))
    assert f'<a href="{HOME}?priority=urgent">Spoed</a>' in page
    followed = text(client.get(f"{HOME}?priority=urgent"))
    assert urgent.reference in followed
    assert calm.reference not in followed


def test_the_save_form_carries_the_lists_current_filter(client_as, agent):
    page = text(client_as(agent).get(f"{HOME}?overdue=true&q=factuur"))
    assert 'name="query" value="overdue=true&q=factuur"' in page


def test_a_filter_saved_on_the_team_page_links_to_the_team_page(client_as, manager, agent):
    client = client_as(manager)
    client.post(save_url("team"), {"name": "Anna's", "query": f"owner={agent.pk}"}, follow=True)
    team_page = text(client.get(TEAM))
    assert f'<a href="{TEAM}?owner={agent.pk}">Anna\'s</a>' in team_page
    assert "Anna's" not in text(client.get(HOME)).split("saved-filters")[1]


def test_an_empty_name_is_refused_in_words_and_saves_nothing(client_as, agent):
    client = client_as(agent)
    before = saved()
    response = client.post(save_url(), {"name": "   ", "query": "priority=urgent"}, follow=True)
    assert "The filter was not saved: This field is required." in text(response)
    assert saved() == before


def test_a_name_over_80_characters_is_refused(client_as, agent):
    client = client_as(agent)
    before = saved()
    response = client.post(save_url(), {"name": "x" * 81, "query": ""}, follow=True)
    assert "at most 80 characters (this one has 81)" in text(response)
    assert saved() == before
    client.post(save_url(), {"name": "x" * 80, "query": ""})
    assert SavedFilter.objects.filter(user=agent).count() == 1


def test_a_query_over_1000_characters_is_refused(client_as, agent):
    before = saved()
    response = client_as(agent).post(
        save_url(), {"name": "Lang", "query": "q=" + "a" * 1000}, follow=True
    )
    assert "This filter is too long to save (at most 1000 characters)." in text(response)
    assert saved() == before


def test_a_duplicate_name_is_refused_but_another_page_or_user_may_use_it(
    client_as, agent, other_agent
):
    client = client_as(agent)
    client.post(save_url(), {"name": "Spoed", "query": "priority=urgent"}, follow=True)
    before = saved()
    response = client.post(save_url(), {"name": "Spoed", "query": "priority=high"}, follow=True)
    assert "You already saved a filter named “Spoed” here." in text(response)
    assert saved() == before
    assert SavedFilter.objects.get(user=agent, name="Spoed").query == "priority=urgent"

    client_as(other_agent).post(save_url(), {"name": "Spoed", "query": "priority=high"})
    assert SavedFilter.objects.filter(name="Spoed").count() == 2


def test_an_unknown_page_saves_nothing(client_as, agent):
    before = saved()
    client_as(agent).post(save_url("elsewhere"), {"name": "X", "query": ""})
    assert saved() == before


def test_delete_ones_own_saved_filter(client_as, agent):
    client = client_as(agent)
    client.post(save_url(), {"name": "Spoed", "query": "priority=urgent"})
    mine = SavedFilter.objects.get(user=agent)
    response = client.post(reverse("saved-filter-delete", args=[mine.pk]), follow=True)
    assert "Filter “Spoed” deleted." in text(response)
    assert saved() == []


def test_a_user_never_sees_or_deletes_anothers_saved_filter(client_as, agent, other_agent):
    client_as(agent).post(
        save_url(), {"name": "Anna's geheim", "query": "priority=urgent"}, follow=True
    )
    annas = SavedFilter.objects.get(user=agent)
    client = client_as(other_agent)
    assert "Anna's geheim" not in text(client.get(HOME))
    response = client.post(reverse("saved-filter-delete", args=[annas.pk]))
    assert response.status_code == 404
    assert saved() == [("anna", "my-work", "Anna's geheim", "priority=urgent")]


def test_saving_and_deleting_need_a_post(client_as, agent):
    client = client_as(agent)
    assert client.get(save_url()).status_code == 405


def test_a_name_with_a_null_character_is_refused_not_an_error_page(client_as, agent):
    before = saved()
    response = client_as(agent).post(save_url(), {"name": "Spo\x00ed", "query": ""}, follow=True)
    assert response.status_code == 200
    assert "Null characters are not allowed." in text(response)
    assert saved() == before


def test_after_filtering_with_htmx_the_save_form_carries_the_new_filter(client_as, agent):
    response = client_as(agent).get(f"{HOME}?priority=high", HTTP_HX_REQUEST="true")
    partial = text(response)
    assert "<html" not in partial  # only the results, which hold the saved filters' form
    assert 'name="query" value="priority=high"' in partial
