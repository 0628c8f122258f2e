"""What happens around a complaint besides the stages: contacts and changes of owner."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import limits
from complaints.choices import Direction, InteractionKind


class Interaction(models.Model):
    """A call, email, chat, letter, meeting or internal note on a complaint (append-only)."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction.choices, default=Direction.INTERNAL
    )
    summary = models.TextField(_("summary"), max_length=limits.TEXT)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    # Empty for a message the customer wrote (an email, the status page): no user wrote it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [models.Index(fields=["complaint", "occurred_at"], name="interaction_timeline")]


class OwnershipTransfer(models.Model):
    """An explicit hand-over of a complaint: doorverwijzen never happens silently."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="transfers"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=limits.NOTE)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    transferred_at = models.DateTimeField(_("transferred at"))

    class Meta:
        ordering = ["transferred_at", "id"]
        verbose_name = _("ownership transfer")
        verbose_name_plural = _("ownership transfers")
