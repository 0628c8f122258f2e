"""Writes on coulance: the request and the four-eyes decision, which drafts the first letter.

Who a request waits for is worked out in ``routing``; what happens to the letter after
approval (edits, versions, freezing and sending) is in ``letter_services``.

Every write refuses in one order: permission (403), then state (409), then data (400), and
writes nothing when it refuses. Each takes the row lock of what it changes, writes the record
and the complaint's audit event in one transaction, and queues side effects on commit.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import (
    ActionForbidden,
    ApprovalLimitExceeded,
    ErrorCollector,
    SelfApprovalForbidden,
    TransitionNotAllowed,
)
from complaints import events, money, policies
from complaints.choices import Balance, Liability, RequestDomain
from complaints.coulance import letters, routing
from complaints.models import (
    Complaint,
    CoulanceKind,
    CoulanceLetter,
    CoulanceRequest,
    CoulanceStatus,
)
from complaints.states import Stage

# Amounts are stored with 12 digits, two of them after the decimal point.
_MAX_AMOUNT = Decimal("9999999999.99")
_CENT = Decimal("0.01")

_ASSESSMENT_REQUIRED = {
    RequestDomain.PAST: _("The request is about the past: say whether it is reasonable and fair."),
    RequestDomain.FUTURE: _("The request is about the future: describe the risk for the company."),
    RequestDomain.PRESENT: _("Say what you decide now and why."),
}


# --- Refusals that do not depend on the data ---------------------------------------------------


def check_may_request(complaint: Complaint, actor: User) -> None:
    """403 unless ``actor`` works the complaint; 409 when it is closed."""
    policies.ensure_can_work(actor, complaint)
    if complaint.stage == Stage.CLOSED:
        raise TransitionNotAllowed(
            _("A closed complaint cannot get a goodwill gesture; reopen it first.")
        )


def check_may_decide(request: CoulanceRequest, actor: User, *, approve: bool) -> None:
    """403 for the requester, non-managers, managers outside the chain and limits too low;
    then 409 when the request is already decided."""
    if actor.pk == request.requested_by_id:
        raise SelfApprovalForbidden()
    if not routing.may_decide_at_all(actor):
        raise ActionForbidden(_("Only a manager can approve or reject a goodwill gesture."))
    complaint = request.complaint
    if not actor.has_perm("complaints.view_all_complaints") and actor not in routing.approval_chain(
        complaint.owner
    ):
        raise ActionForbidden(
            _(
                "This request is not yours to decide: it goes to the manager of the complaint's "
                "owner and the managers above them."
            )
        )
    if approve and actor.approval_limit < request.amount_eur:
        raise ApprovalLimitExceeded(
            _(
                "%(amount)s is above your approval limit of %(limit)s; a manager above you "
                "must approve it."
            )
            % {
                "amount": money.format_for_reader(request.amount, request.currency),
                "limit": money.format_for_reader(actor.approval_limit, "EUR"),
            }
        )
    if request.status == CoulanceStatus.APPROVED:
        raise TransitionNotAllowed(_("This request has already been approved."))
    if request.status == CoulanceStatus.REJECTED:
        raise TransitionNotAllowed(_("This request has already been rejected."))


# --- Request -----------------------------------------------------------------------------------


def _parse_amount(errors: ErrorCollector, value: object) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.add("amount", _("This field is required."))
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        errors.add("amount", _("Give the amount as a number, for example 25.00."))
    elif amount <= 0:
        errors.add("amount", _("The amount must be more than zero."))
    elif amount != amount.quantize(_CENT):
        errors.add("amount", _("Give the amount with at most two decimals."))
    elif amount > _MAX_AMOUNT:
        errors.add("amount", _("This amount is too large."))
    else:
        return amount.quantize(_CENT)
    return None


def _check_liability(errors: ErrorCollector, liability: str, complaint: Complaint) -> None:
    if liability == Liability.LIABLE or complaint.liability == Liability.LIABLE:
        errors.add(
            "liability",
            _(
                "When the company is liable, what it gives is compensation, not coulance: "
                "settle it as compensation."
            ),
        )
    elif liability != Liability.NOT_LIABLE:
        errors.add(
            "liability",
            _(
                "Coulance is given only when the company is not liable: establish that first "
                "and choose “not liable”."
            ),
        )


def coulance_request_create(
    *,
    complaint: Complaint,
    actor: User,
    kind: str,
    amount: Decimal | str | int,
    reason: str,
    liability: str,
    request_domain: str,
    assessment: str,
    balance: str,
    currency: str = "EUR",
    description: str = "",
    customer_contribution: str = "",
    now: datetime | None = None,
) -> CoulanceRequest:
    """Propose a goodwill gesture; it goes to the owner's manager, or higher for larger amounts."""
    now = now or timezone.now()
    errors = ErrorCollector()
    errors.require("kind", kind)
    if kind and kind not in CoulanceKind.values:
        errors.add("kind", _("Choose one of the listed kinds."))
    description = (description or "").strip()
    if kind == CoulanceKind.OTHER and not description:
        errors.add("description", _("Say what is given when the kind is “other”."))
    parsed = _parse_amount(errors, amount)
    currency = (currency or "").strip().upper()
    amount_eur: Decimal | None = None
    if not money.is_known(currency):
        errors.add(
            "currency",
            _("“%(code)s” is not an ISO 4217 currency code, such as EUR.") % {"code": currency},
        )
    elif parsed is not None:
        amount_eur = money.to_eur(parsed, currency)
        if amount_eur is None:
            errors.add(
                "currency",
                _(
                    "Approval limits are in EUR and no exchange rate is set for %(code)s; "
                    "ask an administrator to add one, or give the amount in EUR."
                )
                % {"code": currency},
            )
    errors.require("reason", reason)
    errors.require("request_domain", request_domain)
    if request_domain and request_domain not in RequestDomain.values:
        errors.add("request_domain", _("Choose past, present or future."))
    elif request_domain and not (assessment or "").strip():
        errors.add("assessment", _ASSESSMENT_REQUIRED[RequestDomain(request_domain)])
    errors.require("balance", balance)
    if balance and balance not in Balance.values:
        errors.add("balance", _("Choose one of the listed balances."))

    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        check_may_request(locked, actor)
        _check_liability(errors, liability, locked)
        errors.raise_if_any()
        if parsed is None:
            raise ValueError("parsed is missing")
        if amount_eur is None:
            raise ValueError("amount_eur is missing")
        owner = User.objects.select_related("team__manager").get(pk=locked.owner_id)
        route = routing.approval_route(owner=owner, requester=actor, amount_eur=amount_eur)
        request = CoulanceRequest.objects.create(
            complaint=locked,
            kind=kind,
            description=description,
            amount=parsed,
            currency=currency,
            amount_eur=amount_eur,
            reason=reason.strip(),
            customer_contribution=(customer_contribution or "").strip(),
            liability=liability,
            request_domain=request_domain,
            assessment=assessment.strip(),
            balance=balance,
            requested_by=actor,
            requested_at=now,
            waiting_for=route.waiting_for,
            passed=route.passed,
        )
        events.coulance_requested_event(request=request, actor=actor, at=now)
        if route.passed:
            events.coulance_escalated_event(
                request=request, actor=actor, at=now, passed=route.passed
            )
    return request


