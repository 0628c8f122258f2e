"""The dispatcher: due rows are claimed and done exactly once; what no longer applies is skipped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from complaints import services, workflow
from complaints.care import promises
from complaints.models import (
    CallbackPromise,
    Complaint,
    EmailState,
    EventType,
    JobKind,
    JobState,
    Notification,
    NotificationKind,
    OutgoingEmail,
    PromiseState,
    ScheduledJob,
)
from complaints.notifications import notification_text
from complaints.scheduling import dispatch, outbox
from tests.factories import make_complaint, step_data
from tests.promises.conftest import T0, run_due, send_mail_at, solving

pytestmark = pytest.mark.usefixtures("clock")

DUE = T0 + timedelta(hours=2)


def test_the_owner_is_reminded_before_the_promised_moment(agent):
    [promise] = solving(agent, promised_at=DUE).promises.all()

    assert run_due(DUE - timedelta(minutes=31)) == 0  # not yet
    run_due(DUE - timedelta(minutes=30))

    [note] = Notification.objects.filter(kind=NotificationKind.PROMISE_REMINDER)
    assert (note.recipient, note.promise) == (agent, promise)
    with translation.override("en"):
        title, text = notification_text(note.kind, note.payload)
    assert title.startswith("Callback due at ")
    assert promise.complaint.reference in text
    assert promise.purpose in text
    email = OutgoingEmail.objects.get(key__startswith="promise_reminder")
    assert email.to == agent.email
    promise.refresh_from_db()
    assert promise.reminded_at == DUE - timedelta(minutes=30)


def test_due_promise_processed_twice_sends_one_reminder(agent):
    solving(agent, promised_at=DUE)
    job = ScheduledJob.objects.get(kind=JobKind.PROMISE_REMINDER)
    run_due(DUE)
    # A second dispatcher (a second beat, a redelivered task) finds nothing left to do.
    ScheduledJob.objects.filter(pk=job.pk).update(state=JobState.PENDING)  # even when forced
    run_due(DUE)
    assert Notification.objects.filter(kind=NotificationKind.PROMISE_REMINDER).count() == 1
    assert OutgoingEmail.objects.filter(key__startswith="promise_reminder").count() == 1
    mail.outbox.clear()
    send_mail_at(DUE)
    send_mail_at(DUE)
    reminders = [m for m in mail.outbox if m.extra_headers["Message-ID"].startswith("<promise_r")]
    assert [m.to for m in reminders] == [[agent.email]]
    assert OutgoingEmail.objects.filter(state=EmailState.PENDING).count() == 0


def test_an_email_is_handed_to_the_mail_server_once(agent):
    solving(agent, promised_at=DUE)
    run_due(DUE)
    mail.outbox.clear()
    first = send_mail_at(DUE)
    second = send_mail_at(DUE)
    assert first >= 1
    assert second == 0
    reminders = [
        m for m in mail.outbox if m.extra_headers["Message-ID"].startswith("<promise_reminder")
    ]
    assert len(reminders) == 1


def test_a_promise_not_kept_after_the_grace_period_is_broken_and_escalated(agent, manager):
    [promise] = solving(agent, promised_at=DUE).promises.all()

    run_due(DUE + timedelta(minutes=14))
    promise.refresh_from_db()
    assert promise.state == PromiseState.SCHEDULED  # within the grace period

    run_due(DUE + timedelta(minutes=15))
    promise.refresh_from_db()
    assert promise.state == PromiseState.BROKEN
    recipients = set(
        Notification.objects.filter(kind=NotificationKind.PROMISE_BROKEN).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"anna", "marieke"}
    assert promise.complaint.events.filter(type=EventType.PROMISE_BROKEN, actor=None).count() == 1


def test_a_kept_promise_is_neither_reminded_nor_broken(agent):
    [promise] = solving(agent, promised_at=DUE).promises.all()
    promises.promise_keep(promise=promise, actor=agent)

    run_due(DUE + timedelta(hours=1))

    promise.refresh_from_db()
    assert promise.state == PromiseState.KEPT
    assert not Notification.objects.exists()
    assert set(ScheduledJob.objects.filter(promise=promise).values_list("state", flat=True)) == {
        JobState.SKIPPED
    }


def test_the_query_count_per_batch_does_not_grow_with_the_batch(agent, manager):
    def one_batch_of(n: int) -> int:
        complaint = solving(agent, promised_at=DUE)
        for i in range(n - 1):
            promises.promise_create(
                complaint=complaint, actor=agent, due_at=DUE + timedelta(minutes=i), purpose="X"
            )
        # Every reminder and broken check of these promises is due: one batch takes them all.
        ScheduledJob.objects.filter(state=JobState.PENDING).exclude(
            promise__complaint=complaint
        ).update(state=JobState.SKIPPED)
        with CaptureQueriesContext(connection) as queries:
            claimed = dispatch.dispatch_batch(now=DUE + timedelta(days=1), size=500)
        assert claimed == 2 * n
        return len(queries)

    # SQLite splits a bulk insert by its parameter limit: keep within it there.
    assert one_batch_of(3) == one_batch_of(40 if connection.vendor == "postgresql" else 12)


def test_the_acknowledgement_deadline_warns_then_flags_a_breach(agent, manager):
    complaint = make_complaint(owner=agent)  # normal priority: 24 hours to acknowledge
    deadline = complaint.acknowledge_due_at

    run_due(deadline - timedelta(minutes=60))
    [warning] = Notification.objects.filter(kind=NotificationKind.DEADLINE_WARNING)
    assert warning.recipient == agent

    run_due(deadline)
    complaint.refresh_from_db()
    assert complaint.acknowledge_breached_at == deadline
    assert complaint.resolve_breached_at is None
    breached = Notification.objects.filter(kind=NotificationKind.DEADLINE_BREACHED)
    assert {n.recipient.username for n in breached} == {"anna", "marieke"}
    assert complaint.events.filter(type=EventType.DEADLINE_BREACHED).count() == 1


def test_a_deadline_met_in_time_raises_nothing(agent):
    complaint = make_complaint(owner=agent)
    workflow.understand(complaint, actor=agent, **step_data("understand"))
    run_due(complaint.acknowledge_due_at + timedelta(minutes=1))
    complaint.refresh_from_db()
    assert complaint.acknowledge_breached_at is None
    assert not Notification.objects.filter(kind=NotificationKind.DEADLINE_BREACHED).exists()


def test_a_new_priority_moves_the_watched_deadline(agent):
    complaint = make_complaint(owner=agent, priority="normal")
    old_deadline = complaint.acknowledge_due_at
    complaint = services.complaint_update_details(complaint=complaint, actor=agent, priority="low")
    assert complaint.acknowledge_due_at > old_deadline

    run_due(old_deadline + timedelta(minutes=1))
    assert Complaint.objects.get(pk=complaint.pk).acknowledge_breached_at is None
    run_due(complaint.acknowledge_due_at)
    assert Complaint.objects.get(pk=complaint.pk).acknowledge_breached_at is not None


def test_the_acknowledgement_goes_to_the_customer_once_after_commit(
    agent, django_capture_on_commit_callbacks
):
    from tests.factories import CustomerFactory

    customer = CustomerFactory(language="en", email="jane@example.com", name="Jane Doe")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complaint = make_complaint(owner=agent, customer=customer)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    for callback in callbacks:  # even run twice
        callback()
    [message] = mail.outbox
    assert message.to == ["jane@example.com"]
    assert complaint.reference in message.subject
    assert "Dear Jane Doe" in message.body
    assert str(agent) in message.body
    assert "You will hear from us no later than" in message.body
    assert message.alternatives  # with an HTML part


def test_a_customer_without_email_gets_no_acknowledgement(agent):
    from tests.factories import CustomerFactory

    make_complaint(owner=agent, customer=CustomerFactory(email=""))
    assert not OutgoingEmail.objects.exists()


def test_a_mail_server_failure_is_retried_later(agent, settings):
    settings.EMAIL_BACKEND = "tests.promises.test_dispatch.FailingBackend"
    make_complaint(owner=agent)
    outbox.send_pending()
    email = OutgoingEmail.objects.get()
    assert (email.state, email.attempts) == (EmailState.PENDING, 1)
    assert "refused" in email.last_error
    assert email.next_attempt_at > T0


class FailingBackend:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: list[object]) -> int:
        raise ConnectionRefusedError("refused")


def test_callback_promise_states_count_for_the_keeping_rate(agent):
    """Kept and broken count; unreachable and cancelled do not."""
    complaint = solving(agent, promised_at=DUE)
    [first] = complaint.promises.all()
    promises.promise_keep(promise=first, actor=agent)
    promises.promise_create(complaint=complaint, actor=agent, due_at=DUE, purpose="Nog eens")
    run_due(DUE + timedelta(hours=1))
    states = sorted(CallbackPromise.objects.values_list("state", flat=True))
    assert states == [PromiseState.BROKEN, PromiseState.KEPT]
