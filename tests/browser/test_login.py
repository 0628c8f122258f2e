"""Logging in and out in a real browser, in English and Dutch, with the accessibility check."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Field
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.helpers import Login, PageFor, say, switch_language


def wrong_login_message(language: str) -> str:
    with translation.override(language):
        field = User._meta.get_field(User.USERNAME_FIELD)
        assert isinstance(field, Field)
        message = str(AuthenticationForm.error_messages["invalid_login"])
        return message % {"username": field.verbose_name}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_login_page_follows_the_browsers_language_and_passes_axe(
    anonymous_page: Callable[..., Page],
    check_a11y: Callable[..., Any],
    screenshot: Callable[[Page, str], Any],
    language: str,
) -> None:
    page = anonymous_page(language)
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Log in", language))
    expect(page.locator("#id_username")).to_be_focused()
    check_a11y(page)
    screenshot(page, "login" if language == "en" else f"login-{language}")


def test_the_language_switch_in_the_header_changes_the_language_and_keeps_it(
    anonymous_page: Callable[..., Page], check_a11y: Callable[..., Any]
) -> None:
    page = anonymous_page("en")
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switch_language(page, "nl")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Log in", "nl"))
    check_a11y(page)

    page.reload()  # the choice is kept (cookie), though the browser still asks for English
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    switch_language(page, "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Log in", "en"))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_wrong_password_is_refused_with_a_message(
    anonymous_page: Callable[..., Page],
    check_a11y: Callable[..., Any],
    agent: User,
    language: str,
) -> None:
    page = anonymous_page(language)
    page.goto("/login/")
    page.locator("#id_username").fill(agent.username)
    page.locator("#id_password").fill("not-the-password")
    page.locator("form:has(#id_password) [type=submit]").click()

    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("alert")).to_have_text(wrong_login_message(language))
    expect(page.locator("#id_username")).to_have_value(agent.username)
    expect(page.locator("#id_password")).to_have_value("")
    check_a11y(page)


def test_logging_in_lands_on_the_home_page_which_passes_axe(
    page_for: PageFor,
    live_url: Callable[[str], str],
    check_a11y: Callable[..., Any],
    screenshot: Callable[[Page, str], Any],
    agent: User,
) -> None:
    page = page_for(agent)
    expect(page).to_have_url(live_url("/"))
    expect(page.get_by_role("button", name=say("Log out", "en"))).to_be_visible()
    check_a11y(page)
    screenshot(page, "home")


def test_a_manager_logs_in_in_dutch(
    page_for: PageFor, check_a11y: Callable[..., Any], manager: User
) -> None:
    page = page_for(manager, "nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name=say("Log out", "nl"))).to_be_visible()
    check_a11y(page)


def test_the_login_page_sends_you_on_to_where_you_were_going(
    anonymous_page: Callable[..., Page],
    login: Login,
    live_url: Callable[[str], str],
    agent: User,
) -> None:
    page = anonymous_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    login(page, agent)  # starts again from /login/, so lands on the home page
    expect(page).to_have_url(live_url("/"))


def test_logging_out_ends_the_session(
    page_for: PageFor, live_url: Callable[[str], str], agent: User
) -> None:
    page = page_for(agent)
    page.get_by_role("button", name=say("Log out", "en")).click()
    expect(page).to_have_url(re.compile(r"/login/$"))

    page.goto("/")
    expect(page).to_have_url(live_url("/login/?next=/"))