# --- Decision ----------------------------------------------------------------------------------


def lock_request(request: CoulanceRequest) -> CoulanceRequest:
    # Two managers may decide at the same moment (or one twice): the row lock makes them take
    # turns, and the second sees the first one's decision on the fresh row and is refused.
    return CoulanceRequest.objects.select_for_update().get(pk=request.pk)


def coulance_request_approve(
    *,
    coulance_request: CoulanceRequest,
    actor: User,
    comment: str = "",
    now: datetime | None = None,
) -> CoulanceRequest:
    """Approve within the actor's limit and draft the letter (version 1) for the agent."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_request(coulance_request)
        check_may_decide(locked, actor, approve=True)
        _decide(locked, actor=actor, status=CoulanceStatus.APPROVED, comment=comment, now=now)
        events.coulance_approved_event(request=locked, actor=actor, at=now)
        draft_letter(locked, actor=actor, version=1, now=now)
    return locked


def coulance_request_reject(
    *,
    coulance_request: CoulanceRequest,
    actor: User,
    comment: str,
    now: datetime | None = None,
) -> CoulanceRequest:
    """Reject with a comment saying why (any manager in the chain may say no)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_request(coulance_request)
        check_may_decide(locked, actor, approve=False)
        errors = ErrorCollector()
        errors.require("comment", comment)
        errors.raise_if_any()
        _decide(locked, actor=actor, status=CoulanceStatus.REJECTED, comment=comment, now=now)
        events.coulance_rejected_event(request=locked, actor=actor, at=now)
    return locked


def _decide(
    locked: CoulanceRequest, *, actor: User, status: str, comment: str, now: datetime
) -> None:
    locked.status = status
    locked.decided_by = actor
    locked.decided_at = now
    locked.decision_comment = (comment or "").strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])


# --- The first letter ----------------------------------------------------------------------


def draft_letter(
    request: CoulanceRequest,
    *,
    actor: User,
    version: int,
    now: datetime,
    copy_from: CoulanceLetter | None = None,
) -> CoulanceLetter:
    if copy_from is not None:
        language, subject, body = copy_from.language, copy_from.subject, copy_from.body
    else:
        language, subject, body = letters.render_draft(request)
    letter = CoulanceLetter.objects.create(
        request=request,
        version=version,
        language=language,
        subject=subject[:200],
        body=body,
        created_by=actor,
        created_at=now,
    )
    events.coulance_letter_drafted_event(letter=letter, actor=actor, at=now)
    return letter
