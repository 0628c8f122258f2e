"""Writes on customers and complaints other than stage transitions (those are in workflow)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ActionForbidden, ErrorCollector, TransitionNotAllowed
from complaints import clock, deadlines, events, policies, privacy, selectors
from complaints.choices import Channel, Direction, Emotion, InteractionKind, Language, Priority
from complaints.coulance import routing
from complaints.models import (
    AccessKind,
    CallbackPromise,
    Complaint,
    Customer,
    FollowUp,
    FollowUpState,
    Interaction,
    OwnershipTransfer,
    PromiseState,
    ReferenceCounter,
)
from complaints.scheduling.outbox import email_build, email_queue


def _check_choice(errors: ErrorCollector, field: str, value: str, choices: list[str]) -> None:
    if value and value not in choices:
        errors.add(field, _("“%(value)s” is not a valid choice.") % {"value": value})


def _clean(
    instance: Customer | Complaint,
    errors: ErrorCollector,
    exclude: list[str],
    *,
    constraints: bool = False,
) -> None:
    """Run the model's own field validation and add its messages to ``errors``."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=constraints)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                errors.add(field, message)


# --- Refusals that do not depend on the data ---------------------------------------------------
# Each write refuses in one order: permission (403), then stage (409), then data (400). The API
# calls these before it even parses the data, and the services call them again under the lock.


def check_may_register_customers(actor: User) -> None:
    if not actor.has_perm("complaints.add_customer"):
        raise ActionForbidden(_("You are not allowed to register customers."))


def check_may_change_customers(actor: User) -> None:
    if not actor.has_perm("complaints.change_customer"):
        raise ActionForbidden(_("You are not allowed to change customers."))


def check_may_log_complaints(actor: User) -> None:
    if not actor.has_perm("complaints.add_complaint"):
        raise ActionForbidden(_("You are not allowed to log complaints."))


CHANGE_DETAILS, CHANGE_OWNER, ADD_INTERACTION = "details", "owner", "interaction"
_CLOSED_MESSAGES = {
    CHANGE_DETAILS: _("A resolved or closed complaint cannot be changed; reopen it first."),
    CHANGE_OWNER: _("A resolved or closed complaint cannot change owner; reopen it first."),
}


def check_may_change(complaint: Complaint, actor: User, *, change: str) -> None:
    """403 unless ``actor`` works this complaint; 409 when the change needs an open one."""
    policies.ensure_can_work(actor, complaint)
    if change in _CLOSED_MESSAGES and not complaint.is_open:
        raise TransitionNotAllowed(_CLOSED_MESSAGES[change])


# --- Customers ---------------------------------------------------------------------------------

_ERASED = _(
    "This customer's personal data was erased on their request: register the customer anew."
)


def customer_create(
    *,
    name: str,
    actor: User,
    email: str = "",
    phone: str = "",
    customer_number: str = "",
    language: str = Language.DUTCH,
) -> Customer:
    check_may_register_customers(actor)
    customer = Customer(
        name=(name or "").strip(),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        customer_number=(customer_number or "").strip(),
        language=language,
    )
    errors = ErrorCollector()
    _check_customer(customer, errors)
    errors.raise_if_any()
    customer.save()
    return customer


def _check_customer(customer: Customer, errors: ErrorCollector) -> None:
    errors.require("name", customer.name)
    if not (customer.email or customer.phone):
        errors.add("email", _("Give an email address or a phone number to reach the customer."))
    _clean(customer, errors, exclude=[], constraints=True)


# A changed address or number redirects letters, acknowledgements and survey links: say why.
_REACH_FIELDS = ("email", "phone")
CUSTOMER_FIELDS = ("name", "email", "phone", "customer_number", "language")


