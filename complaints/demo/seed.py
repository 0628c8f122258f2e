"""Seed the demo: people first, then every story played through the real services and workflow.

Nothing here writes a complaint row itself. Each story is logged with
``services.complaint_create`` and moved with the ``complaints.workflow`` functions, with the
moment of every step passed as ``now=``, so the audit trail is the one real use would leave.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from complaints import services, workflow
from complaints.care import followups, promises
from complaints.choices import Liability
from complaints.coulance import services as coulance
from complaints.demo import history
from complaints.demo.letterhead import letterhead_ensure
from complaints.demo.people import people_ensure
from complaints.demo.stories import (
    STORIES,
    Apologise,
    At,
    Cancel,
    Close,
    Contact,
    Coulance,
    Decide,
    FollowUpAnswer,
    Kept,
    Promise,
    Reopen,
    Resolve,
    Solve,
    Step,
    Story,
    Transfer,
    Understand,
    Unreachable,
)
from complaints.models import (
    CallbackPromise,
    Complaint,
    CoulanceStatus,
    Customer,
    PromiseState,
    RootCause,
)
from complaints.states import Stage
from reports.models import CorrectiveAction, RootCauseReport

DEMO_PASSWORD = "demo-klacht-2026"  # noqa: S105 (the demo's published password)
DEMO_CUSTOMER_PREFIX = "DEMO-"

# How long after receipt a complaint is logged when the story does not say.
_LOGGED_AFTER = timedelta(minutes=3)


@dataclass
class DemoResult:
    """What a seed run did, for the command to report."""

    users_created: list[User] = field(default_factory=list)
    users_existing: list[User] = field(default_factory=list)
    complaints_created: list[Complaint] = field(default_factory=list)
    stories_existing: int = 0
    history_created: int = 0
    history_existing: int = 0
    actions_created: list[CorrectiveAction] = field(default_factory=list)
    report_created: RootCauseReport | None = None
    jobs_dispatched: int = 0
    letterhead_created: bool = False

    @property
    def created_anything(self) -> bool:
        return bool(
            self.users_created
            or self.complaints_created
            or self.history_created
            or self.actions_created
            or self.report_created
            or self.letterhead_created
        )


def demo_complaints() -> list[Complaint]:
    """Every complaint of the demo customers, oldest first."""
    return list(
        Complaint.objects.filter(customer__customer_number__startswith=DEMO_CUSTOMER_PREFIX)
        .select_related("owner", "customer")
        .order_by("received_at", "id")
    )


def demo_stage_counts() -> dict[str, int]:
    """The number of demo complaints in each stage, every stage listed."""
    counts = Counter(complaint.stage for complaint in demo_complaints())
    return {stage: counts.get(stage, 0) for stage in Stage.values}


def demo_seed(*, password: str = DEMO_PASSWORD, now: datetime | None = None) -> DemoResult:
    """Create the demo users and complaints that are not there yet; safe to run again.

    A story counts as present when its customer (by customer number) exists; each story is
    seeded in its own transaction, so an interrupted run leaves whole stories only.
    """
    now = now or timezone.now()
    result = DemoResult()
    result.users_created, result.users_existing = people_ensure(password=password)
    # Before the stories: the letters they send are sent under it.
    result.letterhead_created = letterhead_ensure(actor=User.objects.get(username="admin"))
    clock = _Clock(today=timezone.localdate(now), now=now)
    present = set(
        Customer.objects.filter(customer_number__in=[s.number for s in STORIES]).values_list(
            "customer_number", flat=True
        )
    )
    # Oldest first, so the references count up with the moment of receipt.
    for story in sorted(STORIES, key=lambda s: clock.moment(s.received)):
        if story.number in present:
            result.stories_existing += 1
            continue
        result.complaints_created.append(_play(story, clock=clock))
    _history_seed(result, clock=clock)
    return result


def _history_seed(result: DemoResult, *, clock: _Clock) -> None:
    """The generated months before the stories (``complaints.demo.history``), played the same
    way; then the corrective actions, the due work the scheduler would have done by now (so
    promises never kept show as broken), and, last, the report of the month that ended."""
    present = set(
        Customer.objects.filter(customer_number__startswith=history.HISTORY_PREFIX).values_list(
            "customer_number", flat=True
        )
    )
    for story in history.history_stories(clock):
        if story.number in present:
            result.history_existing += 1
            continue
        _play(story, clock=clock)
        result.history_created += 1
    result.actions_created = history.actions_ensure(clock=clock)
    result.jobs_dispatched = history.due_work_dispatch(now=clock.now)
    result.report_created = history.report_ensure(now=clock.now)


@dataclass(frozen=True)
class _Clock:
    """Turns the stories' working-day moments into aware datetimes before ``now``."""

    today: date
    now: datetime

    def moment(self, at: At) -> datetime:
        if at.days_ago < 1:
            raise ValueError("Demo moments lie at least one working day back.")
        return self._on(_workdays_from(self.today, -at.days_ago), at.time)

    def promise(self, step_moment: datetime, *, days: int, at: str) -> datetime:
        return self._on(_workdays_from(timezone.localdate(step_moment), days), at)

    def _on(self, day: date, hhmm: str) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.fromisoformat(hhmm)))


