"""The nights the clocks change (Europe/Amsterdam, 2026): durations are real elapsed time, the
follow-up is a calendar matter.

On 29 March the clocks go from 02:00 to 03:00 (CET +01:00 → CEST +02:00); on 25 October from
03:00 back to 02:00, so 02:00–03:00 is shown twice. Moments are given as a client in Amsterdam
writes them: local time with its offset, or local time without one (DRF reads that in the
current time zone, the first of two when the clocks show it twice).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from complaints.models import CallbackPromise, Complaint, PromiseState
from reports import import_mappings, imports
from tests.factories import CustomerFactory, make_complaint
from tests.promises.conftest import resolved, run_due

AMS = ZoneInfo("Europe/Amsterdam")
SPRING = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 02:00 CET becomes 03:00 CEST
AUTUMN = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 03:00 CEST becomes 02:00 CET
BEFORE_BOTH = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
AFTER_BOTH = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)

DB_PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def instants_around_the_switches(hours: int = 4) -> st.SearchStrategy[datetime]:
    """Whole minutes from ``hours`` before to ``hours`` after either switch."""
    minutes = st.integers(min_value=-hours * 60, max_value=hours * 60)
    return st.builds(
        lambda switch, m: switch + timedelta(minutes=m), st.sampled_from([SPRING, AUTUMN]), minutes
    )


@st.composite
def local_moments(draw: st.DrawFn, hours: int = 4) -> tuple[str, datetime]:
    """(what the client sends, the instant it means)."""
    instant = draw(instants_around_the_switches(hours))
    local = instant.astimezone(AMS)
    if draw(st.booleans()):
        return local.isoformat(), instant  # “2026-10-25T02:30:00+01:00”
    # Without an offset: the clocks' first reading of that local time.
    first = local.replace(fold=0).astimezone(UTC)
    return local.replace(tzinfo=None).isoformat(), first


def _promise(api_as, agent, complaint: Complaint, sent: str) -> CallbackPromise:
    response = api_as(agent).post(
        "/api/promises/",
        {"complaint": complaint.reference, "due_at": sent, "purpose": "Terugbellen"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return CallbackPromise.objects.get(pk=response.json()["id"])


@pytest.mark.django_db
def test_the_reminder_comes_the_lead_before_the_promise_in_real_time(api_as, agent):
    lead = timedelta(minutes=django_settings.PROMISE_REMINDER_MINUTES)
    with time_machine.travel(BEFORE_BOTH, tick=False):
        complaint = make_complaint(owner=agent)

    @DB_PROPERTY
    @given(local_moments())
    @example(("2026-03-29T03:15:00+02:00", datetime(2026, 3, 29, 1, 15, tzinfo=UTC)))
    @example(("2026-10-25T02:20:00+01:00", datetime(2026, 10, 25, 1, 20, tzinfo=UTC)))
    def check(given_moment: tuple[str, datetime]) -> None:
        sent, meant = given_moment
        with time_machine.travel(BEFORE_BOTH, tick=False):
            promise = _promise(api_as, agent, complaint, sent)
        assert promise.due_at == meant
        run_due(meant - lead - timedelta(seconds=1))
        promise.refresh_from_db()
        assert promise.reminded_at is None, f"reminded too early for {sent}"
        run_due(meant - lead)
        promise.refresh_from_db()
        assert promise.reminded_at == meant - lead, f"no reminder {lead} before {sent}"

    check()


@pytest.mark.django_db
def test_a_promise_is_marked_broken_only_after_its_grace_in_real_time(api_as, agent):
    grace = timedelta(minutes=django_settings.PROMISE_GRACE_MINUTES)
    with time_machine.travel(BEFORE_BOTH, tick=False):
        complaint = make_complaint(owner=agent)

    @DB_PROPERTY
    @given(local_moments())
    @example(("2026-10-25T02:30:00+01:00", datetime(2026, 10, 25, 1, 30, tzinfo=UTC)))
    @example(("2026-03-29T01:50:00", datetime(2026, 3, 29, 0, 50, tzinfo=UTC)))
    def check(given_moment: tuple[str, datetime]) -> None:
        sent, meant = given_moment
        with time_machine.travel(BEFORE_BOTH, tick=False):
            promise = _promise(api_as, agent, complaint, sent)
        run_due(meant + grace - timedelta(seconds=1))
        promise.refresh_from_db()
        assert promise.state == PromiseState.SCHEDULED, f"broken before {sent} + {grace}"
        run_due(meant + grace)
        promise.refresh_from_db()
        assert promise.state == PromiseState.BROKEN, f"not broken at {sent} + {grace}"

    check()


@pytest.mark.django_db
def test_a_received_moment_in_the_switch_nights_gives_deadlines_of_exactly_n_hours(api_as, agent):
    hours = django_settings.COMPLAINT_DEADLINES_HOURS

    @DB_PROPERTY
    @given(local_moments(hours=30), st.sampled_from(sorted(hours)))
    @example(("2026-03-29T01:30:00+01:00", datetime(2026, 3, 29, 0, 30, tzinfo=UTC)), "urgent")
    @example(("2026-10-25T02:30:00+02:00", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)), "urgent")
    def check(given_moment: tuple[str, datetime], priority: str) -> None:
        sent, meant = given_moment
        with time_machine.travel(AFTER_BOTH, tick=False):
            response = api_as(agent).post(
                "/api/complaints/",
                {
                    "customer": CustomerFactory().pk,
                    "channel": "phone",
                    "subject": "Nachtelijke storing",
                    "facts": "Geen internet sinds de nacht.",
                    "priority": priority,
                    "received_at": sent,
                },
                format="json",
            )
        assert response.status_code == 201, response.json()
        complaint = Complaint.objects.get(reference=response.json()["reference"])
        assert complaint.received_at == meant
        assert complaint.acknowledge_due_at - meant == timedelta(
            hours=hours[priority]["acknowledge"]
        ), sent
        assert complaint.resolve_due_at - meant == timedelta(hours=hours[priority]["resolve"]), sent

    check()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "meant"),
    [
        ("2026-03-29", datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),  # local midnight, CET
        ("2026-03-29T01:30", datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
        ("2026-10-24T23:30", datetime(2026, 10, 24, 21, 30, tzinfo=UTC)),
        ("2026-10-25T02:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # the first 02:30
    ],
)
def test_an_imported_complaint_gets_deadlines_of_exactly_n_hours(quality, received, meant):
    text = (
        "id,received_at,channel,subject,facts,category,root_cause,outcome,acknowledged_at,"
        "resolved_at,emotion_at_intake,emotion_at_resolution,alternatives_offered\n"
        f"n1,{received},phone,Nog open,Feiten,Post,,,,,,,\n"
    )
    with time_machine.travel(AFTER_BOTH, tick=False):
        run = imports.import_csv(
            text=text,
            mapping=import_mappings.KLACHTWIJZER,
            source="legacy",
            actor=quality,
            owner=quality,
        )
    assert (run.imported, run.rejected) == (1, [])
    complaint = Complaint.objects.get(import_record__external_id="n1")
    policy = django_settings.COMPLAINT_DEADLINES_HOURS["normal"]
    assert complaint.received_at == meant
    assert complaint.acknowledge_due_at - meant == timedelta(hours=policy["acknowledge"])
    assert complaint.resolve_due_at - meant == timedelta(hours=policy["resolve"])


def _resolved_between(first: datetime, last: datetime) -> st.SearchStrategy[datetime]:
    span = int((last - first).total_seconds() // 60)
    return st.integers(min_value=0, max_value=span).map(lambda m: first + timedelta(minutes=m))


@pytest.mark.django_db
def test_the_follow_up_is_due_at_the_same_local_time_on_the_calendar_day(agent):
    days = django_settings.FOLLOW_UP_DAYS
    window = timedelta(days=days + 2)  # resolved so that the follow-up lies across a switch

    @DB_PROPERTY
    @given(_resolved_between(SPRING - window, SPRING) | _resolved_between(AUTUMN - window, AUTUMN))
    @example(datetime(2026, 3, 10, 8, 0, tzinfo=UTC))  # 09:00 CET → 09:00 CEST
    @example(datetime(2026, 10, 1, 14, 30, tzinfo=UTC))  # 16:30 CEST → 16:30 CET
    @example(datetime(2026, 2, 27, 1, 30, tzinfo=UTC))  # 02:30 → 29 March, when 02:30 is skipped
    @example(datetime(2026, 9, 25, 0, 30, tzinfo=UTC))  # 02:30 → 25 October, when it comes twice
    def check(resolved_at: datetime) -> None:
        with time_machine.travel(resolved_at, tick=False):
            complaint = resolved(agent, promised_at=resolved_at + timedelta(hours=1))
        follow_up = complaint.follow_ups.get()
        local = resolved_at.astimezone(AMS)
        day: date = local.date() + timedelta(days=days)
        due = follow_up.due_at.astimezone(AMS)
        if not _exists(day, local.time()):  # 02:30 on the night the clocks skip it
            assert (due.date(), due.time()) == (day, time(local.hour + 1, local.minute))
        else:
            assert (due.date(), due.time()) == (day, local.time())
        if _exists(day, local.time(), fold=1):  # shown twice: the first time, still summer time
            assert due.utcoffset() == timedelta(hours=2)

    check()


def _exists(day: date, clock_time: time, *, fold: int = 0) -> bool:
    """Whether the local clock shows ``clock_time`` on ``day`` (with ``fold=1``: a second time)."""
    first = datetime.combine(day, clock_time, tzinfo=AMS)
    if fold:
        return first.utcoffset() != first.replace(fold=1).utcoffset() and _exists(day, clock_time)
    return first.astimezone(UTC).astimezone(AMS).replace(tzinfo=None) == first.replace(tzinfo=None)
