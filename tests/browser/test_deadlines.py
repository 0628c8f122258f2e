"""Deadline badges in a real browser: the time left counts down without a reload, by the
page's clock (Playwright's fake clock moves it; nothing waits for real time), in English and
Dutch; without JavaScript the server's words stand."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.helpers import PageFor
from tests.factories import make_complaint

A11y = Callable[..., Any]


@pytest.mark.parametrize(
    ("language", "before", "after", "days_later"),
    [
        ("en", "acknowledge: in 1 h", r"^acknowledge: \d+ min over$", "acknowledge: 2 days over"),
        (
            "nl",
            "bevestigen: nog 1 u",
            r"^bevestigen: \d+ min over tijd$",
            "bevestigen: 2 dagen over tijd",
        ),
    ],
)
def test_the_time_left_counts_down_without_a_reload(
    page_for: PageFor,
    agent: User,
    check_a11y: A11y,
    language: str,
    before: str,
    after: str,
    days_later: str,
) -> None:
    complaint = make_complaint(owner=agent, priority="urgent")  # 2 h to acknowledge
    page = page_for(agent, language)
    page.clock.install(time=timezone.now())
    page.goto(reverse("complaint-page", args=[complaint.reference]))
    badge = page.locator("#complaint-summary [data-deadline=acknowledge]")
    expect(badge).to_have_text(before)
    expect(badge).to_have_class(re.compile(r"\blater\b|\bsoon\b"))
    check_a11y(page)

    # Two and a half hours later by the page's clock, with no reload: the words and the colour.
    page.clock.run_for("02:30:00")
    expect(badge).to_have_text(re.compile(after))
    expect(badge).to_have_class(re.compile(r"\bover\b"))
    # My work, opened at that (page) time, tells the time by the page's clock at once, and
    # counts on: two days later the time over is told in days.
    page.goto(reverse("home"))
    row_badge = page.locator(
        f"tr:has(a:text-is('{complaint.reference}')) [data-deadline=acknowledge]"
    )
    expect(row_badge).to_have_text(re.compile(after))
    page.clock.run_for(48 * 3600 * 1000)
    expect(row_badge).to_have_text(days_later)


def test_without_javascript_the_servers_words_stand(
    browser: Any, live_server: Any, agent: User, login: Any
) -> None:
    complaint = make_complaint(owner=agent, priority="urgent")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="en-GB"
    )
    page = login(context.new_page(), agent)
    page.goto(reverse("complaint-page", args=[complaint.reference]))
    expect(page.locator("#complaint-summary .badge.deadline")).to_have_text(
        ["acknowledge: in 1 h", "resolve: in 23 h"]
    )
    context.close()
