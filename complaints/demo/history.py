"""A generated history of about four months, so that the report and the figures have something
to say: ~160 complaints drawn from a fixed seed, with believable volumes, promises and follow-ups.

The stories (``complaints.demo.stories``) tell a dozen complaints in detail; a monthly report
needs many more. ``history_stories`` draws them as the same ``Story`` plans, so that
``complaints.demo.seed`` plays them through the real services and workflow like the stories.
What is drawn depends only on the seed, never on the day: the same customers and the same
fates come out every time, laid on the working days before today. The customers' numbers
start with ``DEMOH-`` (not ``DEMO-``: the stories stay apart) and they have no email address,
so seeding sends them nothing.

Proportions, roughly: three in four callback promises kept, one in ten kept after the customer
was unreachable once, one in eight broken (more often by one agent than by the others, for
coaching), one in twenty given up after two unreachable calls. Outcomes, emotions and the NPS
answer at the follow-up hang together: a broken promise or a bare "no" costs points, a gesture
wins some back. One root cause drops after its corrective action was done seven weeks ago.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from complaints.choices import (
    Balance,
    Channel,
    Direction,
    Emotion,
    InteractionKind,
    Outcome,
    Priority,
    RequestDomain,
)
from complaints.demo.cases import (
    ACKNOWLEDGE,
    ACTION_DONE_CAUSE,
    AMOUNTS,
    APOLOGIES,
    ASSESSMENT,
    CASES,
    FIRMS,
    FIRST_NAMES,
    INTENSITY,
    LAST_NAMES,
    Case,
)
from complaints.demo.stories import (
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
    Resolve,
    Solve,
    Step,
    Story,
    Understand,
    Unreachable,
)
from complaints.models import (
    CallbackPromise,
    Complaint,
    FollowUp,
    FollowUpState,
    PromiseState,
    RootCause,
)
from complaints.scheduling import dispatch
from complaints.states import Stage
from reports import actions as action_services
from reports import services as report_services
from reports.models import CorrectiveAction, RootCauseReport

if TYPE_CHECKING:
    from complaints.demo.seed import _Clock

HISTORY_PREFIX = "DEMOH-"
_SEED = 13_2026
WORKDAYS = 86  # about four months of working days before today

# The corrective action done seven weeks ago (on ``ACTION_DONE_CAUSE``), in working days.
ACTION_DONE_DAYS_AGO = 35
# After the action the cause comes this many times as often as before.
_ACTION_DONE_FACTOR = 0.2

_RECENT_DAYS = 5
_STOPS = (1, 2, 0, 1, 2)
_SYNC = {Channel.PHONE, Channel.CHAT, Channel.IN_PERSON}
_SLOTS = ("09:30", "10:00", "10:30", "11:00", "13:30", "14:00", "14:30", "15:00", "16:00")

# How each agent's promises tend to end: kept, rescheduled (unreachable once, then kept),
# broken, given up (unreachable twice, answered by letter). Bram breaks more: coaching material.
_FATES = ("kept", "rescheduled", "broken", "unreachable")
_FATE_WEIGHTS = {
    "anna": (78, 10, 7, 5),
    "bram": (60, 10, 24, 6),
    "carla": (66, 16, 13, 5),
}
_SKILL = {"anna": 0.3, "bram": -0.3, "carla": 0.1}
_MANAGER = {"anna": "marieke", "bram": "marieke", "carla": "daan"}


# --- Moments -----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class _When:
    """A moment as the stories give it: working days back (later is fewer) and minutes into the
    day. Ordered in time."""

    neg_days: int  # minus the working days back, so that later moments compare greater
    minute: int

    @classmethod
    def on(cls, days_ago: int, minute: int) -> _When:
        return cls(-days_ago, minute)

    @property
    def days_ago(self) -> int:
        return -self.neg_days

    def plus(self, minutes: int) -> _When:
        return _When(self.neg_days, self.minute + minutes)

    def later(self, days: int, hhmm: str) -> _When:
        hours, minutes = hhmm.split(":")
        return _When(self.neg_days + days, int(hours) * 60 + int(minutes))

    @property
    def at(self) -> At:
        return At(self.days_ago, f"{self.minute // 60:02d}:{self.minute % 60:02d}")


# --- Drawing the history -----------------------------------------------------------------------


def _case_weight(case: Case, days_ago: int) -> float:
    if case.cause == ACTION_DONE_CAUSE and days_ago < ACTION_DONE_DAYS_AGO:
        return case.weight * _ACTION_DONE_FACTOR
    if case.cause == "communication-no-response":
        # Rising towards today: the reason a corrective action is under way now.
        return case.weight * (0.6 + 1.2 * (WORKDAYS - days_ago) / WORKDAYS)
    return case.weight


def _resolution_emotion(quality: float) -> str:
    if quality >= 2:
        return Emotion.SATISFIED
    if quality >= 1:
        return Emotion.NEUTRAL
    if quality >= 0:
        return Emotion.DISAPPOINTED
    return Emotion.FRUSTRATED if quality >= -1 else Emotion.AGGRIEVED


def _emotion_now(rng: random.Random, nps: int) -> str:
    if nps >= 9:
        return Emotion.SATISFIED
    if nps >= 7:
        return rng.choice((Emotion.SATISFIED, Emotion.SATISFIED, Emotion.NEUTRAL))
    if nps >= 5:
        return rng.choice((Emotion.NEUTRAL, Emotion.DISAPPOINTED))
    return rng.choice((Emotion.DISAPPOINTED, Emotion.FRUSTRATED, Emotion.AGGRIEVED))


@dataclass
class _Draft:
    """The steps of one complaint as they are drawn, with the moment of the last one."""

    steps: list[Step]
    last: _When
    broken: int = 0
    rescheduled: int = 0

    def add(self, step: Step, when: _When) -> None:
        self.steps.append(step)
        self.last = when


def _promise_fate(rng: random.Random, draft: _Draft, *, owner: str, due: _When) -> bool:
    """Play out one promise due at ``due``; True when it ended broken (no more promises)."""
    fate = rng.choices(_FATES, weights=_FATE_WEIGHTS[owner])[0]
    if fate == "kept":
        kept = due.plus(rng.randint(-8, 12))
        draft.add(Kept(kept.at, rng.choice(("Teruggebeld zoals afgesproken.", ""))), kept)
        return False
    if fate == "broken":
        draft.broken += 1
        call = _When.on(due.days_ago - 1, rng.randint(540, 660))
        draft.add(
            Contact(
                call.at,
                InteractionKind.CALL,
                "Klant belt zelf: is niet teruggebeld zoals beloofd. Excuses gemaakt en de "
                "stand van zaken alsnog doorgegeven.",
                Direction.INBOUND,
            ),
            call,
        )
        return True
    missed = due.plus(rng.randint(2, 9))
    days, slot = rng.choice((1, 1, 2)), rng.choice(_SLOTS)
    draft.add(Unreachable(missed.at, days, slot, "Voicemail; nieuw moment ingepland."), missed)
    again = missed.later(days, slot)
    if fate == "rescheduled":
        draft.rescheduled += 1
        kept = again.plus(rng.randint(-5, 10))
        draft.add(Kept(kept.at, "Nu wel bereikt."), kept)
        return False
    missed = again.plus(rng.randint(2, 9))
    slot = rng.choice(_SLOTS)
    draft.add(Unreachable(missed.at, 1, slot, "Weer niet bereikt."), missed)
    given_up = missed.plus(rng.randint(20, 45))
    draft.add(
        Cancel(given_up.at, "Klant twee keer niet bereikt; de uitkomst per brief gestuurd."),
        given_up,
    )
    return False


def _draw_one(
    rng: random.Random,
    *,
    number: str,
    received: _When,
    dates: dict[int, date],
    stop_after: int | None,
) -> Story:
    case = rng.choices(CASES, weights=[_case_weight(c, received.days_ago) for c in CASES])[0]
    owner = "carla" if case.business else rng.choice(("anna", "bram"))
    channels: tuple[Channel, ...]
    channel_weights: tuple[int, ...]
    if case.business:
        customer = f"{rng.choice(FIRMS)} {rng.choice(('B.V.', 'V.O.F.', ''))}".strip()
        phone = f"+31 {rng.randint(10, 79)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        channels, channel_weights = (Channel.PHONE, Channel.EMAIL, Channel.CHAT), (55, 40, 5)
        priority = rng.choices((Priority.NORMAL, Priority.HIGH, Priority.URGENT), (60, 32, 8))[0]
    else:
        customer = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        phone = f"+31 6 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        channels = tuple(Channel)
        channel_weights = (30, 25, 12, 15, 4, 8, 6)
        priority = rng.choices(
            (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT), (10, 75, 12, 3)
        )[0]
    channel = rng.choices(channels, channel_weights)[0]
    order = f"{rng.randint(100000, 999999)}"
    emotion = rng.choice(case.emotions)
    low, high = INTENSITY[Emotion(emotion)]
    intensity = rng.randint(low, high)

    logged = received.plus(3 if channel in _SYNC else rng.randint(10, 90))
    understood = logged.plus(rng.randint(1, 6) if channel in _SYNC else rng.randint(20, 150))
    draft = _Draft(steps=[], last=understood)
    draft.add(
        Understand(understood.at, emotion, intensity, rng.choice(ACKNOWLEDGE[Emotion(emotion)])),
        understood,
    )
    apologised = understood.plus(rng.randint(1, 5))
    draft.add(Apologise(apologised.at, rng.choice(APOLOGIES)), apologised)
    solved = apologised.plus(rng.randint(3, 15))
    urgent = priority in {Priority.HIGH, Priority.URGENT}
    days = 1 if urgent else rng.choice((1, 1, 1, 2, 2, 3))
    slot = rng.choice(_SLOTS)
    draft.add(
        Solve(
            solved.at,
            case.summary,
            case.next_steps,
            days,
            slot,
            wishes=case.wishes if rng.random() < 0.6 else (),
            for_customer=case.done,
        ),
        solved,
    )
    broken = _promise_fate(rng, draft, owner=owner, due=solved.later(days, slot))
    # One in four needs a second call: the answer of a supplier, a colleague, the billing team.
    if not broken and rng.random() < 0.25:
        promised = draft.last.plus(2)
        days, slot = rng.choice((2, 3, 4)), rng.choice(_SLOTS)
        draft.add(
            Promise(promised.at, days, slot, "De uitkomst van het onderzoek doorgeven."), promised
        )
        _promise_fate(rng, draft, owner=owner, due=promised.later(days, slot))

    outcome = rng.choices(
        (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD), case.outcomes
    )[0]
    quality = {Outcome.UPHELD: 2.0, Outcome.PARTLY_UPHELD: 1.0, Outcome.NOT_UPHELD: 0.0}[outcome]
    quality += _SKILL[owner] - 1.5 * draft.broken - 0.2 * draft.rescheduled + rng.gauss(0, 0.8)
    saying_no = outcome != Outcome.UPHELD
    gesture = case.gesture if saying_no and rng.random() < 0.5 else None
    liability = "liable" if not saying_no else rng.choice(("not_liable", "unclear"))
    if case.cause.startswith(("third-party", "customer-error")):
        liability = "unclear" if not saying_no else "not_liable"
    if gesture is not None:
        liability = "not_liable"
        asked = draft.last.plus(3)
        manager = _MANAGER[owner]
        draft.add(
            Coulance(
                asked.at,
                gesture[0],
                rng.choice(AMOUNTS),
                gesture[1],
                "Het nee is terecht, maar met dit gebaar houden we de klant.",
                case.domain,
                ASSESSMENT[RequestDomain(case.domain)],
                Balance.WIN_WIN,
            ),
            asked,
        )
        decided = _When.on(asked.days_ago - 1, rng.randint(570, 690))
        approve = rng.random() < 0.85
        comment = "Akkoord." if approve else "Het alternatief is al ruim; geen extra gebaar."
        draft.add(Decide(decided.at, approve, comment, manager), decided)
        quality += 1.0 if approve else -0.5
        told = decided.plus(rng.randint(20, 90))
        draft.add(
            Contact(
                told.at,
                InteractionKind.CALL,
                "Klant gebeld met het besluit over het gebaar.",
                Direction.OUTBOUND,
            ),
            told,
        )
    if rng.random() < 0.15:
        resolved = _When.on(draft.last.days_ago - rng.choice((1, 2)), rng.randint(570, 960))
    else:
        resolved = draft.last.plus(rng.randint(3, 40))
    draft.add(
        Resolve(
            resolved.at,
            outcome,
            case.no if saying_no else case.upheld,
            case.cause,
            _resolution_emotion(quality),
            liability,
            contribution=case.contribution,
            domain=case.domain if saying_no else "",
            balance=(Balance.WIN_WIN if rng.random() < 0.85 else Balance.CUSTOMER_LOSES)
            if saying_no
            else "",
            alternatives=case.alternatives if saying_no else "",
        ),
        resolved,
    )

    # The follow-up, a month later: on a working day after it is due, if that lies in the past.
    due = dates.get(resolved.days_ago, date.max - timedelta(days=366))
    due += timedelta(days=settings.FOLLOW_UP_DAYS)
    after = [d for d in dates if d < resolved.days_ago and dates[d] > due]
    delay = rng.choice((0, 0, 1, 1, 2, 3))
    answer_fate = rng.choices(("answered", "no_number", "unreachable", "declined"), (76, 6, 12, 6))[
        0
    ]
    nps = round(5.2 + 1.6 * quality + rng.gauss(0, 1.0))
    nps = max(0, min(10, nps))
    emotion_now = _emotion_now(rng, nps)
    answer_minute = rng.randint(570, 960)
    if after and max(after) - delay >= 1:
        answered = _When.on(max(after) - delay, answer_minute)
        closed = answered.plus(rng.randint(2, 10))
        if answer_fate in {"answered", "no_number"}:
            draft.add(
                FollowUpAnswer(
                    answered.at,
                    nps if answer_fate == "answered" else None,
                    emotion_now,
                    satisfied=nps >= 7,
                    note="Nazorg: klant gebeld na een maand.",
                ),
                answered,
            )
            draft.add(Close(closed.at, "Nazorg gedaan; klacht gesloten."), closed)
        else:
            reason = (
                "Klant drie keer niet bereikt voor de nazorg."
                if answer_fate == "unreachable"
                else "Klant wil niet meer gebeld worden."
            )
            draft.add(
                Close(closed.at, "Gesloten zonder nazorggesprek.", waive_reason=reason), closed
            )

    steps: Sequence[Step] = draft.steps
    if stop_after is not None:
        steps = steps[:stop_after]
    # Only what has happened by now: the rest is still to come (a promise due, a follow-up).
    cut = next((i for i, step in enumerate(steps) if step.at.days_ago < 1), len(steps))
    return Story(
        number=number,
        customer=customer,
        email="",
        phone=phone,
        owner=owner,
        channel=channel,
        priority=priority,
        category=case.category,
        subject=case.subject.format(order=order),
        facts=case.facts,
        received=received.at,
        logged=logged.at,
        steps=tuple(steps[:cut]),
    )


def history_stories(clock: _Clock) -> list[Story]:
    """The generated history, oldest first: the same complaints on every run (fixed seed)."""
    dates = {d: clock.moment(At(d, "12:00")).date() for d in range(1, WORKDAYS + 1)}
    days = random.Random(_SEED)
    drawn: list[Story] = []
    recent = 0
    for days_ago in range(WORKDAYS, 0, -1):
        count = days.choices((0, 1, 2, 3, 4), weights=(1, 3, 4, 2, 1))[0]
        minutes = sorted(days.randint(505, 930) for _ in range(count))
        for minute in minutes:
            index = len(drawn) + 1
            # Every other complaint of the last week waits in an earlier stage: received,
            # understood or apologised (the number of steps taken).
            stop_after = None
            if days_ago <= _RECENT_DAYS:
                recent += 1
                if recent % 2 == 0:
                    stop_after = _STOPS[(recent // 2) % len(_STOPS)]
            drawn.append(
                _draw_one(
                    random.Random(_SEED * 1000 + index),
                    number=f"{HISTORY_PREFIX}{index:04d}",
                    received=_When.on(days_ago, minute),
                    dates=dates,
                    stop_after=stop_after,
                )
            )
    return drawn


# --- Corrective actions, the dispatcher and the month's report ---------------------------------


@dataclass(frozen=True)
class _Action:
    title: str
    cause: str
    owner: str
    description: str
    raised: int  # working days ago
    due_days: int  # working days ago the action is due (negative: after today)
    started: int | None = None
    done: int | None = None
    result: str = ""


ACTIONS: tuple[_Action, ...] = (
    _Action(
        "Administratiekosten vooraf tonen op de orderbevestiging",
        ACTION_DONE_CAUSE,
        "quinten",
        "Klanten schrikken van kosten die pas op de eerste factuur verschijnen. De "
        "orderbevestiging moet alle eenmalige kosten noemen, met hoe ze te vermijden zijn.",
        raised=70,
        due_days=30,
        started=66,
        done=ACTION_DONE_DAYS_AGO,
        result="Orderbevestiging en eerste factuur tonen de administratiekosten nu apart, met "
        "de uitleg dat ze bij automatische incasso vervallen.",
    ),
    _Action(
        "Gedeelde mailbox klantenservice: elke dag een vaste eigenaar",
        "communication-no-response",
        "daan",
        "Mails in de gedeelde mailbox blijven liggen als niemand zich eigenaar voelt. Per dag "
        "een vaste eigenaar, en een signaal bij mails die langer dan een werkdag wachten.",
        raised=20,
        due_days=-15,
        started=18,
    ),
    _Action(
        "Kortingscodes laten werken naast uitverkoopartikelen",
        "website-it-self-service",
        "marieke",
        "De kassa weigert een geldige code zodra er een uitverkoopartikel in de mand ligt. IT "
        "past de regel aan zodat de code alleen voor de overige artikelen geldt.",
        raised=45,
        due_days=10,
    ),
)


def actions_ensure(*, clock: _Clock) -> list[CorrectiveAction]:
    """Raise the demo's corrective actions that are not there yet (by title), each moved
    through its steps at the moments the plan gives, with the history complaints that showed
    its cause before it was raised. Returns those created."""
    quality = User.objects.filter(username="quinten").first()
    if quality is None:
        return []
    created = []
    for plan in ACTIONS:
        if CorrectiveAction.objects.filter(title=plan.title).exists():
            continue
        raised = clock.moment(At(plan.raised, "10:00"))
        due_on = (
            timezone.localdate(clock.moment(At(plan.due_days, "12:00")))
            if plan.due_days >= 1
            else _workday_after(timezone.localdate(clock.now), -plan.due_days)
        )
        shown = Complaint.objects.filter(
            customer__customer_number__startswith=HISTORY_PREFIX,
            root_cause__code=plan.cause,
            resolved_at__lt=raised,
        ).order_by("resolved_at")[:8]
        action = action_services.action_create(
            root_cause=RootCause.objects.get(code=plan.cause),
            title=plan.title,
            owner=User.objects.get(username=plan.owner),
            due_on=due_on,
            actor=quality,
            description=plan.description,
            complaints=shown,
            now=raised,
        )
        if plan.started is not None:
            action = action_services.action_step(
                action=action,
                step="start",
                actor=quality,
                now=clock.moment(At(plan.started, "09:30")),
            )
        if plan.done is not None:
            action = action_services.action_step(
                action=action,
                step="complete",
                actor=quality,
                result=plan.result,
                now=clock.moment(At(plan.done, "16:00")),
            )
        created.append(action)
    return created


def _workday_after(day: date, count: int) -> date:
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def due_work_dispatch(*, now: datetime) -> int:
    """Do the work the scheduler finds due now, as its next tick would: promises whose moment
    passed without being kept are marked broken (telling owner and manager), overdue
    deadlines and follow-ups are flagged. Returns the number of jobs done or skipped.

    It runs once, at ``now``, rather than at each historical moment: the complaints were played
    one after another, so an event written at an earlier moment would land after later ones in
    their audit trails.
    """
    return dispatch.dispatch_due(now=now)


def report_ensure(*, now: datetime) -> RootCauseReport | None:
    """Store the root-cause report of the last complete month, made by Quality, unless a report
    of that month exists. Returns it when it was made now."""
    start = report_services.previous_month(now)
    end = report_services.month_end(start)
    quality = User.objects.filter(username="quinten").first()
    if (
        quality is None
        or RootCauseReport.objects.filter(period_start=start, period_end=end).exists()
    ):
        return None
    return report_services.report_generate(start=start, end=end, actor=quality, now=now)


@dataclass(frozen=True)
class HistorySummary:
    """What the history holds, for the command to show."""

    stages: dict[str, int]
    kept: int
    unreachable: int
    broken: int
    completed: int
    waived: int
    scheduled: int

    @property
    def rate(self) -> float | None:
        """The promise-keeping rate as the report counts it: kept of kept and broken."""
        judged = self.kept + self.broken
        return self.kept / judged if judged else None


def history_summary() -> HistorySummary:
    """Count the history's complaints per stage, its promises and follow-ups per state."""
    mine = Q(complaint__customer__customer_number__startswith=HISTORY_PREFIX)
    stages = dict.fromkeys(Stage.values, 0)
    for row in (
        Complaint.objects.filter(customer__customer_number__startswith=HISTORY_PREFIX)
        .values("stage")
        .annotate(n=Count("id"))
    ):
        stages[row["stage"]] = row["n"]
    promises = CallbackPromise.objects.filter(mine).aggregate(
        **{state: Count("id", filter=Q(state=state)) for state in PromiseState.values}
    )
    follow_ups = FollowUp.objects.filter(mine).aggregate(
        **{state: Count("id", filter=Q(state=state)) for state in FollowUpState.values}
    )
    return HistorySummary(
        stages=stages,
        kept=promises[PromiseState.KEPT],
        unreachable=promises[PromiseState.UNREACHABLE],
        broken=promises[PromiseState.BROKEN],
        completed=follow_ups[FollowUpState.COMPLETED],
        waived=follow_ups[FollowUpState.WAIVED],
        scheduled=follow_ups[FollowUpState.SCHEDULED],
    )