def customer_update(
    *,
    customer: Customer,
    actor: User,
    via: str,
    reason: str = "",
    now: datetime | None = None,
    **fields: Any,
) -> Customer:
    """Correct a customer's details, traceably.

    Only who sees a complaint of the customer may (404 otherwise, as for reading them). Each of
    their complaints gets an audit event with the old and new value of every field changed (and
    the reason, which a change of email address or phone number needs); the change is recorded
    as an access to their data; a changed email address is confirmed to the old address and the
    new one. The caller shows the record returned, so a correction that changes nothing is
    recorded as a view.
    """
    now = now or timezone.now()
    if not selectors.customer_visible(user=actor).filter(pk=customer.pk).exists():
        raise Http404
    check_may_change_customers(actor)
    if customer.erased_at is not None:
        raise TransitionNotAllowed(_ERASED)
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    errors = ErrorCollector()
    for field in sorted(unknown):
        errors.add(field, _("This field cannot be changed."))
    errors.raise_if_any()
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.erased_at is not None:  # erased while this request was on its way
            raise TransitionNotAllowed(_ERASED)
        changes: dict[str, list[Any]] = {}
        for field in CUSTOMER_FIELDS:  # in a fixed order: the audit event reads the same way
            if field not in fields:
                continue
            value = fields[field]
            value = (value or "").strip() if isinstance(value, str) else value
            old = getattr(locked, field)
            if old != value:
                changes[field] = [old, value]
                setattr(locked, field, value)
        _check_customer(locked, errors)
        if not reason and any(field in changes for field in _REACH_FIELDS):
            errors.add(
                "reason",
                _(
                    "Say why the email address or phone number changes (for example: the "
                    "customer asked for it on the phone)."
                ),
            )
        errors.raise_if_any()
        if not changes:
            privacy.access_record(
                actor=actor,
                kind=AccessKind.CUSTOMER_VIEWED,
                via=via,
                customer_id=locked.pk,
                now=now,
            )
            return locked
        locked.save(update_fields=list(changes))
        access = privacy.access_record(
            actor=actor,
            kind=AccessKind.CUSTOMER_CHANGED,
            via=via,
            customer_id=locked.pk,
            detail=",".join(changes),
            now=now,
        )
        complaint_ids = list(
            Complaint.objects.filter(customer=locked).order_by("pk").values_list("pk", flat=True)
        )
        events.customer_changed_events(
            complaint_ids=complaint_ids, actor=actor, at=now, changes=changes, reason=reason
        )
        if "email" in changes:
            _email_change_confirm(
                locked,
                old=changes["email"][0],
                access_id=access.pk,
                complaint_id=complaint_ids[-1] if complaint_ids else None,
                now=now,
            )
    return locked


def _email_change_confirm(
    customer: Customer, *, old: str, access_id: int, complaint_id: int | None, now: datetime
) -> None:
    """Tell the old address and the new one (in the customer's language) that letters go to
    the new one now: a change nobody asked for is then noticed by whoever it would silence."""
    context = {
        "customer_name": customer.name,
        "old_email": privacy.mask_email(old),
        "new_email": privacy.mask_email(customer.email),
        "changed_at": timezone.localtime(now),
        "company": settings.COMPANY_NAME,
    }
    prefix = f"{privacy.email_changed_key_prefix(customer.pk)}{access_id}:"
    emails = [
        email_build(
            key=f"{prefix}{which}",
            template=f"customer_email_changed_{which}",
            to=to,
            language=customer.language,
            context=context,
            now=now,
            complaint_id=complaint_id,
        )
        for which, to in (("old", old), ("new", customer.email))
        if to
    ]
    email_queue(emails)


# --- Complaints --------------------------------------------------------------------------------


def deadlines_for(*, priority: str, received_at: datetime) -> tuple[datetime, datetime]:
    """The acknowledge and resolve deadlines the policy gives a complaint of ``priority``: so
    many hours of real elapsed time after ``received_at``, also across a change of the clocks
    (a two-hour acknowledgement is two hours, not one or three)."""
    policy = settings.COMPLAINT_DEADLINES_HOURS[priority]
    return (
        clock.later(received_at, timedelta(hours=policy["acknowledge"])),
        clock.later(received_at, timedelta(hours=policy["resolve"])),
    )


def reference_next(*, year: int) -> str:
    """The next human reference for ``year``: KL-2026-000123.

    The UPDATE takes the counter row's lock until its transaction ends (at once in autocommit,
    or with the caller's transaction), so two creates never get one number.
    """
    table, last, key = map(
        connection.ops.quote_name, (ReferenceCounter._meta.db_table, "last", "year")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE {key} = %s RETURNING {last}",
            [year],
        )
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(year=year, last=1)
                return f"KL-{year}-{1:06d}"
        except IntegrityError:  # another request created the year's row first
            return reference_next(year=year)
    return f"KL-{year}-{row[0]:06d}"


