"""The checks on a resolution, apart from the workflow that records it: every problem at once
(400 with field messages), in the form's order, writing nothing.

A (partial) no must say no with an alternative; the root cause must be a current cause, not a
group; and the liability may not contradict a coulance letter the customer has already read.
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from common.errors import ErrorCollector
from complaints.choices import Balance, Emotion, Liability, Outcome, RequestDomain
from complaints.coulance import selectors as coulance_selectors
from complaints.models import Complaint, RootCause

SAYING_NO = frozenset({Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD})


def check_resolution(
    complaint: Complaint,
    *,
    outcome: str,
    resolution_summary: str,
    root_cause: RootCause | None,
    emotion_at_resolution: str,
    liability: str,
    request_domain: str,
    balance: str,
    alternatives_offered: str,
) -> None:
    """Every problem with a resolution at once (400 with field messages), in the form's order."""
    errors = ErrorCollector()
    for field, value, choices in (
        ("outcome", outcome, Outcome.values),
        ("emotion_at_resolution", emotion_at_resolution, Emotion.values),
        ("liability", liability, Liability.values),
    ):
        errors.require(field, value)
        _check_choice(errors, field, value, choices)
    errors.require("resolution_summary", resolution_summary)
    _check_root_cause(errors, root_cause)
    if outcome in SAYING_NO:
        _check_saying_no(
            errors,
            request_domain=request_domain,
            balance=balance,
            alternatives_offered=alternatives_offered,
        )
    _check_choice(errors, "request_domain", request_domain, RequestDomain.values)
    _check_choice(errors, "balance", balance, Balance.values)
    if liability == Liability.LIABLE and not errors.errors.get("liability"):
        _check_letters_allow_liable(errors, complaint)
    errors.raise_if_any()


def _check_letters_allow_liable(errors: ErrorCollector, complaint: Complaint) -> None:
    """A coulance letter told the customer the company is not liable: resolving as liable
    would contradict it, until a corrected letter (a new version) has gone out."""
    letter = coulance_selectors.coulance_letter_saying_not_liable(complaint=complaint)
    if letter is None:
        return
    errors.add(
        "liability",
        _(
            "Version %(version)s of the coulance letter, sent on %(date)s, told the customer "
            "that the company is not liable. Send a corrected letter (a new version) first, "
            "or resolve as not liable."
        )
        % {
            "version": letter.version,
            "date": formats.date_format(timezone.localtime(letter.frozen_at), "DATE_FORMAT"),
        },
    )


def _check_choice(errors: ErrorCollector, field: str, value: str, choices: list[str]) -> None:
    if value and value not in choices:
        errors.add(field, _("“%(value)s” is not a valid choice.") % {"value": value})


def _check_root_cause(errors: ErrorCollector, root_cause: RootCause | None) -> None:
    if root_cause is None:
        errors.add("root_cause", _("Every resolved complaint needs a root cause."))
    elif root_cause.is_group:
        errors.add("root_cause", _("Choose a cause within the group, not the group itself."))
    elif not root_cause.active:
        errors.add("root_cause", _("This root cause is retired; choose a current one."))


def _check_saying_no(
    errors: ErrorCollector, *, request_domain: str, balance: str, alternatives_offered: str
) -> None:
    """A (partial) no needs the request's domain, the balance and the alternatives offered."""
    errors.require("request_domain", request_domain)
    errors.require("balance", balance)
    if not (alternatives_offered or "").strip():
        errors.add(
            "alternatives_offered",
            _("When the answer is (partly) no, record the alternatives offered."),
        )
