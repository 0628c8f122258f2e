"""Query parameters of the complaint list: validated here, applied by the selector."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from complaints.choices import Channel, Priority
from complaints.models import Complaint
from complaints.selectors import complaint_filter
from complaints.states import Stage


class ComplaintFilter(django_filters.FilterSet):
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices)
    owner = django_filters.NumberFilter(help_text="User id of the owner.")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    root_cause = django_filters.NumberFilter(help_text="Root-cause id.")
    # A choice, not a BooleanFilter: that one reads "yes" or "maybe" as "no filter" and would
    # answer with every complaint; here any value but true/false is a 400.
    overdue = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        help_text="Only open complaints past a deadline (true) or the others (false).",
    )
    received_after = django_filters.IsoDateTimeFilter(help_text="Received at or after (ISO 8601).")
    received_before = django_filters.IsoDateTimeFilter(help_text="Received before (ISO 8601).")
    q = django_filters.CharFilter(help_text="Reference, subject, customer name, number or email.")

    class Meta:
        model = Complaint
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        given = {
            name: int(value) if name in {"owner", "root_cause"} else value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [])
        }
        if "overdue" in given:
            given["overdue"] = given["overdue"] == "true"
        return complaint_filter(queryset, given)
