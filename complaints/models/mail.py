"""Email that came in through a mailbox: one row per message, the key of exactly-once import."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundState(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    SKIPPED = "skipped", _("Skipped: an automatic reply or a bounce")
    QUARANTINED = "quarantined", _("Quarantined: could not be imported")


class InboundEmail(models.Model):
    """A message read from a mailbox. ``(mailbox, key)`` is unique: ``key`` is the Message-ID,
    or ``sha256:<hex>`` of the raw message when it has none. The row is inserted in the same
    transaction that creates the complaint or interaction, so a message is imported once
    whatever crashes or runs twice. A quarantined message keeps its raw bytes for a retry."""

    mailbox = models.CharField(_("mailbox"), max_length=60)
    key = models.CharField(_("message key"), max_length=255)
    state = models.CharField(_("state"), max_length=12, choices=InboundState.choices)
    reason = models.TextField(_("reason"), blank=True)
    sender = models.CharField(_("from"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    # Names, claimed types and sizes of the attachment parts (the files go to attachments).
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    raw = models.BinaryField(_("raw message"), blank=True, default=b"")
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
    )
    interaction = models.ForeignKey(
        "complaints.Interaction",
        verbose_name=_("interaction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("incoming email")
        verbose_name_plural = _("incoming emails")
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "key"], name="inbound_email_once"),
            models.CheckConstraint(
                condition=models.Q(state__in=InboundState.values), name="inbound_state_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=models.Q(state="quarantined"),
                name="inbound_quarantined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mailbox}: {self.key}"
