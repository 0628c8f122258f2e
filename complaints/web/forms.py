"""Web forms. They parse what a person typed; the services and the workflow judge it.

Fields that the workflow always requires are required here too, so the browser can say so
before sending; fields that are only sometimes required (saying no) are left to the workflow,
whose messages then appear next to them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from common import limits
from complaints import list_filters, selectors
from complaints.choices import (
    Balance,
    Channel,
    Direction,
    Emotion,
    InteractionKind,
    Language,
    Liability,
    Outcome,
    Priority,
    RequestDomain,
    Wish,
)
from complaints.models import Customer, RootCause
from complaints.states import OPEN_STAGES, Stage

_DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_BLANK: list[tuple[str, Any]] = [("", "—")]


def root_cause_name(cause: RootCause | None) -> str:
    """The cause's name in the active language, with its group in front."""
    if cause is None:
        return ""
    dutch = (get_language() or "nl").startswith("nl")
    name = cause.name_nl if dutch else cause.name_en
    if cause.parent_id and cause.parent is not None:
        group = cause.parent.name_nl if dutch else cause.parent.name_en
        return f"{group} / {name}"
    return name


class RootCauseField(forms.ModelChoiceField[RootCause]):
    def label_from_instance(self, obj: Any) -> str:
        return root_cause_name(obj)


class WebForm(forms.Form):
    """A form whose labels carry no trailing colon (calmer to read)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _textarea(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


# --- My work: search and filters -------------------------------------------------------------


class WorkFilterForm(WebForm):
    """The list's search and filters: the fields ``complaints.list_filters`` declares for the
    page (the same parameters the API offers), and whose complaints to show."""

    SCOPE_MINE = "mine"
    SCOPE_ALL = "all"

    scope = forms.ChoiceField(
        label=_("Whose complaints"),
        required=False,
        choices=[(SCOPE_MINE, _("Mine")), (SCOPE_ALL, _("Everything I may see"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cause = RootCauseField(
            label=list_filters.BY_NAME["root_cause"].label,
            required=False,
            queryset=selectors.root_cause_choices(include_retired=True),
        )
        declared = list_filters.form_fields(root_cause=cause)
        self.fields = {"q": declared.pop("q"), "scope": self.fields["scope"], **declared}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        after, before = data.get("received_after"), data.get("received_before")
        if after and before and before < after:
            self.add_error("received_before", _("This date lies before the “from” date."))
        return data

    def selector_filters(self, *, user: User) -> dict[str, Any]:
        """The cleaned values as the selector's filters (dates as local whole days)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        filters: dict[str, Any] = {
            name: list_filters.BY_NAME[name].from_form(value)
            for name, value in data.items()
            if name in list_filters.BY_NAME and value
        }
        filters["stage"] = filters.get("stage") or [s.value for s in Stage if s in OPEN_STAGES]
        if data.get("scope", self.SCOPE_MINE) != self.SCOPE_ALL:
            filters["owner"] = user.pk
        return filters


# --- New complaint -----------------------------------------------------------------------------


