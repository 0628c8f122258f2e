"""A customer's personal data: who looked at it, a copy for the customer, and erasure on request.

Every view of a complaint or a customer's details (web page or API) is recorded in
``DataAccess``, as are the searches that showed a customer (with the term), the changes of
their details (which fields; the old and new values are in each complaint's audit trail),
exports and erasures. A search shows only enough to pick a customer: ``mask_email`` and
``mask_phone``. An export is everything the system holds about one customer, as JSON
(attachments with their content in base64). Erasure deletes the attachments (rows, and the
stored files once it commits) and replaces the customer's details and every free text written
about them (facts, notes, letters, emails, the texts in audit events and notifications) with
"—", while what the reports count stays as it was: channel, category, root cause, stages and
dates, emotions, outcomes, amounts, NPS. Only Quality and administrators may export or erase.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ActionForbidden, ErrorCollector, TransitionNotAllowed
from complaints import append_only, attachments, events, status_links
from complaints.models import (
    AccessKind,
    ApologyStep,
    CallbackPromise,
    Complaint,
    ComplaintEvent,
    CoulanceLetter,
    CoulanceRequest,
    CoulanceStatus,
    Customer,
    DataAccess,
    EmailState,
    FollowUp,
    FollowUpState,
    Interaction,
    JobState,
    LetterStatus,
    Notification,
    OutgoingEmail,
    OwnershipTransfer,
    PromiseState,
    ScheduledJob,
    SolutionStep,
    SurveyInvitation,
    UnderstandingStep,
)
from complaints.states import Stage

ERASED = "—"
# Keys of audit-event and notification payloads that hold codes, amounts, moments or staff
# names, never what a customer said or who they are; every other text is erased.
_KEPT_KEYS = {
    "amount",
    "amount_eur",
    "approval_limit",
    "balance",
    "cause",
    "channel",
    "content_hash",
    "currency",
    "deadline",
    "due_at",
    "emotion",
    "from_user",
    "intensity",
    "kind",
    "liability",
    "moment",
    "outcome",
    "owner",
    "priority",
    "promised_at",
    "reference",
    "request_domain",
    "root_cause",
    "state",
    "status",
    "step",
    "to_user",
    "user",
    "version",
    "waiting_for",
    "why",
    "wishes",
}


def check_may_handle_personal_data(actor: User) -> None:
    if not actor.has_perm("complaints.handle_personal_data"):
        raise ActionForbidden(
            _("Only Quality and administrators may export or erase a customer's personal data.")
        )


def email_changed_key_prefix(customer_id: int) -> str:
    """How the keys of the emails confirming a changed address of the customer begin."""
    return f"customer_email_changed:{customer_id}:"


# --- Who looked ----------------------------------------------------------------------------------


def access_record(
    *,
    actor: User,
    kind: str,
    via: str,
    customer_id: int,
    complaint_id: int | None = None,
    detail: str = "",
    now: datetime | None = None,
) -> DataAccess:
    """Note that ``actor`` saw or handled a customer's data."""
    access = DataAccess(
        kind=kind,
        via=via,
        user_id=actor.pk,
        customer_id=customer_id,
        complaint_id=complaint_id,
        detail=detail,
        at=now or timezone.now(),
    )
    DataAccess.objects.bulk_create([access])
    return access


def searches_record(
    *, actor: User, via: str, term: str, customer_ids: list[int], now: datetime | None = None
) -> None:
    """Note that ``actor`` found these customers by searching for ``term``: one row each, so
    that each customer's privacy page shows who found them, and with what."""
    at = now or timezone.now()
    DataAccess.objects.bulk_create(
        [
            DataAccess(
                kind=AccessKind.CUSTOMER_SEARCHED,
                via=via,
                user_id=actor.pk,
                customer_id=pk,
                detail=term,
                at=at,
            )
            for pk in customer_ids
        ]
    )


# --- Enough to pick a customer, not to reach them --------------------------------------------


def customer_field_label(name: str) -> str:
    """The name of a customer's field as a reader sees it ("email", "e-mail" in Dutch)."""
    try:
        field = Customer._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def mask_email(email: str) -> str:
    """``jan.jansen@example.com`` as ``j…@example.com``: the first letter and the domain."""
    local, at, domain = (email or "").strip().rpartition("@")
    if not at or not local:
        return "…" if email else ""
    return f"{local[0]}…@{domain}"


def mask_phone(phone: str) -> str:
    """``06 12345678`` as ``06 …… 78``: the first two digits and the last two."""
    text = (phone or "").strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return ""
    if len(digits) < 6:
        return "……"
    plus = "+" if text.startswith("+") else ""
    return f"{plus}{digits[:2]} …… {digits[-2:]}"


# --- A copy for the customer ---------------------------------------------------------------------


