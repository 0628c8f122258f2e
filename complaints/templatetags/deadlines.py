"""Deadline badges: which deadline, and how much time is left or over.

"acknowledge: 2 h over", "resolve: in 3 days": the words come from here in the page's
language, for the server's text and (as ``deadline_words``) for static/js/deadlines.js, which
counts the same words down in the browser. Both use one granularity: minutes under an hour,
hours under two days, days beyond; minutes and hours are whole ones passed (a countdown
never promises time that is not there), days are rounded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext

from complaints.models import Complaint
from complaints.states import OPEN_STAGES

register = template.Library()

MINUTE, HOUR, DAY = 60, 3600, 86400
HOURS_UNTIL = 2 * DAY  # from two days on, the time is told in days
SOON = DAY  # under a day left: the badge warns


@dataclass(frozen=True)
class Deadline:
    key: str  # "acknowledge" or "resolve"
    label: str
    due_at: datetime
    state: str  # "over", "soon" or "later"
    time_text: str

    @property
    def iso(self) -> str:
        """The moment for ``<time datetime>`` and the browser's ``Date.parse``: whole seconds."""
        return self.due_at.astimezone(UTC).replace(microsecond=0).isoformat()


def _day_forms(singular: str, plural: str) -> tuple[str, str]:
    # Dutch and English have one plural rule: 1 → one, everything else → other.
    return ngettext(singular, plural, 1), ngettext(singular, plural, 2)


def _phrases() -> dict[str, str]:
    """The phrases in the active language, with ``{n}`` where the number goes."""
    future_day = _day_forms("in %(n)d day", "in %(n)d days")
    past_day = _day_forms("%(n)d day over", "%(n)d days over")
    raw = {
        "now": pgettext("deadline", "now"),
        "future_min": gettext("in %(n)d min"),
        "past_min": gettext("%(n)d min over"),
        "future_hour": gettext("in %(n)d h"),
        "past_hour": gettext("%(n)d h over"),
        "future_day_one": future_day[0],
        "future_day_other": future_day[1],
        "past_day_one": past_day[0],
        "past_day_other": past_day[1],
    }
    return {key: text.replace("%(n)d", "{n}") for key, text in raw.items()}


def time_left_text(delta: timedelta) -> str:
    """``delta`` (deadline minus now) in words: "in 40 min", "2 h over", "in 3 days"."""
    phrases = _phrases()
    seconds = delta.total_seconds()
    side = "past" if seconds < 0 else "future"
    left = abs(seconds)
    if left < MINUTE:
        return phrases["now"]
    if left < HOUR:
        n, unit = int(left // MINUTE), "min"
    elif left < HOURS_UNTIL:
        n, unit = int(left // HOUR), "hour"
    else:
        # Days rounded, not cut: 11 days and 23 hours reads "in 12 days", as the date says.
        n = int(left / DAY + 0.5)
        unit = "day_one" if n == 1 else "day_other"
    return phrases[f"{side}_{unit}"].replace("{n}", str(n))


def _state(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    return "over" if seconds < 0 else "soon" if seconds < SOON else "later"


def open_deadlines(complaint: Complaint, *, now: datetime) -> list[Deadline]:
    """The deadlines still running for an open complaint: the acknowledgement's until the
    understanding step is recorded, and the resolution's; none once resolved."""
    if complaint.stage not in OPEN_STAGES:
        return []
    running = []
    if complaint.acknowledged_at is None:
        running.append(("acknowledge", gettext("acknowledge"), complaint.acknowledge_due_at))
    running.append(("resolve", gettext("resolve"), complaint.resolve_due_at))
    return [
        Deadline(key, label, due, _state(due - now), time_left_text(due - now))
        for key, label, due in running
    ]


@register.inclusion_tag("includes/deadline_badges.html", takes_context=True)
def deadline_badges(context: template.Context, complaint: Complaint) -> dict[str, Any]:
    """The badges of ``complaint``'s running deadlines, counted down live by deadlines.js."""
    now = context.get("now") or timezone.now()
    return {"deadlines": open_deadlines(complaint, now=now)}


@register.simple_tag
def deadline_words() -> str:
    """The phrases as JSON for a data- attribute, so the browser counts down in these words."""
    return json.dumps(_phrases(), ensure_ascii=False)


@register.filter
def days_left(due_on: date | None, today: date | None = None) -> str:
    """A deadline that is a date (a corrective action's): "due: 3 days over", "due: today",
    "due: in 5 days", in whole calendar days of the local date."""
    if due_on is None:
        return ""
    days = (due_on - (today or timezone.localdate())).days
    if days == 0:
        when = pgettext("deadline", "today")
    else:
        phrase = _phrases()[
            ("future" if days > 0 else "past") + ("_day_one" if abs(days) == 1 else "_day_other")
        ]
        when = phrase.replace("{n}", str(abs(days)))
    return f"{pgettext('deadline', 'due')}: {when}"