class NewComplaintForm(WebForm):
    """Customer (an existing one, or a new one) and the complaint, in one go."""

    customer = forms.ModelChoiceField(
        label=_("Customer"),
        required=False,
        queryset=Customer.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    customer_name = forms.CharField(max_length=limits.NAME, label=_("Name"), required=False)
    customer_email = forms.CharField(
        max_length=limits.EMAIL,
        label=_("Email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    customer_phone = forms.CharField(
        max_length=limits.PHONE,
        label=_("Phone"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    customer_number = forms.CharField(
        max_length=limits.CUSTOMER_NUMBER, label=_("Customer number"), required=False
    )
    customer_language = forms.ChoiceField(
        label=_("Language for letters"), choices=Language.choices, initial=Language.DUTCH
    )

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    subject = forms.CharField(max_length=limits.SUBJECT, label=_("Subject"))
    facts = forms.CharField(
        max_length=limits.TEXT,
        label=_("The facts"),
        widget=_textarea(4),
        help_text=_("What happened, in the customer's words: the factual complaint."),
    )
    emotion_at_intake = forms.ChoiceField(
        label=_("Emotion sensed"),
        required=False,
        choices=_BLANK + Emotion.choices,
        help_text=_("What do you hear besides the facts?"),
    )
    emotion_intensity = forms.TypedChoiceField(
        label=_("Intensity"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_BLANK + [(n, str(n)) for n in range(1, 6)],
        help_text=_("1 mild … 5 very strong"),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    category = forms.CharField(
        max_length=limits.CATEGORY, label=_("Product or category"), required=False
    )

    CUSTOMER_FIELDS = {
        "name": "customer_name",
        "email": "customer_email",
        "phone": "customer_phone",
        "customer_number": "customer_number",
        "language": "customer_language",
    }

    def __init__(self, *args: Any, customers: QuerySet[Customer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["customer"]
        if not isinstance(field, forms.ModelChoiceField):
            raise TypeError("field is not a forms.ModelChoiceField")
        field.queryset = customers

    def customer_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(f) or "" for name, f in self.CUSTOMER_FIELDS.items()}

    def complaint_data(self) -> dict[str, Any]:
        names = ("channel", "subject", "facts", "emotion_at_intake", "emotion_intensity")
        data = {name: self.cleaned_data.get(name) for name in names}
        data["priority"] = self.cleaned_data.get("priority") or Priority.NORMAL
        data["category"] = self.cleaned_data.get("category") or ""
        data["emotion_at_intake"] = data["emotion_at_intake"] or ""
        return data


# --- The triad and the other steps -----------------------------------------------------------


def _for_customer(label: StrOrPromise, help_text: StrOrPromise) -> forms.CharField:
    """An optional text meant for the customer, beside a step's note."""
    return forms.CharField(
        max_length=limits.TEXT,
        label=label,
        required=False,
        widget=_textarea(2),
        help_text=help_text,
    )


class UnderstandForm(WebForm):
    emotion = forms.ChoiceField(label=_("Emotion sensed"), choices=_BLANK + Emotion.choices)
    intensity = forms.TypedChoiceField(
        label=_("Intensity (1 mild … 5 very strong)"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
    )
    acknowledgement = forms.CharField(
        max_length=limits.TEXT,
        label=_("How you acknowledged it"),
        widget=_textarea(3),
        help_text=_("For example: “I understand that this makes you angry.”"),
    )
    acknowledgement_for_customer = _for_customer(
        _("In a letter to the customer"),
        _(
            "Optional: the sentence a letter says, written to the customer in the company's "
            "voice, e.g. “We understand that it annoyed you to wait so long.” Without it the "
            "letter uses a sentence of its own; your note above is never sent."
        ),
    )


class ApologiseForm(WebForm):
    apology = forms.CharField(max_length=limits.TEXT, label=_("The apology"), widget=_textarea(3))
    apology_for_customer = _for_customer(
        _("In a letter to the customer"),
        _(
            "Optional: the apology as a letter says it, e.g. “We are sorry that your order "
            "arrived damaged.” Without it the letter apologises in words of its own."
        ),
    )
    apologised_at = forms.DateTimeField(
        label=_("When you apologised"),
        required=False,
        widget=_DATETIME_LOCAL,
        help_text=_("Leave empty for now."),
    )


class SolveForm(WebForm):
    facts_summary = forms.CharField(
        max_length=limits.TEXT, label=_("The facts, summarised"), widget=_textarea(3)
    )
    next_steps = forms.CharField(
        max_length=limits.TEXT, label=_("The next steps"), widget=_textarea(3)
    )
    next_steps_for_customer = _for_customer(
        _("What we did, in a letter to the customer"),
        _(
            "Optional: what a letter tells the customer we did, e.g. “We have sent you a new "
            "lamp and stopped the collection.” Write “we”, not “I”."
        ),
    )
    promised_at = forms.DateTimeField(
        label=_("Promised moment"),
        widget=_DATETIME_LOCAL,
        help_text=_("When the customer will hear from you: this becomes a callback promise."),
    )
    wishes = forms.MultipleChoiceField(
        label=_("The real human wishes it serves"),
        choices=Wish.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Optional. A solution that also brings comfort, convenience, a sense of belonging, "
            "recognition or something interesting satisfies more than the request alone."
        ),
    )


class ResolveForm(WebForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    resolution_summary = forms.CharField(
        max_length=limits.TEXT, label=_("What was resolved"), widget=_textarea(3)
    )
    root_cause = RootCauseField(
        label=_("Root cause"), queryset=RootCause.objects.none(), empty_label="—"
    )
    liability = forms.ChoiceField(label=_("Liability"), choices=_BLANK + Liability.choices)
    customer_contribution = forms.CharField(
        max_length=limits.TEXT,
        label=_("What the customer contributed"),
        required=False,
        widget=_textarea(2),
        help_text=_(
            "Optional: what the customer did or did not do themselves, written to them "
            "(“You chose the model yourself.”): a letter says it as you write it."
        ),
    )
    emotion_at_resolution = forms.ChoiceField(
        label=_("How the customer feels now"), choices=_BLANK + Emotion.choices
    )
    request_domain = forms.ChoiceField(
        label=_("Domain of the request"),
        required=False,
        choices=RequestDomain.choices,
        widget=forms.RadioSelect,
    )
    balance = forms.ChoiceField(
        label=_("Balance"), required=False, choices=Balance.choices, widget=forms.RadioSelect
    )
    alternatives_offered = forms.CharField(
        max_length=limits.TEXT,
        label=_("Alternatives offered"),
        required=False,
        widget=_textarea(2),
        help_text=_("Say no with an alternative: other stock, another branch, another product."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["root_cause"]
        if not isinstance(field, RootCauseField):
            raise TypeError("field is not a RootCauseField")
        field.queryset = selectors.root_cause_choices()

    def step_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("request_domain", "balance", "alternatives_offered", "customer_contribution"):
            data[name] = data.get(name) or ""
        return data


class CloseForm(WebForm):
    """Close the complaint; while its follow-up is still scheduled, only by waiving it with a
    reason (``waiving``), which the page offers to whoever may (see ``followups``)."""

    note = forms.CharField(
        max_length=limits.NOTE, label=_("Closing note"), required=False, widget=_textarea(2)
    )
    waive_reason = forms.CharField(
        max_length=limits.NOTE,
        label=_("Why close without the follow-up"),
        required=False,  # the workflow refuses a close without it in words (409)
        widget=_textarea(2),
        help_text=_("The follow-up is waived with this reason, in the audit trail."),
    )

    def __init__(self, *args: Any, waiving: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not waiving:
            del self.fields["waive_reason"]


class ReopenForm(WebForm):
    reason = forms.CharField(max_length=limits.NOTE, label=_("Why reopen"), widget=_textarea(2))


class OwnerField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.team})" if obj.team_id else str(obj)


class TransferForm(WebForm):
    to_user = OwnerField(label=_("New owner"), queryset=User.objects.none(), empty_label="—")
    reason = forms.CharField(max_length=limits.NOTE, label=_("Reason"), widget=_textarea(2))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_user"]
        if not isinstance(field, forms.ModelChoiceField):
            raise TypeError("field is not a forms.ModelChoiceField")
        field.queryset = possible_owners()


def possible_owners() -> QuerySet[User]:
    """Active people who may own complaints (the roles that carry ``work_complaint``)."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="work_complaint")
            | Q(user_permissions__codename="work_complaint")
        )
        .select_related("team")
        .distinct()
        .order_by("team__name", "first_name", "last_name", "username")
    )


class InteractionForm(WebForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=InteractionKind.choices, initial=InteractionKind.NOTE
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.INTERNAL
    )
    summary = forms.CharField(max_length=limits.TEXT, label=_("Summary"), widget=_textarea(2))
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=_DATETIME_LOCAL,
        help_text=_("Leave empty for now."),
    )


STEP_FORMS: dict[str, type[WebForm]] = {
    "understand": UnderstandForm,
    "apologise": ApologiseForm,
    "solve": SolveForm,
    "resolve": ResolveForm,
    "close": CloseForm,
    "reopen": ReopenForm,
}


def step_form(name: str, data: Any = None, **options: Any) -> forms.Form:
    """The form of transition ``name``, with ids unique on the complaint page."""
    return STEP_FORMS[name](data, auto_id=f"{name}-%s", **options)
