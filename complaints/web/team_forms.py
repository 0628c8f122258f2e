"""The team page's forms: its filters (declared in ``complaints.list_filters``) and reassigning
several complaints at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common import limits
from complaints import list_filters
from complaints.states import OPEN_STAGES
from complaints.web.forms import OwnerField, WebForm, possible_owners

TEAM_FILTERS = ("q", "stage", "priority", "overdue")


def team_members(user: User) -> QuerySet[User]:
    """Who may own complaints among those ``user`` supervises (everyone, for an administrator)."""
    owners = possible_owners()
    if user.has_perm("complaints.view_all_complaints"):
        return owners
    return owners.filter(team__manager=user)


class TeamFilterForm(WebForm):
    """Search, stage, priority, overdue (the list's declared parameters) and whose they are."""

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared = list_filters.form_fields()
        fields = {name: declared[name] for name in TEAM_FILTERS}
        stage = fields["stage"]
        if isinstance(stage, forms.ChoiceField):  # a team page lists open complaints only
            stage.choices = [(s.value, s.label) for s in OPEN_STAGES]
        fields["owner"] = OwnerField(
            label=_("Owner"), queryset=members, required=False, empty_label="—"
        )
        self.fields = fields

    def selector_filters(self) -> dict[str, Any]:
        """The cleaned values as the selector's filters (an invalid form filters nothing)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            name: list_filters.BY_NAME[name].from_form(value)
            for name, value in data.items()
            if value
        }


class ReferencesField(forms.MultipleChoiceField):
    """The ticked complaints' references. Any reference may be sent: one that is no longer the
    team's is refused in words by the service, not as an "invalid choice"."""

    widget = forms.MultipleHiddenInput  # the page draws a checkbox in each table row

    def valid_value(self, value: str) -> bool:
        return 0 < len(value) <= limits.REFERENCE


class BulkTransferForm(WebForm):
    """The ticked complaints, their new owner and the one reason for every transfer."""

    references = ReferencesField(
        label=_("Complaints"), error_messages={"required": _("Choose at least one complaint.")}
    )
    to_user = OwnerField(label=_("New owner"), queryset=User.objects.none(), empty_label="—")
    reason = forms.CharField(max_length=limits.NOTE, label=_("Reason"), widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="bulk-%s", **kwargs)
        owner = self.fields["to_user"]
        if not isinstance(owner, forms.ModelChoiceField):
            raise TypeError("field is not a forms.ModelChoiceField")
        owner.queryset = possible_owners()
        self.fields["reason"].widget.attrs["rows"] = 2

    def ticked(self) -> set[str]:
        """The references ticked in the submitted form, to tick them again when it is shown."""
        if not self.is_bound or not isinstance(self.data, QueryDict):
            return set()
        return set(self.data.getlist("references"))
