"""Small template helpers of the web interface."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from complaints import privacy
from complaints.models import RootCause
from complaints.web.forms import root_cause_name

register = template.Library()


@register.filter
def cause_name(cause: RootCause | None) -> str:
    """The root cause's name in the active language, with its group."""
    return root_cause_name(cause)


@register.filter
def local_name(node: RootCause | None) -> str:
    """A cause's or group's own name in the active language (no group in front)."""
    if node is None:
        return ""
    return node.name_nl if (get_language() or "nl").startswith("nl") else node.name_en


@register.filter
def masked_email(email: str) -> str:
    """Enough of an email address to pick a customer by: ``j…@example.com``."""
    return privacy.mask_email(email)


@register.filter
def masked_phone(phone: str) -> str:
    """Enough of a phone number to pick a customer by: ``06 …… 78``."""
    return privacy.mask_phone(phone)
