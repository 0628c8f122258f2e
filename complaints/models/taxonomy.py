from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from common import limits


class RootCause(models.Model):
    """A node of the managed root-cause taxonomy: a group (no parent) or a cause inside one.

    Complaints point at causes (level two). Retired nodes stay for history but are not offered
    for new resolutions.
    """

    code = models.SlugField(_("code"), max_length=limits.CODE, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=limits.ROOT_CAUSE_NAME)
    name_en = models.CharField(_("name (English)"), max_length=limits.ROOT_CAUSE_NAME)
    description = models.TextField(_("description"), max_length=limits.NOTE, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["parent__code", "code"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")

    def __str__(self) -> str:
        return (
            f"{self.parent.name_en} / {self.name_en}"
            if self.parent_id and self.parent
            else self.name_en
        )

    @property
    def is_group(self) -> bool:
        return self.parent_id is None
