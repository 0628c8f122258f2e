"""Forms of the coulance pages: the request, the manager's decision and the letter's review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common import limits
from complaints.choices import Balance, Liability, RequestDomain
from complaints.models import CoulanceKind
from complaints.web.forms import _BLANK, WebForm, _textarea


class CoulanceRequestForm(WebForm):
    kind = forms.ChoiceField(label=_("What is given"), choices=_BLANK + CoulanceKind.choices)
    description = forms.CharField(
        max_length=limits.GESTURE_DESCRIPTION,
        label=_("Description"),
        required=False,
        help_text=_("Make the gesture concrete: “a € 25 voucher for the next order”."),
    )
    amount = forms.DecimalField(
        label=_("Value"),
        localize=True,
        max_digits=12,
        decimal_places=2,
        help_text=_("What it costs the company, also for a gift or a free service."),
    )
    currency = forms.CharField(max_length=limits.CURRENCY, label=_("Currency"), initial="EUR")
    reason = forms.CharField(
        max_length=limits.NOTE, label=_("Why this gesture"), widget=_textarea(2)
    )
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
    liability = forms.ChoiceField(
        label=_("Liability"),
        choices=_BLANK + Liability.choices,
        initial=Liability.NOT_LIABLE,
        help_text=_(
            "Coulance is a gesture where the company is not liable. Where it is liable, what "
            "the customer gets is compensation, not coulance."
        ),
    )
    request_domain = forms.ChoiceField(
        label=_("Domain of the request"), choices=RequestDomain.choices, widget=forms.RadioSelect
    )
    assessment = forms.CharField(
        max_length=limits.TEXT,
        label=_("Assessment"),
        widget=_textarea(2),
        help_text=_(
            "Past: is the request reasonable and fair? Future: what is the risk for the "
            "company? Present: what do you decide now, and why?"
        ),
    )
    balance = forms.ChoiceField(
        label=_("Balance"), choices=Balance.choices, widget=forms.RadioSelect
    )


class DecisionForm(WebForm):
    comment = forms.CharField(
        max_length=limits.NOTE,
        label=_("Comment"),
        required=False,
        widget=_textarea(2),
        help_text=_("Required when you reject: say why, so the agent can tell the customer."),
    )


class LetterForm(WebForm):
    subject = forms.CharField(max_length=limits.SUBJECT, label=_("Subject"))
    body = forms.CharField(
        max_length=limits.LETTER, label=_("Text"), widget=_textarea(16), strip=False
    )
