"""Due work as rows, and what it produces: in-app notifications and outgoing emails.

A ``ScheduledJob`` is the single source of truth for work due in the future. The dispatcher
claims due pending jobs with ``SELECT … FOR UPDATE SKIP LOCKED`` and moves each from pending to
done (or skipped) in the same transaction that writes its notifications and emails: that state
transition is the idempotency key. Notifications and emails carry a unique ``key`` derived
from the job, so even a bug that ran a job twice could not write them twice.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    PROMISE_REMINDER = "promise_reminder", _("Remind the owner of a promise")
    PROMISE_BROKEN = "promise_broken", _("Mark a promise broken if it was not kept")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    ACKNOWLEDGE_WARNING = "acknowledge_warning", _("Warn before the acknowledgement deadline")
    ACKNOWLEDGE_BREACH = "acknowledge_breach", _("Acknowledgement deadline passed")
    RESOLVE_WARNING = "resolve_warning", _("Warn before the resolution deadline")
    RESOLVE_BREACH = "resolve_breach", _("Resolution deadline passed")


class JobState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped: no longer applies")


class ScheduledJob(models.Model):
    """One piece of work due at a moment; written by ``complaints.scheduling`` only."""

    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=JobKind.choices)
    due_at = models.DateTimeField()
    # The moment the job is about (a promise's due moment, a deadline): when the complaint's
    # deadline has moved since, the job no longer applies.
    target_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.PENDING)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="scheduled_jobs"
    )
    promise = models.ForeignKey(
        "complaints.CallbackPromise", on_delete=models.CASCADE, null=True, blank=True
    )
    follow_up = models.ForeignKey(
        "complaints.FollowUp", on_delete=models.CASCADE, null=True, blank=True
    )
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        indexes = [
            # The dispatcher's poll reads only this small index of pending rows.
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(state="pending"),
                name="job_pending_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=JobState.values), name="job_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class NotificationKind(models.TextChoices):
    PROMISE_REMINDER = "promise_reminder", _("Promise due soon")
    PROMISE_BROKEN = "promise_broken", _("Promise broken")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    SURVEY_ANSWERED = "survey_answered", _("Survey answered")
    DEADLINE_WARNING = "deadline_warning", _("Deadline approaching")
    DEADLINE_BREACHED = "deadline_breached", _("Deadline passed")
    LETTER_FAILED = "letter_failed", _("Letter not sent")
    CUSTOMER_MESSAGE = "customer_message", _("The customer wrote")


class Notification(models.Model):
    """An entry in a user's notification list. The text is rendered when read, in the reader's
    language, from ``kind`` and ``payload``."""

    key = models.CharField(max_length=100, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="notifications"
    )
    promise = models.ForeignKey(
        "complaints.CallbackPromise", on_delete=models.CASCADE, null=True, blank=True
    )
    follow_up = models.ForeignKey(
        "complaints.FollowUp", on_delete=models.CASCADE, null=True, blank=True
    )
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.key


class EmailState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being handed to the mail server")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")
    CANCELLED = "cancelled", _("Cancelled: the customer's personal data was erased")


class OutgoingEmail(models.Model):
    """An email rendered once and stored; the sender hands it to the mail server at most once.

    ``key`` is the idempotency key of what caused it (``promise_reminder:42``).
    """

    key = models.CharField(max_length=100, unique=True, editable=False)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    template = models.CharField(max_length=60)
    to = models.EmailField()
    language = models.CharField(max_length=2)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.PENDING)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When a sender claimed it (state "sending", committed before the mail server is called).
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Threading: our own Message-ID (empty: the sender makes one from the row), and the
    # customer's message this one answers, so their reply comes back to the same complaint.
    message_id = models.CharField(
        max_length=255, blank=True, default="", db_default="", db_index=True
    )
    in_reply_to = models.CharField(max_length=255, blank=True, default="", db_default="")
    references = models.TextField(blank=True, default="", db_default="")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            # The sender reads pending ids in order from a cursor (see outbox.send_pending).
            models.Index(
                fields=["id"], condition=models.Q(state="pending"), name="email_pending_id"
            ),
            # Claims left half-done by a crash, found by their age (see outbox.send_pending).
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(state="sending"),
                name="email_sending_claimed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.key
