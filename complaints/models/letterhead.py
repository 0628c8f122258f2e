"""The company's letterhead: the name, address, logo and footer printed on every letter.

One row at most (its key is fixed at 1). The logo is kept in the database, not as a file:
the web nodes share no disk, and every node renders letters.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import limits

LETTERHEAD_KEY = 1


class LogoType(models.TextChoices):
    PNG = "image/png", "PNG"
    JPEG = "image/jpeg", "JPEG"


class Letterhead(models.Model):
    """The sender on the letters; written by ``complaints.coulance.letterhead`` only."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=LETTERHEAD_KEY, editable=False)
    company_name = models.CharField(_("company name"), max_length=limits.NAME)
    address = models.TextField(
        _("postal address"),
        max_length=limits.POSTAL_ADDRESS,
        blank=True,
        help_text=_("As it stands on an envelope, one line per line."),
    )
    footer = models.TextField(
        _("footer"),
        max_length=limits.LETTER_FOOTER,
        blank=True,
        help_text=_(
            "At the bottom of each page: e.g. the chamber of commerce number, phone, website."
        ),
    )
    logo = models.BinaryField(_("logo"), null=True, blank=True, editable=False)
    logo_type = models.CharField(
        _("logo's type"), max_length=20, choices=LogoType.choices, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("updated at"), editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterhead")
        constraints = [
            # The one row: a second one could not say which letterhead the letters use.
            models.CheckConstraint(
                condition=models.Q(id=LETTERHEAD_KEY), name="letterhead_single_row"
            ),
            # A logo always says what it is, and a type never stands without one.
            models.CheckConstraint(
                condition=(models.Q(logo__isnull=True) & models.Q(logo_type=""))
                | (models.Q(logo__isnull=False) & models.Q(logo_type__in=LogoType.values)),
                name="letterhead_logo_typed",
            ),
        ]

    def __str__(self) -> str:
        return self.company_name
