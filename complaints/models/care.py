"""The fields a callback promise and a follow-up share: both are a contact the owner owes the
customer of a complaint at a due moment, open while ``scheduled``, ended once.

Declared here once and called from each model's class body, rather than inherited from an
abstract base: a field keeps its place in the model's order (the admin shows them so) and
its migration state stays as it is.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The state both begin in and stay in until someone (or the dispatcher) ends them.
SCHEDULED = "scheduled"


def complaint_link(*, related_name: str) -> models.ForeignKey[Any, Any]:
    """The complaint the contact is about; it goes when the complaint goes."""
    return models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name=related_name
    )


def owner_link(*, related_name: str) -> models.ForeignKey[Any, Any]:
    """Who owes the contact (the complaint's owner when it was made; a transfer moves it)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def state_field(states: type[models.TextChoices]) -> models.CharField[Any, Any]:
    """Written only by the services and the dispatcher, never in a form."""
    return models.CharField(
        _("state"),
        max_length=20,
        choices=states.choices,
        default=states(SCHEDULED),
        editable=False,
    )


def ended_by_link(**options: Any) -> models.ForeignKey[Any, Any]:
    """Who ended it; empty when the system (or the customer) did."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        **options,
    )
