"""Callbacks, follow-ups, broken promises and notifications in the web interface."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import CallbackPromise, FollowUp, Notification
from complaints.scheduling.dispatch import dispatch_due
from complaints.states import Stage
from tests.complaints.dbstate import db_snapshot
from tests.factories import CustomerFactory, advance, make_complaint


@pytest.fixture
def promised(agent):
    """A complaint in the solve stage: the solve step promised a callback tomorrow."""
    customer = CustomerFactory(name="Jan Evers", phone="06 1234 5678")
    complaint = advance(make_complaint(owner=agent, customer=customer), to=Stage.SOLVING)
    return CallbackPromise.objects.get(complaint=complaint)


def _due_soon(promise: CallbackPromise, minutes: int) -> CallbackPromise:
    CallbackPromise.objects.filter(pk=promise.pk).update(
        due_at=timezone.now() + timedelta(minutes=minutes)
    )
    promise.refresh_from_db()
    return promise


def test_my_callbacks_list_shows_time_customer_phone_and_purpose(client_as, agent, promised):
    page = client_as(agent).get(reverse("callbacks")).content.decode()
    assert "Jan Evers" in page
    assert 'href="tel:06 1234 5678"' in page
    assert promised.purpose in page
    assert 'id="callbacks-later"' in page or 'id="callbacks-today"' in page


def test_a_colleague_does_not_see_or_work_my_callbacks(client_as, other_agent, promised):
    client = client_as(other_agent)
    assert "Jan Evers" not in client.get(reverse("callbacks")).content.decode()
    assert client.post(reverse("callback-keep", args=[promised.pk])).status_code == 404
    promised.refresh_from_db()
    assert promised.state == "scheduled"


def test_one_click_marks_a_callback_kept(client_as, agent, promised):
    _due_soon(promised, -5)  # five minutes late
    response = client_as(agent).post(reverse("callback-keep", args=[promised.pk]), follow=True)
    promised.refresh_from_db()
    assert promised.state == "kept"
    assert promised.delay >= timedelta(minutes=4)
    assert "Kept: the callback to Jan Evers" in response.content.decode()


def test_unreachable_reschedules_to_a_new_moment(client_as, agent, promised):
    moment = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = client_as(agent).post(
        reverse("callback-reschedule", args=[promised.pk]),
        {"due_at": moment.strftime("%Y-%m-%dT%H:%M"), "note": "Voicemail."},
        follow=True,
    )
    promised.refresh_from_db()
    assert promised.state == "unreachable"
    new = CallbackPromise.objects.get(rescheduled_from=promised)
    assert (new.state, new.due_at) == ("scheduled", moment)
    assert "the new callback is at" in response.content.decode()


def test_rescheduling_into_the_past_is_refused_in_words(client_as, agent, promised):
    before = db_snapshot()
    past = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_as(agent).post(
        reverse("callback-reschedule", args=[promised.pk]), {"due_at": past}, follow=True
    )
    assert 'class="message error"' in response.content.decode()
    assert db_snapshot() == before


def test_a_kept_promise_cannot_be_rescheduled(client_as, agent, promised):
    client = client_as(agent)
    client.post(reverse("callback-keep", args=[promised.pk]))
    before = db_snapshot()
    later = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("callback-reschedule", args=[promised.pk]), {"due_at": later}, follow=True
    )
    assert 'class="message error"' in response.content.decode()
    assert db_snapshot() == before


def test_cancelling_needs_a_reason(client_as, agent, promised):
    client = client_as(agent)
    client.post(reverse("callback-cancel", args=[promised.pk]), {"reason": ""})
    promised.refresh_from_db()
    assert promised.state == "scheduled"
    client.post(reverse("callback-cancel", args=[promised.pk]), {"reason": "Klant belt zelf."})
    promised.refresh_from_db()
    assert (promised.state, promised.cancel_reason) == ("cancelled", "Klant belt zelf.")


@pytest.fixture
def follow_up(agent):
    complaint = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    follow_up = FollowUp.objects.get(complaint=complaint)
    FollowUp.objects.filter(pk=follow_up.pk).update(due_at=timezone.now() - timedelta(hours=1))
    follow_up.refresh_from_db()
    return follow_up


def test_a_due_follow_up_is_recorded_with_nps(client_as, agent, follow_up):
    client = client_as(agent)
    page = client.get(reverse("follow-ups")).content.decode()
    assert 'id="follow-ups-due"' in page
    assert follow_up.complaint.reference in page

    response = client.post(
        reverse("follow-up-page-complete", args=[follow_up.pk]),
        {"satisfied": "yes", "nps": "9", "emotion_now": "satisfied", "note": "Blij."},
        follow=True,
    )
    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.nps, follow_up.satisfied) == ("completed", 9, True)
    assert "can be closed now" in response.content.decode()


def test_an_nps_outside_0_to_10_changes_nothing(client_as, agent, follow_up):
    before = db_snapshot()
    response = client_as(agent).post(
        reverse("follow-up-page-complete", args=[follow_up.pk]),
        {"satisfied": "yes", "nps": "11", "emotion_now": "satisfied"},
        follow=True,
    )
    assert 'class="message error"' in response.content.decode()
    assert db_snapshot() == before


def test_a_follow_up_is_waived_with_a_reason(client_as, agent, follow_up):
    client = client_as(agent)
    client.post(reverse("follow-up-page-waive", args=[follow_up.pk]), {"reason": ""})
    follow_up.refresh_from_db()
    assert follow_up.state == "scheduled"
    client.post(
        reverse("follow-up-page-waive", args=[follow_up.pk]), {"reason": "Wil geen contact."}
    )
    follow_up.refresh_from_db()
    assert follow_up.state == "waived"


def test_a_broken_promise_shows_on_the_managers_list_and_notifies(
    client_as, agent, manager, outsider, promised, settings
):
    # The scheduler's clock is past the moment and its grace period.
    dispatch_due(now=promised.due_at + timedelta(minutes=settings.PROMISE_GRACE_MINUTES + 5))
    promised.refresh_from_db()
    assert promised.state == "broken"

    page = client_as(manager).get(reverse("broken-promises")).content.decode()
    assert 'id="broken-promises"' in page
    assert "Jan Evers" in page
    assert client_as(outsider).get(reverse("broken-promises")).status_code == 403

    home = client_as(agent).get(reverse("home")).content.decode()
    assert 'data-testid="notifications-badge"' in home
    notes = client_as(agent).get(reverse("notifications")).content.decode()
    assert 'id="notifications"' in notes


def test_notifications_are_marked_read_only_by_their_recipient(
    client_as, agent, other_agent, promised, settings
):
    dispatch_due(now=promised.due_at + timedelta(minutes=settings.PROMISE_GRACE_MINUTES + 5))
    item = Notification.objects.filter(recipient=agent).first()
    assert item is not None
    assert (
        client_as(other_agent).post(reverse("notification-page-read", args=[item.pk])).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.read_at is None
    client_as(agent).post(reverse("notifications-all-read"))
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()
