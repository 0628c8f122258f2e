from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common import limits
from complaints.models import RootCause
from reports.import_mappings import MAPPINGS


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
    name_nl = forms.CharField(max_length=limits.ROOT_CAUSE_NAME, label=_("Name (Dutch)"))
    name_en = forms.CharField(max_length=limits.ROOT_CAUSE_NAME, label=_("Name (English)"))
    code = forms.SlugField(
        label=_("Code"),
        max_length=limits.CODE,
        required=False,
        help_text=_("Left empty, it follows from the English name. It never changes later."),
    )
    description = forms.CharField(
        max_length=limits.NOTE,
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from reports import taxonomy

        field = self.fields["parent"]
        if not isinstance(field, forms.ModelChoiceField):
            raise TypeError("field is not a forms.ModelChoiceField")
        field.queryset = taxonomy.groups().filter(active=True)


class RootCauseEditForm(forms.Form):
    name_nl = forms.CharField(max_length=limits.ROOT_CAUSE_NAME, label=_("Name (Dutch)"))
    name_en = forms.CharField(max_length=limits.ROOT_CAUSE_NAME, label=_("Name (English)"))
    description = forms.CharField(
        max_length=limits.NOTE,
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file (UTF-8)"))
    mapping = forms.ChoiceField(label=_("Columns"), choices=[])
    source = forms.SlugField(
        label=_("Source"),
        max_length=40,
        help_text=_("Ids are unique per source: importing the same source again skips them."),
    )
    import_again = forms.BooleanField(
        label=_("Import again"),
        required=False,
        help_text=_(
            "Rows imported before under another source name (same id, same content) are "
            "refused unless this is ticked."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mapping"]
        if not isinstance(field, forms.ChoiceField):
            raise TypeError("field is not a forms.ChoiceField")
        field.choices = [(m.name, m.label) for m in MAPPINGS.values()]


def _owners() -> Any:
    from accounts.models import User

    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class ActionForm(forms.Form):
    """Raise a corrective action, or change one (then without root cause and complaints)."""

    root_cause: forms.ModelChoiceField[RootCause] = forms.ModelChoiceField(
        label=_("Root cause"), queryset=RootCause.objects.none()
    )
    title = forms.CharField(max_length=limits.SUBJECT, label=_("What will be done"))
    description = forms.CharField(
        max_length=limits.TEXT,
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    complaints = forms.CharField(
        max_length=limits.NOTE,
        label=_("Complaints that showed the cause"),
        required=False,
        help_text=_("References separated by spaces or commas, e.g. KL-2026-000123."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cause = self.fields["root_cause"]
        owner = self.fields["owner"]
        if not isinstance(cause, forms.ModelChoiceField):
            raise TypeError("cause is not a forms.ModelChoiceField")
        if not isinstance(owner, forms.ModelChoiceField):
            raise TypeError("owner is not a forms.ModelChoiceField")
        cause.queryset = RootCause.objects.filter(parent__isnull=False).select_related("parent")
        owner.queryset = _owners()
        if editing:
            del self.fields["root_cause"], self.fields["complaints"]

    def clean_complaints(self) -> list[str]:
        raw = self.cleaned_data.get("complaints") or ""
        return [ref for ref in raw.replace(",", " ").split() if ref]


class ActionStepForm(forms.Form):
    text = forms.CharField(
        max_length=limits.NOTE,
        label=_("Reason or result"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
