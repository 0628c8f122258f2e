"""The complaint list's filters, each declared once.

A ``ListParameter`` says a filter's name, the kind of value it takes, how the API describes it
and the web page labels it, and the condition it adds, as a ``Q`` of the complaint. Everything
else is derived from ``PARAMETERS``:

- the API's description (``filterset``: a django-filter class that drf-spectacular reads);
- the validation of one given value (``ListParameter.parse``, the form fields' messages);
- the ORM query (``narrowing``, which ``selectors.complaint_filter`` applies);
- the hand-written SQL of the API's list, which ``api.listing`` translates from the same ``Q``;
- the fields of the web page's filter form (``form_fields``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from complaints.choices import Channel, Priority
from complaints.models import Complaint
from complaints.models.complaint import overdue_q
from complaints.states import Stage

Choices = Sequence[tuple[str, Any]]
_BLANK: list[tuple[str, Any]] = [("", "—")]


class Kind(enum.Enum):
    """What a parameter's value is, which decides how it is read, described and shown."""

    CHOICE = "choice"  # one of ``choices``
    WHOLE_NUMBER = "whole number"  # an id
    MOMENT = "moment"  # ISO 8601 in the API, a whole local day on the web page
    TEXT = "text"  # free text; empty is no filter
    YES_NO = "yes/no"  # "true" or "false", a bool once read


@dataclass(frozen=True)
class ListParameter:
    """One filter of the complaint list; see the module's docstring for what comes of it."""

    name: str
    kind: Kind
    condition: Callable[[Any, datetime], Q]  # (read value, now) -> the complaints it keeps
    help_text: str = ""  # the API's description (the schema is in English)
    choices: Choices = ()
    multiple: bool = False
    label: StrOrPromise = ""  # the web page's label; without one it is not on the page
    page_help: StrOrPromise = ""
    yes_no: Choices = ()  # YES_NO: the page's labels of "true" and "false"
    day_end: bool = False  # MOMENT on the page: the day's end (next midnight), not its start

    def parse(self, value: str) -> Any:
        """One given value, read; a ``ValidationError`` with the form field's message."""
        if self.kind in (Kind.CHOICE, Kind.YES_NO):
            allowed = {str(key) for key, _label in self.api_choices}
            if value not in allowed:
                raise ValidationError(
                    forms.ChoiceField.default_error_messages["invalid_choice"],
                    params={"value": value},
                )
            return value == "true" if self.kind is Kind.YES_NO else value
        if self.kind is Kind.WHOLE_NUMBER:
            try:
                return int(value.strip())
            except ValueError:
                raise ValidationError(
                    forms.IntegerField.default_error_messages["invalid"]
                ) from None
        if self.kind is Kind.MOMENT:
            return _moment(value)
        # Free text; a NUL character (which no database column holds) is refused as forms do.
        forms.CharField(required=False, strip=False).clean(value)
        return value

    @property
    def api_choices(self) -> Choices:
        if self.kind is Kind.YES_NO:
            return [("true", "true"), ("false", "false")]
        return self.choices

    def narrows(self, value: Any) -> bool:
        """Whether ``value`` (read) narrows the list: a yes/no always, others when not empty."""
        if self.kind is Kind.YES_NO:
            return value is not None
        if self.kind is Kind.TEXT:
            return bool(str(value or "").strip())
        return bool(value)

    def q(self, value: Any, now: datetime) -> Q:
        """The condition for ``value`` (a list for a multiple parameter; one value is one)."""
        if self.multiple and not isinstance(value, list | tuple):
            value = [value]
        if self.kind is Kind.TEXT:
            value = str(value).strip()
        return self.condition(value, now)

    def schema_filter(self) -> django_filters.Filter:
        """The django-filter field that describes this parameter in the API's schema."""
        options: dict[str, Any] = {"help_text": self.help_text} if self.help_text else {}
        if self.kind in (Kind.CHOICE, Kind.YES_NO):
            kind = (
                django_filters.MultipleChoiceFilter
                if self.multiple
                else django_filters.ChoiceFilter
            )
            return kind(choices=self.api_choices, **options)
        if self.kind is Kind.WHOLE_NUMBER:
            return django_filters.NumberFilter(**options)
        if self.kind is Kind.MOMENT:
            return django_filters.IsoDateTimeFilter(**options)
        return django_filters.CharFilter(**options)

    def form_field(self) -> forms.Field:
        """The web page's field for this parameter (not required: an empty field is no filter)."""
        options: dict[str, Any] = {"label": self.label, "required": False}
        if self.page_help:
            options["help_text"] = self.page_help
        if self.kind is Kind.CHOICE and self.multiple:
            return forms.MultipleChoiceField(
                choices=self.choices, widget=forms.CheckboxSelectMultiple, **options
            )
        if self.kind is Kind.CHOICE:
            return forms.ChoiceField(choices=_BLANK + list(self.choices), **options)
        if self.kind is Kind.YES_NO:
            return forms.ChoiceField(choices=_BLANK + list(self.yes_no), **options)
        if self.kind is Kind.WHOLE_NUMBER:
            return forms.IntegerField(**options)
        if self.kind is Kind.MOMENT:
            widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            return forms.DateField(widget=widget, **options)
        return forms.CharField(widget=forms.TextInput(attrs={"type": "search"}), **options)

    def from_form(self, value: Any) -> Any:
        """A cleaned, non-empty value of ``form_field`` as the filters' value."""
        if isinstance(value, Model):
            return value.pk
        if self.kind is Kind.YES_NO:
            return value == "true"
        if self.kind is Kind.MOMENT:
            start = timezone.make_aware(datetime.combine(value, time.min))
            # The next local midnight (wall-clock arithmetic on purpose: a calendar day).
            return start + timedelta(days=1) if self.day_end else start
        return value


