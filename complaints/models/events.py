from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """Audit event types. Stored values are never renamed: reports read them."""

    RECEIVED = "complaint_received", _("Complaint received")
    UNDERSTOOD = "understanding_shown", _("Understanding shown")
    APOLOGISED = "apologised", _("Apologised")
    SOLVED = "solution_given", _("Solution given")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    OWNER_CHANGED = "ownership_transferred", _("Ownership transferred")
    INTERACTION_ADDED = "interaction_added", _("Interaction added")
    DETAILS_CHANGED = "details_changed", _("Details changed")
    COULANCE_REQUESTED = "coulance_requested", _("Coulance requested")
    COULANCE_ESCALATED = "coulance_escalated", _("Coulance request escalated")
    COULANCE_REROUTED = "coulance_rerouted", _("Coulance request re-routed")
    COULANCE_APPROVED = "coulance_approved", _("Coulance approved")
    COULANCE_REJECTED = "coulance_rejected", _("Coulance rejected")
    COULANCE_LETTER_DRAFTED = "coulance_letter_drafted", _("Coulance letter drafted")
    COULANCE_LETTER_EDITED = "coulance_letter_edited", _("Coulance letter edited")
    COULANCE_LETTER_FROZEN = "coulance_letter_frozen", _("Coulance letter frozen for sending")
    COULANCE_LETTER_SENT = "coulance_letter_sent", _("Coulance letter sent")
    COULANCE_LETTER_FAILED = "coulance_letter_failed", _("Coulance letter could not be sent")
    COULANCE_LETTER_RETRIED = (
        "coulance_letter_retried",
        _("Coulance letter sent again: its sending was not confirmed"),
    )
    PROMISE_MADE = "promise_made", _("Callback promised")
    PROMISE_KEPT = "promise_kept", _("Callback promise kept")
    PROMISE_UNREACHABLE = "promise_unreachable", _("Customer unreachable; callback rescheduled")
    PROMISE_BROKEN = "promise_broken", _("Callback promise broken")
    PROMISE_CANCELLED = "promise_cancelled", _("Callback promise cancelled")
    FOLLOW_UP_COMPLETED = "follow_up_completed", _("Follow-up completed")
    FOLLOW_UP_WAIVED = "follow_up_waived", _("Follow-up waived")
    SURVEY_SENT = "survey_sent", _("Survey sent to the customer")
    DEADLINE_BREACHED = "deadline_breached", _("Deadline passed")
    PERSONAL_DATA_ERASED = "personal_data_erased", _("Customer's personal data erased")
    CUSTOMER_CHANGED = "customer_changed", _("Customer's details changed")
    ATTACHMENTS_ADDED = "attachments_added", _("Attachments added")


class ComplaintEvent(models.Model):
    """Append-only audit trail of a complaint: who did what, when, from which stage to which."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="events"
    )
    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted."),
    )
    from_stage = models.CharField(_("from stage"), max_length=20, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20, blank=True)
    payload = models.JSONField(_("details"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        indexes = [models.Index(fields=["complaint", "created_at"], name="event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} @ {self.created_at:%Y-%m-%d %H:%M}"
