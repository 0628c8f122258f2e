"""Query parameters of the complaint list.

``ComplaintFilter`` declares them for the API's description (drf-spectacular reads it);
``list_filters`` validates a request's parameters into the dict that ``listing.conditions`` and
``selectors.complaint_filter`` read. It is written out rather than run through the filter
form, which django-filter builds anew on every request at a cost of more than a millisecond
on the busiest endpoint; a test holds the two to the same names and choices.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from complaints.api.common import BLANK_MESSAGE
from complaints.choices import Channel, Priority
from complaints.models import Complaint
from complaints.states import Stage

OVERDUE_CHOICES = [("true", "true"), ("false", "false")]


class ComplaintFilter(django_filters.FilterSet):
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices)
    owner = django_filters.NumberFilter(help_text="User id of the owner.")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    root_cause = django_filters.NumberFilter(help_text="Root-cause id.")
    # A choice, not a BooleanFilter: that one reads "yes" or "maybe" as "no filter" and would
    # answer with every complaint; here any value but true/false is a 400.
    overdue = django_filters.ChoiceFilter(
        choices=OVERDUE_CHOICES,
        help_text="Only open complaints past a deadline (true) or the others (false).",
    )
    received_after = django_filters.IsoDateTimeFilter(help_text="Received at or after (ISO 8601).")
    received_before = django_filters.IsoDateTimeFilter(help_text="Received before (ISO 8601).")
    q = django_filters.CharFilter(help_text="Reference, subject, customer name, number or email.")

    class Meta:
        model = Complaint
        fields: list[str] = []


def _choice(choices: list[tuple[str, Any]]) -> Callable[[str], str]:
    allowed = {str(value) for value, _label in choices}

    def parse(value: str) -> str:
        if value not in allowed:
            raise DjangoValidationError(
                forms.ChoiceField.default_error_messages["invalid_choice"], params={"value": value}
            )
        return value

    return parse


def _whole_number(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise DjangoValidationError(forms.IntegerField.default_error_messages["invalid"]) from None


def _moment(value: str) -> datetime:
    """ISO 8601; without an offset it is a moment in the current time zone."""
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise DjangoValidationError(forms.DateTimeField.default_error_messages["invalid"])
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _text(value: str) -> str:
    """Free text; a NUL character (which no database column holds) is refused as forms do."""
    forms.CharField(required=False, strip=False).clean(value)  # ProhibitNullCharactersValidator
    return value


_stage = _choice(Stage.choices)
_overdue = _choice(OVERDUE_CHOICES)
# Name -> how one given value is read. ``stage`` may be given more than once.
PARAMETERS: dict[str, Callable[[str], Any]] = {
    "stage": _stage,
    "owner": _whole_number,
    "channel": _choice(Channel.choices),
    "priority": _choice(Priority.choices),
    "root_cause": _whole_number,
    "overdue": lambda value: _overdue(value) == "true",
    "received_after": _moment,
    "received_before": _moment,
    "q": _text,
}
MULTIPLE = {"stage"}
FREE_TEXT = {"q"}


def list_filters(request: Any) -> dict[str, Any]:
    """The list filters of ``request``, validated: 400 with the messages per parameter."""
    params = request.query_params
    given: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, parse in PARAMETERS.items():
        values = params.getlist(name)
        if not values:
            continue
        if name not in FREE_TEXT and "" in values:
            # Given without a value: no date, choice or id is "" (see common.BLANK_MESSAGE).
            errors[name] = [str(BLANK_MESSAGE)]
            continue
        try:
            if name in MULTIPLE:
                given[name] = [parse(value) for value in values]
            else:
                given[name] = parse(values[-1])
        except DjangoValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return given


class SearchFilter(filters.SearchFilter):
    """DRF's ``?search=``, but a refusal (a NUL character) names the parameter, as every 400
    of this API does (DRF answers a bare list)."""

    def get_search_terms(self, request: Any) -> list[str]:
        try:
            terms: list[str] = super().get_search_terms(request)
        except ValidationError as error:
            raise ValidationError({self.search_param: error.detail}) from None
        return terms
