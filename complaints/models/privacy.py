"""Who looked at or handled a customer's personal data: one row per view, export or erasure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    COMPLAINT_VIEWED = "complaint_viewed", _("Complaint viewed")
    CUSTOMER_VIEWED = "customer_viewed", _("Customer viewed")
    CUSTOMER_SEARCHED = "customer_searched", _("Found in a search")
    CUSTOMER_CHANGED = "customer_changed", _("Customer's details changed")
    EXPORTED = "exported", _("Personal data exported")
    ERASED = "erased", _("Personal data erased")


class AccessVia(models.TextChoices):
    WEB = "web", _("Web interface")
    API = "api", _("API")


class DataAccess(models.Model):
    """Append-only: written by ``complaints.privacy``, read in the admin and in an export."""

    kind = models.CharField(_("what"), max_length=20, choices=AccessKind.choices)
    via = models.CharField(_("through"), max_length=3, choices=AccessVia.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        "complaints.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="accesses",
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accesses",
    )
    at = models.DateTimeField(_("at"))
    # A search: the term typed; a change: the names of the fields changed ("email,phone").
    detail = models.CharField(_("detail"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        indexes = [models.Index(fields=["customer", "at"], name="access_customer_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"