def complaint_create(
    *,
    customer: Customer,
    channel: str,
    subject: str,
    facts: str,
    actor: User,
    owner: User | None = None,
    received_at: datetime | None = None,
    category: str = "",
    priority: str = Priority.NORMAL,
    emotion_at_intake: str = "",
    emotion_intensity: int | None = None,
    now: datetime | None = None,
) -> Complaint:
    """Log a complaint. Whoever receives it owns it, unless an owner is named explicitly."""
    now = now or timezone.now()
    check_may_log_complaints(actor)
    owner = owner or actor
    received_at = received_at or now

    errors = ErrorCollector()
    if customer.erased_at is not None:
        errors.add("customer", _ERASED)
    errors.require("subject", subject)
    errors.require("facts", facts)
    errors.require("channel", channel)
    _check_choice(errors, "channel", channel, Channel.values)
    _check_choice(errors, "priority", priority, Priority.values)
    _check_choice(errors, "emotion_at_intake", emotion_at_intake, Emotion.values)
    if emotion_intensity is not None and not 1 <= emotion_intensity <= 5:
        errors.add("emotion_intensity", _("Give the intensity from 1 (mild) to 5 (very strong)."))
    if emotion_intensity is not None and not emotion_at_intake:
        errors.add("emotion_at_intake", _("Say which emotion has this intensity."))
    if timezone.is_naive(received_at):
        errors.add("received_at", _("Give the moment with its time zone."))
    elif received_at > now + timedelta(minutes=5):
        errors.add("received_at", _("A complaint cannot be received in the future."))
    if owner != actor and not policies.can_own(owner):
        errors.add("owner", _("This person cannot own complaints."))
    elif owner != actor and not actor.has_perm("complaints.supervise_complaint"):
        errors.add("owner", _("Only a manager can log a complaint for someone else."))
    errors.raise_if_any()

    received_at = clock.pinned(received_at)
    acknowledge_due_at, resolve_due_at = deadlines_for(priority=priority, received_at=received_at)
    complaint = Complaint(
        customer=customer,
        channel=channel,
        received_at=received_at,
        subject=subject.strip(),
        facts=facts.strip(),
        category=(category or "").strip(),
        priority=priority,
        owner=owner,
        emotion_at_intake=emotion_at_intake,
        emotion_intensity=emotion_intensity,
        acknowledge_due_at=acknowledge_due_at,
        resolve_due_at=resolve_due_at,
    )
    # Customer and owner are rows already loaded; the foreign keys guard them in the database.
    _clean(complaint, errors, exclude=["reference", "customer", "owner"])
    errors.raise_if_any()
    # The number is drawn before the write's transaction, in one of its own when no outer one
    # is open: the counter's row lock is then held for one UPDATE, not until the complaint, its
    # event, email and jobs are committed, and concurrent creates stop queueing behind each
    # other. A write that fails after this leaves its number unused: references are unique and
    # rising, not gap-free. A refused complaint (above) uses up none.
    complaint.reference = reference_next(year=timezone.localtime(received_at).year)
    with transaction.atomic():
        complaint.save()
        events.complaint_received_event(complaint=complaint, actor=actor, at=now)
        # The acknowledgement email (sent after commit, once) and the deadline watch.
        deadlines.complaint_watch(complaint, now=now)
    return complaint


EDITABLE_DETAILS = ("subject", "facts", "category", "priority")


