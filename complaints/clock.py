"""Arithmetic on moments: real elapsed time, or the calendar — say which.

Python adds a ``timedelta`` to an aware datetime on its wall clock: with the zone's
``ZoneInfo`` as tzinfo (what DRF's and Django's form fields return, in the current time zone),
``03:15 + 02:00 − 30 minutes`` on 29 March is ``02:45``, a time that does not exist, read as
``02:45 + 01:00`` — thirty minutes *after* the promise. Two moments with that same tzinfo are
also subtracted and compared on their wall clocks, so the hour the clocks go back on the last
Sunday of October counts twice.

So:

- Durations (a reminder 30 minutes before, a grace period, “acknowledge within 2 hours”, a
  link valid for 30 days) are real elapsed time: ``later``, ``earlier`` and ``elapsed`` work on
  UTC instants.
- Where a person means a calendar day — “we follow up in a month”, at the same time of day —
  ``same_local_time_later`` counts days on the local calendar and keeps the local clock time.
- A moment that comes in from outside (the API, a form, the importer) is ``pinned`` first: the
  same instant on a fixed UTC offset, so that whatever is done with it afterwards (comparing,
  subtracting) is exact, while its local date and clock time read as they were given.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

from django.utils import timezone as django_timezone


def _aware(moment: datetime) -> datetime:
    if django_timezone.is_naive(moment):
        raise ValueError("a moment without its time zone cannot be placed in time")
    return moment


def pinned(moment: datetime) -> datetime:
    """The same instant with its UTC offset fixed: ``03:15+02:00`` stays ``03:15+02:00``, but
    no longer as a wall-clock time of Europe/Amsterdam."""
    offset = _aware(moment).utcoffset()
    if offset is None:
        raise ValueError("offset is missing")
    return moment.astimezone(timezone(offset))


def later(moment: datetime, delta: timedelta) -> datetime:
    """The instant ``delta`` of real elapsed time after ``moment`` (in UTC)."""
    return _aware(moment).astimezone(UTC) + delta


def earlier(moment: datetime, delta: timedelta) -> datetime:
    """The instant ``delta`` of real elapsed time before ``moment`` (in UTC)."""
    return _aware(moment).astimezone(UTC) - delta


def elapsed(start: datetime, end: datetime) -> timedelta:
    """The real time from ``start`` to ``end`` (negative when ``end`` comes first)."""
    return _aware(end).astimezone(UTC) - _aware(start).astimezone(UTC)


def at_local_time(day: date, clock_time: time) -> datetime:
    """``clock_time`` on ``day`` in the current time zone. A time the clocks skip (02:30 on the
    night they go forward) is read as the clock would show it an hour on (03:30); a time they
    show twice (02:30 on the night they go back) is the first of the two."""
    zone = django_timezone.get_current_timezone()
    wall = datetime.combine(day, clock_time.replace(fold=0), tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone)  # through UTC: a skipped time moves on


def same_local_time_later(moment: datetime, *, days: int) -> datetime:
    """``days`` calendar days after ``moment``, at the same local clock time (calendar
    arithmetic: across a change of the clocks that is an hour more or less of real time)."""
    local = django_timezone.localtime(_aware(moment))
    return at_local_time(local.date() + timedelta(days=days), local.time())