def _workdays_from(day: date, count: int) -> date:
    """The date ``count`` working days (Monday to Friday) after ``day``; negative is before."""
    step = timedelta(days=1 if count > 0 else -1)
    remaining = abs(count)
    while remaining:
        day += step
        if day.weekday() < 5:
            remaining -= 1
    return day


def _play(story: Story, *, clock: _Clock) -> Complaint:
    users = {user.username: user for user in User.objects.all()}
    received_at = clock.moment(story.received)
    logged_at = clock.moment(story.logged) if story.logged else received_at + _LOGGED_AFTER
    owner = users[story.owner]
    with transaction.atomic():
        customer = services.customer_create(
            name=story.customer,
            actor=owner,
            email=story.email,
            phone=story.phone,
            customer_number=story.number,
            language=story.language,
        )
        complaint = services.complaint_create(
            customer=customer,
            channel=story.channel,
            subject=story.subject,
            facts=story.facts,
            actor=owner,
            received_at=received_at,
            category=story.category,
            priority=story.priority,
            now=logged_at,
        )
        previous = logged_at
        for step in story.steps:
            at = clock.moment(step.at)
            if at <= previous:
                raise ValueError(f"{story.number}: the steps must follow each other in time.")
            previous = at
            actor = users[step.by] if step.by else complaint.owner
            complaint = _take(step, complaint, actor=actor, at=at, clock=clock, users=users)
    return complaint


def _take(
    step: Step,
    complaint: Complaint,
    *,
    actor: User,
    at: datetime,
    clock: _Clock,
    users: dict[str, User],
) -> Complaint:
    """Take one story step on ``complaint`` at moment ``at``; return the fresh complaint."""
    match step:
        case Understand():
            return workflow.understand(
                complaint,
                actor=actor,
                emotion=step.emotion,
                intensity=step.intensity,
                acknowledgement=step.acknowledgement,
                acknowledgement_for_customer=step.for_customer,
                now=at,
            )
        case Apologise():
            return workflow.apologise(
                complaint,
                actor=actor,
                apology=step.apology,
                apology_for_customer=step.for_customer,
                now=at,
            )
        case Solve():
            return workflow.solve(
                complaint,
                actor=actor,
                facts_summary=step.facts_summary,
                next_steps=step.next_steps,
                promised_at=clock.promise(at, days=step.promise_days, at=step.promise_time),
                wishes=step.wishes,
                next_steps_for_customer=step.for_customer,
                now=at,
            )
        case Resolve():
            return workflow.resolve(
                complaint,
                actor=actor,
                outcome=step.outcome,
                resolution_summary=step.summary,
                root_cause=RootCause.objects.get(code=step.root_cause),
                emotion_at_resolution=step.emotion,
                liability=step.liability,
                customer_contribution=step.contribution,
                request_domain=step.domain,
                balance=step.balance,
                alternatives_offered=step.alternatives,
                now=at,
            )
        case Close():
            return workflow.close(
                complaint, actor=actor, note=step.note, waive_reason=step.waive_reason, now=at
            )
        case Reopen():
            return workflow.reopen(complaint, actor=actor, reason=step.reason, now=at)
        case Kept() | Unreachable() | Promise() | Cancel() | FollowUpAnswer():
            return _take_care(step, complaint, actor=actor, at=at, clock=clock, users=users)
    return _take_other(step, complaint, actor=actor, at=at, clock=clock, users=users)


