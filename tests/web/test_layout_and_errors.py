"""The layout (who is logged in, navigation, language switch) and the error pages."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from accounts.models import User
from tests.factories import make_complaint


def boom(request):
    raise RuntimeError("kapot")


urlpatterns = [path("boom/", boom)]


def test_layout_shows_who_is_logged_in_their_role_and_navigation(client_as, agent):
    page = client_as(agent).get(reverse("home")).content.decode()
    assert 'href="#content"' in page
    assert 'id="content"' in page
    assert str(agent) in page
    assert "Agent" in page
    assert reverse("complaint-new") in page
    assert reverse("api-docs") in page
    assert reverse("team-complaints") not in page  # agents have no team view
    assert reverse("admin:index") not in page  # not staff
    assert reverse("logout") in page
    assert 'aria-live="polite"' in page


def test_managers_see_the_team_link_and_staff_the_admin(client_as, manager, admin_user):
    assert reverse("team-complaints") in client_as(manager).get(reverse("home")).content.decode()
    page = client_as(admin_user).get(reverse("home")).content.decode()
    assert reverse("admin:index") in page


def test_language_switch_changes_the_users_setting_and_the_page(client_as, agent):
    client = client_as(agent, language="en")
    response = client.post(reverse("language-switch"), {"language": "nl", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=agent.pk).language == "nl"
    assert "Mijn werk" in client.get(reverse("home")).content.decode()


def test_language_switch_ignores_unknown_languages(client_as, agent):
    client = client_as(agent, language="en")
    client.post(reverse("language-switch"), {"language": "xx", "next": "/"})
    assert User.objects.get(pk=agent.pk).language == "en"


def test_browser_language_counts_for_a_user_without_a_setting(client, agent):
    agent.language = ""
    agent.save()
    client.force_login(agent)
    assert "Mijn werk" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "My work" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize(("language", "text"), [("en", "Not found"), ("nl", "Niet gevonden")])
def test_404_page_in_the_layout(client_as, agent, language, text):
    response = client_as(agent, language=language).get("/complaints/KL-2020-000001/")
    assert response.status_code == 404
    content = response.content.decode()
    assert text in content
    assert 'class="skip-link"' in content
    assert str(agent) in content


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "You are not allowed to do this"), ("nl", "Dit mag u niet doen")],
)
def test_403_page_in_the_layout(client_as, agent, language, text):
    response = client_as(agent, language=language).get(reverse("team-complaints"))
    assert response.status_code == 403
    assert text in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("language", "text"), [("en", "Something went wrong"), ("nl", "Er ging iets mis")]
)
def test_500_page_renders_without_context(db, language, text):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert text in response.content.decode()


def test_static_assets_are_local(client_as, agent):
    page = client_as(agent).get(reverse("home")).content.decode()
    assert "/static/js/htmx.min.js" in page
    assert "https://" not in page
    assert "http://" not in page
    make_complaint(owner=agent)


def test_web_url_names_do_not_shadow_the_apis():
    """Django's reverse() answers with one of two routes that share a name: keep them apart."""
    from django.urls import URLResolver, get_resolver

    from complaints.web.urls import urlpatterns as web

    def names(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from names(entry.url_patterns, prefix + str(entry.pattern))
            elif prefix.startswith("api/") and entry.name:
                yield entry.name

    api_names = set(names(get_resolver().url_patterns))
    assert "complaint-detail" in api_names  # the walk found the API's routes
    assert {p.name for p in web} & api_names == set()