def complaint_update_details(
    *, complaint: Complaint, actor: User, now: datetime | None = None, **fields: Any
) -> Complaint:
    """Correct the subject, facts, category or priority of an open complaint (logged)."""
    now = now or timezone.now()
    errors = ErrorCollector()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        check_may_change(locked, actor, change=CHANGE_DETAILS)
        for field in sorted(set(fields) - set(EDITABLE_DETAILS)):
            errors.add(field, _("This field cannot be changed here."))
        if "subject" in fields:
            errors.require("subject", fields["subject"])
        if "facts" in fields:
            errors.require("facts", fields["facts"])
        if "priority" in fields:
            errors.require("priority", fields["priority"])
            _check_choice(errors, "priority", fields["priority"], Priority.values)
        errors.raise_if_any()
        changes: dict[str, list[Any]] = {}
        for field, value in fields.items():
            value = value.strip() if isinstance(value, str) else value
            old = getattr(locked, field)
            if old != value:
                changes[field] = [old, value]
                setattr(locked, field, value)
        if not changes:
            return locked
        update_fields = [*changes, "updated_at"]
        if "priority" in changes:
            locked.acknowledge_due_at, locked.resolve_due_at = deadlines_for(
                priority=locked.priority, received_at=locked.received_at
            )
            update_fields += ["acknowledge_due_at", "resolve_due_at"]
            deadlines.deadlines_moved(locked, now=now)
        _clean(locked, errors, exclude=["reference"])
        errors.raise_if_any()
        locked.save(update_fields=update_fields)
        events.details_changed_event(complaint=locked, actor=actor, at=now, changes=changes)
    return locked


def complaint_transfer(
    *,
    complaint: Complaint,
    actor: User,
    to_user: User,
    reason: str,
    now: datetime | None = None,
) -> Complaint:
    """Hand the complaint to another owner, explicitly and with a reason (logged)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        check_may_change(locked, actor, change=CHANGE_OWNER)
        errors = ErrorCollector()
        errors.require("reason", reason)
        if to_user.pk == locked.owner_id:
            errors.add("to_user", _("This person already owns the complaint."))
        elif not policies.can_own(to_user):
            errors.add("to_user", _("This person cannot own complaints."))
        errors.raise_if_any()
        previous = locked.owner
        OwnershipTransfer.objects.create(
            complaint=locked,
            from_user=previous,
            to_user=to_user,
            reason=reason.strip(),
            transferred_by=actor,
            transferred_at=now,
        )
        locked.owner = to_user
        locked.save(update_fields=["owner", "updated_at"])
        # Open promises and follow-ups go with the complaint: the new owner is reminded.
        CallbackPromise.objects.filter(complaint=locked, state=PromiseState.SCHEDULED).update(
            owner=to_user
        )
        FollowUp.objects.filter(complaint=locked, state=FollowUpState.SCHEDULED).update(
            owner=to_user
        )
        events.ownership_transferred_event(
            complaint=locked,
            actor=actor,
            at=now,
            from_user=previous,
            to_user=to_user,
            reason=reason.strip(),
        )
        # A pending goodwill gesture now goes to the new owner's manager (after the transfer's
        # event, so the audit trail reads in the order things happened).
        routing.reroute_pending(
            cause=routing.TRANSFER, complaint_id=locked.pk, actor=actor, now=now
        )
    return locked


def interaction_add(
    *,
    complaint: Complaint,
    actor: User,
    kind: str,
    summary: str,
    direction: str = Direction.INTERNAL,
    occurred_at: datetime | None = None,
    now: datetime | None = None,
) -> Interaction:
    """Record a call, email, chat, letter, meeting or note on the complaint."""
    now = now or timezone.now()
    occurred_at = occurred_at or now
    errors = ErrorCollector()
    errors.require("kind", kind)
    _check_choice(errors, "kind", kind, InteractionKind.values)
    _check_choice(errors, "direction", direction, Direction.values)
    errors.require("summary", summary)
    if timezone.is_naive(occurred_at):
        errors.add("occurred_at", _("Give the moment with its time zone."))
    elif occurred_at > now + timedelta(minutes=5):
        errors.add("occurred_at", _("An interaction cannot take place in the future."))
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        check_may_change(locked, actor, change=ADD_INTERACTION)
        errors.raise_if_any()
        interaction = Interaction.objects.create(
            complaint=locked,
            kind=kind,
            direction=direction,
            summary=summary.strip(),
            occurred_at=occurred_at,
            author=actor,
        )
        events.interaction_added_event(
            complaint=locked, actor=actor, at=now, interaction_id=interaction.pk, kind=kind
        )
    return interaction
