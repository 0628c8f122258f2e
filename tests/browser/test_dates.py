"""Dates and times as the browser shows them: English day-first with 24-hour time (en-GB),
Dutch its own, on the complaint page and my work; both pass axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.helpers import PageFor, say
from tests.factories import make_complaint

RECEIVED = datetime(2026, 11, 30, 9, 40, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.mark.parametrize(
    ("language", "received", "resolve_by"),
    [
        ("en", "30/11/2026 09:40", "14/12/2026 09:40"),
        ("nl", "30-11-2026 09:40", "14-12-2026 09:40"),
    ],
)
def test_moments_are_day_first_in_24_hours_in_both_languages(
    page_for: PageFor,
    agent: User,
    check_a11y: Callable[..., Any],
    language: str,
    received: str,
    resolve_by: str,
) -> None:
    complaint = make_complaint(owner=agent, received_at=RECEIVED, now=RECEIVED)
    page = page_for(agent, language)
    page.goto(reverse("complaint-page", args=[complaint.reference]))
    facts = page.locator("dl").filter(has_text=say("Received", language)).first
    expect(facts).to_contain_text(received)
    expect(facts).to_contain_text(resolve_by)
    expect(page.locator("main")).not_to_contain_text("a.m.")
    check_a11y(page)
    page.goto(reverse("home"))
    row = page.get_by_role("row").filter(has_text=complaint.reference)
    expect(row).to_contain_text(resolve_by)
    check_a11y(page)
