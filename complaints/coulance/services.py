"""Writes on coulance: request, four-eyes decision, the letter's draft, edit, freeze and sending.

Every write refuses in one order: permission (403), then state (409), then data (400), and
writes nothing when it refuses. Each takes the row lock of what it changes, writes the record
and the complaint's audit event in one transaction, and queues side effects on commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints import events, policies
from complaints.choices import Balance, Liability, RequestDomain
from complaints.coulance import currencies, letters
from complaints.errors import (
    ActionForbidden,
    ApprovalLimitExceeded,
    ErrorCollector,
    SelfApprovalForbidden,
    TransitionNotAllowed,
)
from complaints.models import (
    Complaint,
    CoulanceKind,
    CoulanceLetter,
    CoulanceRequest,
    CoulanceStatus,
    LetterStatus,
)
from complaints.states import Stage

# Amounts are stored with 12 digits, two of them after the decimal point.
_MAX_AMOUNT = Decimal("9999999999.99")
_CENT = Decimal("0.01")
# A guard against a loop in ``reports_to`` (A reports to B, B to A).
_MAX_CHAIN = 20

_ASSESSMENT_REQUIRED = {
    RequestDomain.PAST: _("The request is about the past: say whether it is reasonable and fair."),
    RequestDomain.FUTURE: _("The request is about the future: describe the risk for the company."),
    RequestDomain.PRESENT: _("Say what you decide now and why."),
}


def _money(amount: Decimal, code: str) -> str:
    """An amount written for the person reading the message (their active language)."""
    language = "en" if (translation.get_language() or "").startswith("en") else "nl"
    return currencies.format_amount(amount, code, language)


# --- Who decides -------------------------------------------------------------------------------


def approval_chain(owner: User) -> list[User]:
    """The managers who may decide on coulance for ``owner``'s complaints, nearest first.

    The manager of the owner's team (or, without one, the person the owner reports to), then
    each manager above through ``reports_to``. The owner is never in their own chain.
    """
    team = owner.team
    person = team.manager if team is not None and team.manager_id else owner.reports_to
    if person is not None and person.pk == owner.pk:
        person = owner.reports_to
    chain: list[User] = []
    seen = {owner.pk}
    while person is not None and person.pk not in seen and len(chain) < _MAX_CHAIN:
        chain.append(person)
        seen.add(person.pk)
        person = person.reports_to
    return chain


def _may_decide_at_all(user: User) -> bool:
    return user.is_active and user.has_perm("complaints.supervise_complaint")


@dataclass
class Route:
    """Where a request waits: the first manager up the chain who may approve the amount."""

    waiting_for: User | None
    passed: list[dict[str, Any]] = field(default_factory=list)
    pending_reason: str = ""


def approval_route(*, owner: User, requester: User, amount_eur: Decimal) -> Route:
    """Walk the chain: skip the requester, people who cannot approve, and limits too low."""
    passed: list[dict[str, Any]] = []
    for person in approval_chain(owner):
        if person.pk == requester.pk:
            why = "requester"
        elif not _may_decide_at_all(person):
            why = "not_a_manager"
        elif person.approval_limit < amount_eur:
            why = "limit"
        else:
            return Route(waiting_for=person, passed=passed)
        passed.append(
            {
                "user_id": person.pk,
                "user": str(person),
                "why": why,
                "approval_limit": str(person.approval_limit),
            }
        )
    return Route(waiting_for=None, passed=passed, pending_reason=_unroutable_reason(passed))


def _unroutable_reason(passed: list[dict[str, Any]]) -> str:
    limits = [Decimal(p["approval_limit"]) for p in passed if p["why"] == "limit"]
    if limits:
        return str(
            _(
                "Nobody can approve this yet: the amount is above the approval limit of every "
                "manager in the chain (the highest is %(limit)s). An administrator can raise a "
                "limit or set who the top manager reports to."
            )
            % {"limit": _money(max(limits), "EUR")}
        )
    if passed:
        return str(
            _(
                "Nobody can approve this yet: there is no manager in the chain other than the "
                "person who asked for it."
            )
        )
    return str(
        _(
            "Nobody can approve this yet: the owner of the complaint has no manager. An "
            "administrator can give the team a manager."
        )
    )


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
    if not _may_decide_at_all(actor):
        raise ActionForbidden(_("Only a manager can approve or reject a goodwill gesture."))
    complaint = request.complaint
    if not actor.has_perm("complaints.view_all_complaints") and actor not in approval_chain(
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
                "amount": _money(request.amount, request.currency),
                "limit": _money(actor.approval_limit, "EUR"),
            }
        )
    if request.status == CoulanceStatus.APPROVED:
        raise TransitionNotAllowed(_("This request has already been approved."))
    if request.status == CoulanceStatus.REJECTED:
        raise TransitionNotAllowed(_("This request has already been rejected."))


def check_may_handle_letter(letter: CoulanceLetter, actor: User) -> None:
    """403 unless ``actor`` works the complaint the letter is about."""
    policies.ensure_can_work(actor, letter.request.complaint)


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
    if not currencies.is_known(currency):
        errors.add(
            "currency",
            _("“%(code)s” is not an ISO 4217 currency code, such as EUR.") % {"code": currency},
        )
    elif parsed is not None:
        amount_eur = currencies.to_eur(parsed, currency)
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
        assert parsed is not None and amount_eur is not None
        owner = User.objects.select_related("team__manager").get(pk=locked.owner_id)
        route = approval_route(owner=owner, requester=actor, amount_eur=amount_eur)
        request = CoulanceRequest.objects.create(
            complaint=locked,
            kind=kind,
            description=description,
            amount=parsed,
            currency=currency,
            amount_eur=amount_eur,
            reason=reason.strip(),
            liability=liability,
            request_domain=request_domain,
            assessment=assessment.strip(),
            balance=balance,
            requested_by=actor,
            requested_at=now,
            waiting_for=route.waiting_for,
            pending_reason=route.pending_reason,
        )
        events.coulance_requested_event(request=request, actor=actor, at=now)
        if route.passed:
            events.coulance_escalated_event(
                request=request, actor=actor, at=now, passed=route.passed
            )
    return request


# --- Decision ----------------------------------------------------------------------------------


def _lock_request(request: CoulanceRequest) -> CoulanceRequest:
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
        locked = _lock_request(coulance_request)
        check_may_decide(locked, actor, approve=True)
        _decide(locked, actor=actor, status=CoulanceStatus.APPROVED, comment=comment, now=now)
        events.coulance_approved_event(request=locked, actor=actor, at=now)
        _draft_letter(locked, actor=actor, version=1, now=now)
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
        locked = _lock_request(coulance_request)
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
    locked.pending_reason = ""
    locked.save(
        update_fields=["status", "decided_by", "decided_at", "decision_comment", "pending_reason"]
    )


# --- Letter ------------------------------------------------------------------------------------


def _draft_letter(
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


def check_request_has_letters(request: CoulanceRequest) -> None:
    """409 while the request waits for approval or when it was rejected: no letter then."""
    if request.status == CoulanceStatus.PENDING:
        raise TransitionNotAllowed(
            _("This request is still waiting for approval: a letter follows once it is approved.")
        )
    if request.status == CoulanceStatus.REJECTED:
        raise TransitionNotAllowed(_("This request was rejected: there is no letter to send."))


def coulance_letter_new_version(
    *,
    coulance_request: CoulanceRequest,
    actor: User,
    regenerate: bool = False,
    now: datetime | None = None,
) -> CoulanceLetter:
    """A correction after sending: a new draft version, starting from the last letter's text
    (or, with ``regenerate``, from the complaint's record as it is now)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_request(coulance_request)
        policies.ensure_can_work(actor, locked.complaint)
        check_request_has_letters(locked)
        latest = locked.letters.order_by("-version").first()
        if latest is not None and latest.status == LetterStatus.DRAFT:
            raise TransitionNotAllowed(
                _("Version %(version)s is still a draft: edit that one.")
                % {"version": latest.version}
            )
        if latest is not None and latest.status in (LetterStatus.QUEUED, LetterStatus.SENDING):
            raise TransitionNotAllowed(
                _("Version %(version)s is being sent; make a correction once it has gone.")
                % {"version": latest.version}
            )
        return _draft_letter(
            locked,
            actor=actor,
            version=(latest.version + 1) if latest else 1,
            now=now,
            copy_from=None if regenerate else latest,
        )


def _lock_letter(letter: CoulanceLetter) -> CoulanceLetter:
    return CoulanceLetter.objects.select_for_update().get(pk=letter.pk)


def check_letter_is_draft(letter: CoulanceLetter) -> None:
    """409 unless the letter is still a draft (frozen and sent letters never change)."""
    if letter.status == LetterStatus.SENT:
        raise TransitionNotAllowed(
            _("This letter has been sent and cannot change; make a new version for a correction.")
        )
    if letter.status != LetterStatus.DRAFT:
        raise TransitionNotAllowed(
            _("This letter is frozen for sending and cannot change any more.")
        )


def coulance_letter_update(
    *,
    letter: CoulanceLetter,
    actor: User,
    subject: str | None = None,
    body: str | None = None,
    now: datetime | None = None,
) -> CoulanceLetter:
    """The agent's review: correct the draft's subject or text before it is sent."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_letter(letter)
        check_may_handle_letter(locked, actor)
        check_letter_is_draft(locked)
        errors = ErrorCollector()
        if subject is not None:
            errors.require("subject", subject)
            if len(subject.strip()) > 200:
                errors.add("subject", _("Keep the subject under 200 characters."))
        if body is not None:
            errors.require("body", body)
        errors.raise_if_any()
        changed: list[str] = []
        if subject is not None and subject.strip() != locked.subject:
            locked.subject, changed = subject.strip(), [*changed, "subject"]
        if body is not None and body != locked.body:
            locked.body, changed = body, [*changed, "body"]
        if not changed:
            return locked
        locked.edited_by, locked.edited_at = actor, now
        locked.save(update_fields=[*changed, "edited_by", "edited_at"])
        events.coulance_letter_edited_event(letter=locked, actor=actor, at=now, fields=changed)
    return locked


def coulance_letter_send(
    *, letter: CoulanceLetter, actor: User, now: datetime | None = None
) -> CoulanceLetter:
    """Freeze the draft (text, PDF, SHA-256) and queue it for email once this commits.

    A letter whose sending failed is queued again as it was frozen, never re-rendered.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_letter(letter)
        check_may_handle_letter(locked, actor)
        if locked.status == LetterStatus.SENT:
            raise TransitionNotAllowed(
                _("This letter has already been sent; make a new version for a correction.")
            )
        if locked.status in (LetterStatus.QUEUED, LetterStatus.SENDING):
            raise TransitionNotAllowed(_("This letter is already being sent."))
        customer = locked.request.complaint.customer
        if not customer.email:
            errors = ErrorCollector()
            errors.add(
                "recipient",
                _(
                    "The customer has no email address: add one to the customer, or download "
                    "the PDF and send it by post."
                ),
            )
            errors.raise_if_any()
        again = locked.status == LetterStatus.FAILED
        if not again:
            pdf = letters.render_pdf(locked, dated=now)
            locked.pdf = pdf
            locked.content_hash = hashlib.sha256(pdf).hexdigest()
            locked.frozen_by, locked.frozen_at = actor, now
        locked.recipient = customer.email
        locked.status = LetterStatus.QUEUED
        locked.last_error = ""
        locked.save()
        events.coulance_letter_frozen_event(letter=locked, actor=actor, at=now)
        letter_id = locked.pk
        # Only a committed, frozen letter may reach the worker: a rollback sends nothing.
        transaction.on_commit(lambda: _enqueue_delivery(letter_id))
    return locked


def _enqueue_delivery(letter_id: int) -> None:
    from complaints.tasks import send_coulance_letter

    send_coulance_letter.delay(letter_id)


def letter_email(letter: CoulanceLetter) -> EmailMessage:
    """The email that carries a frozen letter: its text as the body, its PDF attached."""
    message = EmailMessage(
        subject=letter.subject,
        body=letter.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.recipient],
    )
    reference = letter.request.complaint.reference
    message.attach(
        f"{reference}-v{letter.version}.pdf", bytes(letter.pdf or b""), "application/pdf"
    )
    return message


