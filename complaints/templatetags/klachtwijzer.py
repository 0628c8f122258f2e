"""Small template helpers of the web interface."""

from __future__ import annotations

from django import template

from complaints.models import RootCause
from complaints.web.forms import root_cause_name

register = template.Library()


@register.filter
def cause_name(cause: RootCause | None) -> str:
    """The root cause's name in the active language, with its group."""
    return root_cause_name(cause)
