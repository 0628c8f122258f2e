"""Dates and times on the pages: English day-first with 24-hour time (en-GB), Dutch its own.

The language is the user's choice (their account's setting, which wins over the browser's);
the formats follow it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.factories import make_complaint

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RECEIVED = datetime(2026, 11, 30, 9, 40, tzinfo=AMSTERDAM)


@pytest.fixture
def complaint(agent):
    return make_complaint(owner=agent, received_at=RECEIVED, now=RECEIVED)


@pytest.mark.parametrize(
    ("language", "received", "resolve_by", "american"),
    [
        ("en", "30/11/2026 09:40", "14/12/2026 09:40", ["11/30/2026", "9:40 a.m.", "a.m."]),
        ("nl", "30-11-2026 09:40", "14-12-2026 09:40", ["30/11/2026", "a.m."]),
    ],
)
def test_the_complaint_page_writes_its_moments_day_first_in_24_hours(
    client_as, agent, complaint, language, received, resolve_by, american
):
    page = client_as(agent, language).get(reverse("complaint-page", args=[complaint.reference]))
    html = page.content.decode()
    assert f"<dd>{received}</dd>" in html  # received
    assert f"<dd>{resolve_by}</dd>" in html  # resolve before (normal: 14 days)
    for wrong in american:
        assert wrong not in html


@pytest.mark.parametrize(
    ("language", "resolve_by"), [("en", "14/12/2026 09:40"), ("nl", "14-12-2026 09:40")]
)
def test_my_work_writes_the_resolve_deadline_in_the_users_language(
    client_as, agent, complaint, language, resolve_by
):
    html = client_as(agent, language).get(reverse("home")).content.decode()
    assert complaint.reference in html
    assert resolve_by in html
    assert "a.m." not in html


def test_the_users_choice_wins_over_the_browsers_language(client_as, agent, complaint):
    client = client_as(agent, "en")
    url = reverse("complaint-page", args=[complaint.reference])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<dd>30/11/2026 09:40</dd>" in html


def test_an_english_date_filter_takes_the_date_fields_value(client_as, agent, complaint):
    """The date inputs send ISO dates (2026-11-30), whatever the page's language."""
    client = client_as(agent, "en")
    page = client.get(reverse("home"), {"received_after": "2026-11-30"}).content.decode()
    assert "Enter a valid date." not in page
    assert complaint.reference in page
    typed = client.get(reverse("home"), {"received_after": "01/12/2026"}).content.decode()
    assert "Enter a valid date." not in typed  # day first: 1 December, after the complaint
    assert complaint.reference not in typed