def coulance_letter_deliver(*, letter_id: int, now: datetime | None = None) -> bool:
    """Email a queued letter, at most once; True when this call sent it.

    Three short steps: claim (queued → sending, committed), send, record (sending → sent).
    A second run of the task, or a duplicate message, finds the letter no longer queued and
    sends nothing. A transport error puts the claim back (sending → queued) so the retry can
    send. If the process dies after the mail server took the message but before "sent" is
    committed, the letter stays "sending" and is not sent again: at most once, because a
    customer getting a goodwill letter twice is worse than a person checking one letter that
    is shown as still being sent.
    """
    with transaction.atomic():
        letter = CoulanceLetter.objects.select_for_update().filter(pk=letter_id).first()
        # Gone, or another run has claimed or sent it already.
        if letter is None or letter.status != LetterStatus.QUEUED:
            return False
        letter.status = LetterStatus.SENDING
        letter.send_attempts += 1
        letter.save(update_fields=["status", "send_attempts"])

    try:
        letter_email(letter).send()
    except Exception as exc:
        with transaction.atomic():
            claimed = _lock_letter(letter)
            if claimed.status == LetterStatus.SENDING:
                claimed.status = LetterStatus.QUEUED
                claimed.last_error = _describe(exc)
                claimed.save(update_fields=["status", "last_error"])
        raise

    with transaction.atomic():
        sent = _lock_letter(letter)
        sent.status = LetterStatus.SENT
        sent.sent_at = now or timezone.now()
        sent.last_error = ""
        sent.save(update_fields=["status", "sent_at", "last_error"])
        events.coulance_letter_sent_event(letter=sent, at=sent.sent_at)
    return True


def coulance_letter_delivery_failed(
    *, letter_id: int, error: str, now: datetime | None = None
) -> bool:
    """Give up on a queued letter after the last retry; the agent may send it again."""
    now = now or timezone.now()
    with transaction.atomic():
        letter = CoulanceLetter.objects.select_for_update().filter(pk=letter_id).first()
        if letter is None or letter.status != LetterStatus.QUEUED:
            return False
        letter.status = LetterStatus.FAILED
        letter.last_error = error[:2000]
        letter.save(update_fields=["status", "last_error"])
        events.coulance_letter_failed_event(letter=letter, at=now, error=letter.last_error)
    return True


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
