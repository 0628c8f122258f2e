"""Deadline badges say which deadline runs and how much time is left or over, in both languages.

A complaint unacknowledged past its acknowledgement deadline, with weeks left to resolve it,
says "acknowledge: 3 h over" and "resolve: in 13 days", not "Overdue" beside the far date.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from complaints.states import Stage
from complaints.templatetags.deadlines import days_left, time_left_text
from tests.factories import advance, make_complaint
from tests.web.conftest import badges
from tests.web.test_my_work import row_of


@pytest.mark.parametrize(
    ("delta", "en", "nl"),
    [
        (timedelta(seconds=30), "now", "nu"),
        (timedelta(minutes=-1), "1 min over", "1 min over tijd"),
        (timedelta(minutes=59, seconds=59), "in 59 min", "nog 59 min"),
        (timedelta(hours=1), "in 1 h", "nog 1 u"),
        (timedelta(hours=-2, minutes=-10), "2 h over", "2 u over tijd"),
        (timedelta(hours=47, minutes=59), "in 47 h", "nog 47 u"),
        (timedelta(days=2), "in 2 days", "nog 2 dagen"),
        (timedelta(days=2, hours=11), "in 2 days", "nog 2 dagen"),
        (timedelta(days=11, hours=23), "in 12 days", "nog 12 dagen"),
        (timedelta(days=-3, hours=-5), "3 days over", "3 dagen over tijd"),
        (timedelta(days=-2), "2 days over", "2 dagen over tijd"),
    ],
)
def test_time_left_in_minutes_then_hours_then_days(delta, en, nl):
    with translation.override("en"):
        assert time_left_text(delta) == en
    with translation.override("nl"):
        assert time_left_text(delta) == nl


@pytest.mark.parametrize(
    ("due_on", "en", "nl"),
    [
        (date(2026, 7, 1), "due: 4 days over", "deadline: 4 dagen over tijd"),
        (date(2026, 7, 4), "due: 1 day over", "deadline: 1 dag over tijd"),
        (date(2026, 7, 5), "due: today", "deadline: vandaag"),
        (date(2026, 7, 6), "due: in 1 day", "deadline: nog 1 dag"),
    ],
)
def test_a_corrective_actions_date_deadline_in_calendar_days(due_on, en, nl):
    today = date(2026, 7, 5)
    with translation.override("en"):
        assert days_left(due_on, today) == en
    with translation.override("nl"):
        assert days_left(due_on, today) == nl


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["acknowledge: 3 h over", "resolve: in 13 days"]),
        ("nl", ["bevestigen: 3 u over tijd", "afhandelen: nog 13 dagen"]),
    ],
)
def test_my_work_names_the_overdue_acknowledgement_not_the_far_resolve_date(
    client_as, agent, language, expected
):
    now = timezone.now()
    late = make_complaint(owner=agent, received_at=now - timedelta(hours=27))  # normal: 24 h, 14 d
    with time_machine.travel(now, tick=False):
        page = client_as(agent, language).get(reverse("home")).content.decode()
    row = row_of(page, late.reference)
    assert badges(row) == expected
    assert 'class="badge deadline over" data-deadline="acknowledge"' in row
    assert 'class="badge deadline later" data-deadline="resolve"' in row
    assert "Overdue" not in row
    assert "Te laat" not in row


def test_once_acknowledged_only_the_resolve_deadline_runs(client_as, agent, manager):
    now = timezone.now()
    complaint = advance(
        make_complaint(
            owner=agent, priority="urgent", received_at=now - timedelta(hours=23, minutes=30)
        ),
        to=Stage.UNDERSTOOD,
    )
    with time_machine.travel(now, tick=False):
        mine = client_as(agent).get(reverse("home")).content.decode()
        team = client_as(manager).get(reverse("team-complaints")).content.decode()
        detail = client_as(agent).get(reverse("complaint-page", args=[complaint.reference]))
    assert badges(row_of(mine, complaint.reference)) == ["resolve: in 30 min"]
    assert badges(row_of(team, complaint.reference)) == ["resolve: in 30 min"]
    head = detail.content.decode().split('class="complaint-head"')[1].split("</header>")[0]
    assert badges(head) == ["resolve: in 30 min"]
    assert 'class="badge deadline soon"' in head


def test_a_resolved_complaint_shows_no_deadline(client_as, agent):
    complaint = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    detail = client_as(agent).get(reverse("complaint-page", args=[complaint.reference]))
    head = detail.content.decode().split('class="complaint-head"')[1].split("</header>")[0]
    assert badges(head) == []


def test_the_badge_carries_the_deadline_and_the_page_the_words_for_the_browser(client_as, agent):
    complaint = make_complaint(owner=agent)
    page = client_as(agent, "nl").get(reverse("home")).content.decode()
    due = complaint.resolve_due_at.astimezone(UTC).replace(microsecond=0).isoformat()
    assert f'<time datetime="{due}" data-time-left>' in row_of(page, complaint.reference)
    words = json.loads(html.unescape(page.split('data-deadline-words="')[1].split('"')[0]))
    assert words["past_hour"] == "{n} u over tijd"
    assert words["future_day_other"] == "nog {n} dagen"
    assert words["now"] == "nu"
