"""The public pages' forms: the complaint form and the status page's message form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common import limits
from complaints.intake import WHAT_HAPPENED_MAX, WISH_MAX


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way); an empty list when none."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class HoneypotMixin(forms.Form):
    # Hidden from people by the stylesheet (not by type=hidden, which robots skip); a robot
    # that fills in every field fills this one too.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website"), "").strip())


class PublicComplaintForm(HoneypotMixin):
    name = forms.CharField(
        label=_("Your name"),
        max_length=limits.NAME,
        error_messages=_required(_("Tell us your name.")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=limits.EMAIL,
        help_text=_("We send the confirmation and your personal status link here."),
        error_messages={
            "required": _("Tell us your email address, so we can answer you."),
            "invalid": _("This does not look like an email address, e.g. name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Your phone number (optional)"),
        max_length=limits.PHONE,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    what_happened = forms.CharField(
        label=_("What happened?"),
        max_length=WHAT_HAPPENED_MAX,
        error_messages=_required(_("Tell us what happened.")),
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    wish = forms.CharField(
        label=_("What would you like us to do? (optional)"),
        max_length=WISH_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = MultipleFileField(
        label=_("Files, e.g. a photo or a receipt (optional)"),
        required=False,
    )
    field_order = ["name", "email", "phone", "what_happened", "wish", "attachments", "website"]


class StatusMessageForm(HoneypotMixin):
    summary = forms.CharField(
        label=_("Your message"),
        max_length=limits.TEXT,
        required=False,  # a file alone is a message too
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(
        label=_("Files, e.g. a photo or a receipt (optional)"),
        required=False,
    )
    field_order = ["summary", "attachments", "website"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("summary") or "").strip() and not data.get("attachments"):
            self.add_error("summary", _("Write your message, or choose a file to send."))
        return data
