"""Callback promises: made in the solve step or by hand, kept, rescheduled, cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation

from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from complaints import services
from complaints.care import promises
from complaints.choices import CONTACT_BY, Channel
from complaints.models import (
    CallbackPromise,
    EventType,
    JobKind,
    OutgoingEmail,
    PromiseOrigin,
    PromiseState,
    ScheduledJob,
)
from complaints.states import Stage
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import advance
from tests.promises.conftest import T0, solving

pytestmark = pytest.mark.usefixtures("clock")


def test_the_solve_step_turns_the_promised_moment_into_a_scheduled_promise(agent):
    complaint = solving(agent, promised_at=T0 + timedelta(days=1))

    [promise] = complaint.promises.all()
    assert (promise.state, promise.origin, promise.owner, promise.due_at) == (
        PromiseState.SCHEDULED,
        PromiseOrigin.SOLVE,
        agent,
        T0 + timedelta(days=1),
    )
    jobs = {j.kind: j.due_at for j in ScheduledJob.objects.filter(promise=promise)}
    assert jobs == {
        JobKind.PROMISE_REMINDER: T0 + timedelta(days=1) - timedelta(minutes=30),
        JobKind.PROMISE_BROKEN: T0 + timedelta(days=1) + timedelta(minutes=15),
    }


def test_an_agent_adds_a_promise_that_is_logged(agent):
    complaint = solving(agent)
    promise = promises.promise_create(
        complaint=complaint,
        actor=agent,
        due_at=T0 + timedelta(hours=3),
        purpose="Terugbellen over de creditnota",
    )
    assert promise.state == PromiseState.SCHEDULED
    assert complaint.events.filter(type=EventType.PROMISE_MADE).count() == 1


def test_a_promise_in_the_past_is_refused_and_changes_nothing(agent):
    complaint = solving(agent)
    before = db_snapshot()
    with pytest.raises(InvalidData) as refused:
        promises.promise_create(
            complaint=complaint, actor=agent, due_at=T0 - timedelta(minutes=1), purpose="Bellen"
        )
    with translation.override("en"):
        assert "must lie in the future" in str(refused.value.errors["due_at"][0])
    assert db_changes(before, db_snapshot()) == {}


def test_only_the_owner_or_their_manager_makes_promises(agent, other_agent, manager):
    complaint = solving(agent)
    with pytest.raises(ActionForbidden):
        promises.promise_create(
            complaint=complaint, actor=other_agent, due_at=T0 + timedelta(hours=1), purpose="X"
        )
    promises.promise_create(
        complaint=complaint, actor=manager, due_at=T0 + timedelta(hours=1), purpose="X"
    )


def test_a_closed_complaint_takes_no_new_promise(agent):
    complaint = advance(solving(agent), to=Stage.CLOSED)
    with pytest.raises(TransitionNotAllowed):
        promises.promise_create(
            complaint=complaint, actor=agent, due_at=T0 + timedelta(hours=1), purpose="X"
        )


def test_a_promise_kept_late_records_the_delay(agent, clock):
    [promise] = solving(agent, promised_at=T0 + timedelta(hours=2)).promises.all()
    clock.shift(timedelta(hours=2, minutes=10))

    kept = promises.promise_keep(promise=promise, actor=agent, note="Klant gesproken")

    assert kept.state == PromiseState.KEPT
    assert kept.delay == timedelta(minutes=10)
    assert kept.kept_late


def test_a_promise_kept_on_time_has_no_delay(agent, clock):
    [promise] = solving(agent, promised_at=T0 + timedelta(hours=2)).promises.all()
    clock.shift(timedelta(hours=1))
    kept = promises.promise_keep(promise=promise, actor=agent)
    assert kept.delay == timedelta(0)
    assert not kept.kept_late


def test_an_unreachable_customer_reschedules_and_is_not_broken(agent):
    [promise] = solving(agent).promises.all()
    new = promises.promise_reschedule(
        promise=promise, actor=agent, due_at=T0 + timedelta(days=2), note="Voicemail"
    )
    promise.refresh_from_db()
    assert promise.state == PromiseState.UNREACHABLE
    assert (new.state, new.origin, new.rescheduled_from) == (
        PromiseState.SCHEDULED,
        PromiseOrigin.RESCHEDULED,
        promise,
    )
    assert new.due_at == T0 + timedelta(days=2)
    assert ScheduledJob.objects.filter(promise=new).count() == 2


def test_a_kept_promise_cannot_be_rescheduled_and_nothing_changes(agent):
    [promise] = solving(agent).promises.all()
    promises.promise_keep(promise=promise, actor=agent)
    before = db_snapshot()
    with pytest.raises(TransitionNotAllowed) as refused:
        promises.promise_reschedule(promise=promise, actor=agent, due_at=T0 + timedelta(days=2))
    with translation.override("en"):
        assert "kept already" in str(refused.value.message)
    assert db_changes(before, db_snapshot()) == {}


def test_cancelling_needs_a_reason(agent):
    [promise] = solving(agent).promises.all()
    with pytest.raises(InvalidData):
        promises.promise_cancel(promise=promise, actor=agent, reason=" ")
    cancelled = promises.promise_cancel(promise=promise, actor=agent, reason="Klant belt zelf")
    assert (cancelled.state, cancelled.cancel_reason) == (PromiseState.CANCELLED, "Klant belt zelf")


def test_each_ending_of_a_promise_is_one_event_in_the_history_with_its_details(agent, clock):
    [first] = solving(agent, promised_at=T0 + timedelta(hours=2)).promises.all()
    clock.shift(timedelta(hours=2, minutes=5))
    second = promises.promise_reschedule(
        promise=first, actor=agent, due_at=T0 + timedelta(days=2), note=" Voicemail "
    )
    kept = promises.promise_keep(promise=second, actor=agent)
    third = promises.promise_create(
        complaint=first.complaint, actor=agent, due_at=T0 + timedelta(days=3), purpose="Nog eens"
    )
    promises.promise_cancel(promise=third, actor=agent, reason=" Klant belt zelf ")

    ended = list(
        first.complaint.events.filter(
            type__in=[
                EventType.PROMISE_UNREACHABLE,
                EventType.PROMISE_KEPT,
                EventType.PROMISE_CANCELLED,
            ]
        ).order_by("id")
    )
    assert [event.type for event in ended] == [
        EventType.PROMISE_UNREACHABLE,
        EventType.PROMISE_KEPT,
        EventType.PROMISE_CANCELLED,
    ]
    endings = {event.type: (event.actor, event.payload) for event in ended}
    unreachable = endings[EventType.PROMISE_UNREACHABLE][1]
    assert (unreachable["promise_id"], unreachable["new_promise_id"]) == (first.pk, second.pk)
    assert unreachable["note"] == "Voicemail"
    kept_payload = endings[EventType.PROMISE_KEPT][1]
    assert (kept_payload["promise_id"], kept_payload["delay_seconds"]) == (kept.pk, 0)
    cancelled = endings[EventType.PROMISE_CANCELLED][1]
    assert (cancelled["promise_id"], cancelled["reason"]) == (third.pk, "Klant belt zelf")
    assert {actor for actor, _payload in endings.values()} == {agent}


def test_the_customer_can_be_told_when_we_will_call(agent, django_capture_on_commit_callbacks):
    complaint = solving(agent, language="en", email="jane@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promises.promise_create(
            complaint=complaint,
            actor=agent,
            due_at=T0 + timedelta(days=1, hours=5),  # 14:00 in Amsterdam
            purpose="Uitslag onderzoek",
            notify_customer=True,
        )
    # (the acknowledgement of the complaint was still waiting and goes out too)
    [message] = [m for m in mail.outbox if m.subject.startswith("We will contact you on")]
    assert message.to == ["jane@example.com"]
    assert "2 p.m." in message.body or "14:00" in message.body
    assert complaint.reference in message.body
    assert "will contact you by phone on" in message.body


@pytest.mark.parametrize(
    ("channel", "language", "phrase"),
    [
        ("email", "en", "will contact you by email on"),
        ("phone", "nl", " telefonisch contact met u op"),
        ("chat", "nl", " via de chat contact met u op"),
    ],
)
def test_the_notice_says_how_we_will_get_in_touch_in_a_sentence(
    agent, django_capture_on_commit_callbacks, channel, language, phrase
):
    complaint = solving(agent, language=language, email="klant@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promises.promise_create(
            complaint=complaint,
            actor=agent,
            due_at=T0 + timedelta(days=1, hours=5),
            purpose="Uitslag onderzoek",
            channel=channel,
            notify_customer=True,
        )
    notice = "We will contact you on" if language == "en" else "We nemen op"
    [message] = [m for m in mail.outbox if m.subject.startswith(notice)]
    assert phrase in message.body


def test_every_channel_has_its_phrase_for_the_notice():
    assert set(CONTACT_BY) == set(Channel)


def test_telling_a_customer_without_email_is_refused(agent):
    complaint = solving(agent, email="")
    with pytest.raises(InvalidData) as refused:
        promises.promise_create(
            complaint=complaint,
            actor=agent,
            due_at=T0 + timedelta(hours=1),
            purpose="X",
            notify_customer=True,
        )
    assert "notify_customer" in refused.value.errors
    assert not OutgoingEmail.objects.filter(key__startswith="promise_notice").exists()


def test_a_transfer_hands_the_open_promises_to_the_new_owner(agent, other_agent, manager):
    complaint = solving(agent)
    services.complaint_transfer(
        complaint=complaint, actor=manager, to_user=other_agent, reason="Vakantie"
    )
    assert set(CallbackPromise.objects.values_list("owner__username", flat=True)) == {"bram"}
