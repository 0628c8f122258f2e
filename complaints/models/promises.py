"""Callback promises (terugbelafspraken): every promise made to a customer is a row with a due
moment, so the system can remind, flag as broken and report the keeping rate."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import limits
from complaints.choices import Channel
from complaints.models.care import complaint_link, ended_by_link, owner_link, state_field


class PromiseState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    KEPT = "kept", _("Kept")
    UNREACHABLE = "unreachable", _("Customer unreachable")
    BROKEN = "broken", _("Broken")
    CANCELLED = "cancelled", _("Cancelled")


class PromiseOrigin(models.TextChoices):
    SOLVE = "solve", _("Promised in the solve step")
    MANUAL = "manual", _("Added by hand")
    RESCHEDULED = "rescheduled", _("Rescheduled: the customer was unreachable")


class CallbackPromise(models.Model):
    """“I'll call you back tomorrow at 15:00”: a due moment, a channel, a purpose, an owner.

    Only ``complaints.care.promises`` (and the dispatcher, for reminders and breaking) writes
    it.
    """

    complaint = complaint_link(related_name="promises")
    owner = owner_link(related_name="callback_promises")
    due_at = models.DateTimeField(_("due at"))
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.PHONE
    )
    purpose = models.CharField(_("purpose"), max_length=limits.PURPOSE)
    origin = models.CharField(
        _("origin"), max_length=20, choices=PromiseOrigin.choices, default=PromiseOrigin.MANUAL
    )
    notify_customer = models.BooleanField(
        _("tell the customer by email"),
        default=False,
        help_text=_("Send the customer an email that we will contact them at this moment."),
    )
    state = state_field(PromiseState)
    rescheduled_from = models.OneToOneField(
        "self",
        verbose_name=_("rescheduled from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rescheduled_to",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    reminded_at = models.DateTimeField(_("owner reminded at"), null=True, blank=True)
    # How it ended: the moment, who ended it (empty when the system marked it broken), why.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = ended_by_link()
    delay = models.DurationField(
        _("delay"), null=True, blank=True, help_text=_("How late a kept promise was kept.")
    )
    note = models.TextField(_("note"), max_length=limits.NOTE, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=limits.NOTE, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("callback promise")
        verbose_name_plural = _("callback promises")
        indexes = [
            models.Index(fields=["owner", "state", "due_at"], name="promise_owner_state_due"),
            models.Index(fields=["complaint", "due_at"], name="promise_complaint_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=PromiseState.values), name="promise_state_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="cancelled") | ~models.Q(cancel_reason=""),
                name="promise_cancel_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} @ {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def kept_late(self) -> bool:
        return self.state == PromiseState.KEPT and bool(self.delay and self.delay > timedelta(0))
