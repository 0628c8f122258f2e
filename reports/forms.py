from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import RootCause


class PeriodForm(forms.Form):
    """A report on demand: any past month or date range."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RootCauseForm(forms.Form):
    """A new group or cause (the group left empty makes a group)."""

    parent: forms.ModelChoiceField[RootCause] = forms.ModelChoiceField(
        label=_("Group"),
        queryset=None,
        required=False,
        empty_label=_("— none: this is a new group —"),
    )
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        required=False,
        help_text=_("Left empty, it follows from the English name. It never changes later."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from reports import taxonomy

        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = taxonomy.groups().filter(active=True)


class RootCauseEditForm(forms.Form):
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file (UTF-8)"))
    mapping = forms.ChoiceField(label=_("Columns"), choices=[])
    source = forms.SlugField(
        label=_("Source"),
        max_length=40,
        help_text=_("Ids are unique per source: importing the same source again skips them."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from reports.imports import MAPPINGS

        field = self.fields["mapping"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.name, m.label) for m in MAPPINGS.values()]