def _texts(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The fields' values, amounts as exact decimal text ("25.00"), never as floats."""
    values = {name: getattr(obj, name) for name in fields}
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _complaint_export(complaint: Complaint) -> dict[str, Any]:
    steps = {}
    for name, fields in (
        (
            "understanding",
            [
                "emotion",
                "intensity",
                "acknowledgement",
                "acknowledgement_for_customer",
                "recorded_at",
            ],
        ),
        ("apology", ["apology", "apology_for_customer", "apologised_at", "recorded_at"]),
        (
            "solution",
            [
                "facts_summary",
                "next_steps",
                "next_steps_for_customer",
                "promised_at",
                "wishes",
                "recorded_at",
            ],
        ),
    ):
        step = getattr(complaint, name, None)
        steps[name] = _texts(step, fields) if step is not None else None
    return {
        **_texts(
            complaint,
            [
                "reference",
                "channel",
                "received_at",
                "subject",
                "facts",
                "category",
                "stage",
                "emotion_at_intake",
                "emotion_at_resolution",
                "outcome",
                "alternatives_offered",
                "resolution_summary",
                "customer_contribution",
                "resolved_at",
                "closed_at",
            ],
        ),
        "owner": str(complaint.owner),
        **steps,
        "contacts": [
            _texts(i, ["kind", "direction", "summary", "occurred_at"])
            for i in complaint.interactions.order_by("occurred_at", "id")
        ],
        "promises": [
            _texts(p, ["due_at", "channel", "purpose", "state", "note"])
            for p in complaint.promises.order_by("due_at", "id")
        ],
        "follow_ups": [
            _texts(f, ["due_at", "state", "satisfied", "nps", "emotion_now", "note"])
            for f in complaint.follow_ups.order_by("due_at", "id")
        ],
        "goodwill_gestures": [
            {
                **_texts(
                    r,
                    [
                        "kind",
                        "description",
                        "customer_contribution",
                        "amount",
                        "currency",
                        "status",
                        "decided_at",
                    ],
                ),
                "letters": [
                    _texts(letter, ["version", "language", "subject", "body", "sent_at"])
                    for letter in r.letters.filter(status=LetterStatus.SENT).order_by("version")
                ],
            }
            for r in complaint.coulance_requests.order_by("requested_at", "id")
        ],
        "emails": [
            _texts(e, ["to", "subject", "body_text", "sent_at"])
            for e in complaint.emails.filter(state=EmailState.SENT).order_by("created_at", "id")
        ],
        "attachments": attachments.attachments_export(complaint=complaint),
    }


def customer_export(
    *, customer: Customer, actor: User, via: str, now: datetime | None = None
) -> dict[str, Any]:
    """Everything held about ``customer``: their details and each complaint's record, the
    contacts, promises, follow-ups, goodwill gestures with the letters sent, and the emails."""
    check_may_handle_personal_data(actor)
    now = now or timezone.now()
    complaints = (
        Complaint.objects.filter(customer=customer)
        .select_related("owner", "understanding", "apology", "solution")
        .order_by("received_at", "id")
    )
    data = {
        "exported_at": now,
        "customer": _texts(
            customer,
            ["name", "email", "phone", "customer_number", "language", "created_at", "erased_at"],
        ),
        "complaints": [_complaint_export(c) for c in complaints],
    }
    access_record(actor=actor, kind=AccessKind.EXPORTED, via=via, customer_id=customer.pk, now=now)
    return data


# --- Erasure -----------------------------------------------------------------------------------


def scrub(value: Any, key: str = "") -> Any:
    """``value`` with every text erased but those under the kept keys (codes, moments, staff)."""
    if isinstance(value, dict):
        return {k: scrub(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(item, key) for item in value]
    if isinstance(value, str) and value and key not in _KEPT_KEYS and not key.endswith("_at"):
        return ERASED
    return value


def _erase_texts(rows: Any, fields: list[str]) -> None:
    """Each of ``fields`` set to "—" where it holds any text (an empty one stays empty)."""
    for name in fields:
        rows.exclude(**{name: ""}).update(**{name: ERASED})


def check_may_erase(customer: Customer, actor: User) -> None:
    """403 unless Quality or admin; 409 while a complaint or goodwill gesture is under way."""
    check_may_handle_personal_data(actor)
    if customer.erased_at is not None:
        raise TransitionNotAllowed(_("This customer's personal data has already been erased."))
    open_stages = [Stage.RECEIVED, Stage.UNDERSTOOD, Stage.APOLOGISED, Stage.SOLVING]
    if Complaint.objects.filter(customer=customer, stage__in=open_stages).exists():
        raise TransitionNotAllowed(
            _(
                "A complaint of this customer is still being handled: resolve it first, then "
                "erase the personal data."
            )
        )
    if (
        CoulanceRequest.objects.filter(
            complaint__customer=customer, status=CoulanceStatus.PENDING
        ).exists()
        or CoulanceLetter.objects.filter(
            request__complaint__customer=customer,
            status__in=[LetterStatus.QUEUED, LetterStatus.SENDING],
        ).exists()
    ):
        raise TransitionNotAllowed(
            _(
                "A goodwill gesture for this customer is still waiting for a decision or being "
                "sent: let it finish first."
            )
        )


def customer_erase(
    *, customer: Customer, actor: User, reason: str, via: str, now: datetime | None = None
) -> Customer:
    """Erase ``customer``'s personal data on their request; the figures stay as they were.

    Scheduled promises and follow-ups end (nobody can be contacted any more), emails not yet
    sent and survey and status links are cancelled, due work is skipped. Each complaint gets an audit
    event saying who erased and why; the erasure itself is recorded like an access.
    """
    now = now or timezone.now()
    errors = ErrorCollector()
    errors.require("reason", reason)
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        check_may_erase(locked, actor)
        errors.raise_if_any()
        # The complaints first, in id order, as every other writer locks them (see locks).
        complaint_ids = list(
            Complaint.objects.select_for_update()
            .filter(customer=locked)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        of_them: dict[str, Any] = {"complaint_id__in": complaint_ids}

        locked.name, locked.email, locked.phone, locked.customer_number = ERASED, "", "", ""
        locked.erased_at = now
        locked.save(update_fields=["name", "email", "phone", "customer_number", "erased_at"])

        complaints = Complaint.objects.filter(pk__in=complaint_ids)
        _erase_texts(
            complaints,
            [
                "subject",
                "facts",
                "alternatives_offered",
                "resolution_summary",
                "customer_contribution",
            ],
        )
        _erase_texts(
            UnderstandingStep.objects.filter(**of_them),
            ["acknowledgement", "acknowledgement_for_customer"],
        )
        _erase_texts(ApologyStep.objects.filter(**of_them), ["apology", "apology_for_customer"])
        _erase_texts(
            SolutionStep.objects.filter(**of_them),
            ["facts_summary", "next_steps", "next_steps_for_customer"],
        )
        _erase_texts(Interaction.objects.filter(**of_them), ["summary"])
        attachments.attachments_erase(complaint_ids=complaint_ids)  # the files after commit
        _erase_texts(OwnershipTransfer.objects.filter(**of_them), ["reason"])

        promises = CallbackPromise.objects.filter(**of_them)
        promises.filter(state=PromiseState.SCHEDULED).update(
            state=PromiseState.CANCELLED, ended_at=now, cancel_reason=ERASED
        )
        _erase_texts(promises, ["purpose", "note", "cancel_reason"])
        follow_ups = FollowUp.objects.filter(**of_them)
        follow_ups.filter(state=FollowUpState.SCHEDULED).update(
            state=FollowUpState.WAIVED, ended_at=now, waive_reason=ERASED
        )
        _erase_texts(follow_ups, ["note", "waive_reason"])
        SurveyInvitation.objects.filter(
            follow_up__complaint_id__in=complaint_ids, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        # The personal status pages die with the data they showed.
        status_links.status_link_revoke(complaint_ids=complaint_ids, now=now)
        ScheduledJob.objects.filter(**of_them, state=JobState.PENDING).update(
            state=JobState.SKIPPED, done_at=now
        )

        requests = CoulanceRequest.objects.filter(**of_them)
        _erase_texts(
            requests,
            ["description", "customer_contribution", "reason", "assessment", "decision_comment"],
        )
        letters = CoulanceLetter.objects.filter(request__complaint_id__in=complaint_ids)
        _erase_texts(letters, ["subject", "body"])
        letters.update(pdf=None, recipient="")  # the content hash stays: proof of what was sent

        # The confirmations of a changed email address: also those sent before any complaint.
        emails = OutgoingEmail.objects.filter(
            Q(**of_them) | Q(key__startswith=email_changed_key_prefix(locked.pk))
        )
        emails.filter(state__in=[EmailState.PENDING, EmailState.SENDING]).update(
            state=EmailState.CANCELLED
        )
        emails.update(to="", subject=ERASED, body_text=ERASED, body_html="")

        _scrub_payloads(Notification.objects.filter(**of_them))
        _erase_from_audit_trail(
            complaints=complaints,
            customer_id=locked.pk,
            actor=actor,
            reason=reason.strip(),
            via=via,
            now=now,
        )
    return locked


def _scrub_payloads(rows: Any) -> None:
    for row in rows.only("pk", "payload"):
        cleaned = scrub(row.payload)
        if cleaned != row.payload:
            rows.model._default_manager.filter(pk=row.pk).update(payload=cleaned)


def _erase_from_audit_trail(
    *,
    complaints: Any,
    customer_id: int,
    actor: User,
    reason: str,
    via: str,
    now: datetime,
) -> None:
    """The one change the database lets through on the audit trail (``append_only``): the
    personal data in the complaints' events and the search terms that found the customer are
    scrubbed, and the erasure leaves its record, an
    event on each complaint and a data-access row, written after the trail is locked again."""
    with append_only.unlocked():
        _scrub_payloads(ComplaintEvent.objects.filter(complaint__in=complaints))
        # What was typed to find them (their name, their address) is about them too.
        _erase_texts(
            DataAccess.objects.filter(customer_id=customer_id, kind=AccessKind.CUSTOMER_SEARCHED),
            ["detail"],
        )
    for complaint in complaints.order_by("pk"):
        events.personal_data_erased_event(complaint=complaint, actor=actor, at=now, reason=reason)
    access_record(actor=actor, kind=AccessKind.ERASED, via=via, customer_id=customer_id, now=now)
