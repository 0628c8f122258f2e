"""The customer's personal status link: where they read how their complaint stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusLink(models.Model):
    """A personal status link: a random id (signed in the link, as the survey's), one per
    complaint, until revoked (the customer's data erased).

    The link carries nothing but the signed random id, so it reveals nothing about the complaint.
    """

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="status_link"
    )
    public_id = models.CharField(max_length=43, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("status link")
        verbose_name_plural = _("status links")

    def __str__(self) -> str:
        return f"status link {self.pk}"