def _moment(value: str) -> datetime:
    """ISO 8601; without an offset it is a moment in the current time zone."""
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(forms.DateTimeField.default_error_messages["invalid"])
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _search(text: str, now: datetime) -> Q:
    return (
        Q(reference__iexact=text)
        | Q(subject__icontains=text)
        | Q(customer__name__icontains=text)
        | Q(customer__customer_number__iexact=text)
        | Q(customer__email__iexact=text)
    )


PARAMETERS: tuple[ListParameter, ...] = (
    ListParameter(
        "stage",
        Kind.CHOICE,
        lambda stages, now: Q(stage__in=stages),
        choices=Stage.choices,
        multiple=True,
        label=_("Stage"),
        page_help=_("None ticked: all open stages."),
    ),
    ListParameter(
        "owner",
        Kind.WHOLE_NUMBER,
        lambda owner, now: Q(owner=owner),
        help_text="User id of the owner.",
    ),
    ListParameter(
        "channel",
        Kind.CHOICE,
        lambda channel, now: Q(channel=channel),
        choices=Channel.choices,
        label=_("Channel"),
    ),
    ListParameter(
        "priority",
        Kind.CHOICE,
        lambda priority, now: Q(priority=priority),
        choices=Priority.choices,
        label=_("Priority"),
    ),
    ListParameter(
        "root_cause",
        Kind.WHOLE_NUMBER,
        lambda cause, now: Q(root_cause=cause),
        help_text="Root-cause id.",
        label=_("Root cause"),
    ),
    # Two choices, not a boolean: "yes" or "maybe" is a 400, not "no filter" (which would
    # answer with every complaint).
    ListParameter(
        "overdue",
        Kind.YES_NO,
        lambda overdue, now: overdue_q(now) if overdue else ~overdue_q(now),
        help_text="Only open complaints past a deadline (true) or the others (false).",
        label=_("Overdue"),
        yes_no=[("true", _("Only overdue")), ("false", _("Not overdue"))],
    ),
    ListParameter(
        "received_after",
        Kind.MOMENT,
        lambda moment, now: Q(received_at__gte=moment),
        help_text="Received at or after (ISO 8601).",
        label=_("Received from"),
    ),
    ListParameter(
        "received_before",
        Kind.MOMENT,
        lambda moment, now: Q(received_at__lt=moment),
        help_text="Received before (ISO 8601).",
        label=_("Received up to and including"),
        day_end=True,
    ),
    ListParameter(
        "q",
        Kind.TEXT,
        _search,
        help_text="Reference, subject, customer name, number or email.",
        label=_("Search"),
        page_help=_("Reference, customer name or subject."),
    ),
)
BY_NAME: Mapping[str, ListParameter] = {parameter.name: parameter for parameter in PARAMETERS}


def narrowing(filters: Mapping[str, Any], now: datetime) -> list[Q]:
    """The conditions ``filters`` (read values by parameter name) add, all to be met."""
    return [
        parameter.q(value, now)
        for parameter in PARAMETERS
        if parameter.narrows(value := filters.get(parameter.name))
    ]


def filterset() -> type[django_filters.FilterSet]:
    """A django-filter class of the parameters, for the API's schema (it filters nothing)."""
    declared: dict[str, Any] = {p.name: p.schema_filter() for p in PARAMETERS}
    meta = type("Meta", (), {"model": Complaint, "fields": []})
    return type("ComplaintFilter", (django_filters.FilterSet,), {**declared, "Meta": meta})


def form_fields(**replaced: forms.Field) -> dict[str, forms.Field]:
    """The web page's filter fields by name, in order; ``replaced`` gives a page's own field
    for a parameter (a root-cause picker in place of an id, for instance)."""
    return {p.name: replaced.get(p.name) or p.form_field() for p in PARAMETERS if p.label}
