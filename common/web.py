"""What every web view shares: the acting user, htmx detection and domain errors on forms."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from common.errors import DomainError, InvalidData


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def actor(request: HttpRequest) -> User:
    """The logged-in user (every view is behind ``login_required``)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("user is not a User")
    return user


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def add_domain_errors(
    form: forms.Form, error: InvalidData, *, rename: dict[str, str] | None = None
) -> None:
    """Put the service's field messages next to the form's fields.

    ``rename`` maps a service field name to the form's (the intake form prefixes the
    customer's fields); a message for a field the form does not show goes on top of the form.
    """
    rename = rename or {}
    for field, field_messages in error.errors.items():
        name = rename.get(field, field)
        for message in field_messages:
            form.add_error(name if name in form.fields else None, str(message))


def say_refusal(request: HttpRequest, error: DomainError) -> None:
    """A refusal with no form to show it on, as messages in words: each field message, or the
    one message of a refused step."""
    if isinstance(error, InvalidData):
        for field_messages in error.errors.values():
            for message in field_messages:
                messages.error(request, str(message))
    else:
        messages.error(request, str(error.message))