def _take_care(
    step: Step,
    complaint: Complaint,
    *,
    actor: User,
    at: datetime,
    clock: _Clock,
    users: dict[str, User],
) -> Complaint:
    """A promise or follow-up step of the story."""
    match step:
        case Kept():
            promises.promise_keep(
                promise=_pending_promise(complaint), actor=actor, note=step.note, now=at
            )
            return complaint
        case Unreachable():
            promises.promise_reschedule(
                promise=_pending_promise(complaint),
                actor=actor,
                due_at=clock.promise(at, days=step.days, at=step.time),
                note=step.note,
                now=at,
            )
            return complaint
        case Promise():
            promises.promise_create(
                complaint=complaint,
                actor=actor,
                due_at=clock.promise(at, days=step.days, at=step.time),
                purpose=step.purpose,
                now=at,
            )
            return complaint
        case Cancel():
            promises.promise_cancel(
                promise=_pending_promise(complaint), actor=actor, reason=step.reason, now=at
            )
            return complaint
        case FollowUpAnswer():
            follow_up = followups.follow_up_awaited(complaint)
            if follow_up is None:
                raise ValueError(f"{complaint.reference}: no follow-up to answer.")
            followups.follow_up_complete(
                follow_up=follow_up,
                actor=actor,
                satisfied=step.satisfied,
                nps=step.nps,
                emotion_now=step.emotion,
                note=step.note,
                now=at,
            )
            return complaint
    raise TypeError(f"Unknown demo step: {step!r}")


def _take_other(
    step: Step,
    complaint: Complaint,
    *,
    actor: User,
    at: datetime,
    clock: _Clock,
    users: dict[str, User],
) -> Complaint:
    """A contact, transfer or goodwill step of the story."""
    match step:
        case Contact():
            services.interaction_add(
                complaint=complaint,
                actor=actor,
                kind=step.kind,
                summary=step.summary,
                direction=step.direction,
                occurred_at=at,
                now=at,
            )
            return complaint
        case Transfer():
            return services.complaint_transfer(
                complaint=complaint, actor=actor, to_user=users[step.to], reason=step.reason, now=at
            )
        case Coulance():
            coulance.coulance_request_create(
                complaint=complaint,
                actor=actor,
                kind=step.kind,
                amount=Decimal(step.amount),
                description=step.description,
                reason=step.reason,
                liability=Liability.NOT_LIABLE,
                request_domain=step.domain,
                assessment=step.assessment,
                balance=step.balance,
                now=at,
            )
            return complaint
        case Decide():
            pending = complaint.coulance_requests.filter(status=CoulanceStatus.PENDING).latest(
                "requested_at"
            )
            if step.approve:
                coulance.coulance_request_approve(
                    coulance_request=pending, actor=actor, comment=step.comment, now=at
                )
            else:
                coulance.coulance_request_reject(
                    coulance_request=pending, actor=actor, comment=step.comment, now=at
                )
            return complaint
    raise TypeError(f"Unknown demo step: {step!r}")


def _pending_promise(complaint: Complaint) -> CallbackPromise:
    promise = (
        complaint.promises.filter(state=PromiseState.SCHEDULED).order_by("due_at", "id").first()
    )
    if promise is None:
        raise ValueError(f"{complaint.reference}: no scheduled promise to keep or reschedule.")
    return promise
