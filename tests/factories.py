"""factory_boy factories. Complaints are made through the service so they are real ones."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import ApiToken, Team, User
from accounts.roles import GROUP_NAMES, Role
from accounts.services import token_create
from complaints import services, workflow
from complaints.models import Complaint, Customer, EventType, RootCause
from complaints.states import Stage, Transition


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("secret-pass-123")
    approval_limit = Decimal("0.00")

    @factory.post_generation
    def role(obj: User, create: bool, extracted: Role | None, **kwargs: Any) -> None:
        if extracted:
            obj.groups.add(Group.objects.get(name=GROUP_NAMES[extracted]))


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"klant{n}@example.nl")
    phone = "+31 6 1234 5678"
    customer_number = factory.Sequence(lambda n: f"C{n:06d}")
    language = "nl"


def api_key(user: User, *, used_now: bool = True, name: str = "tests") -> str:
    """The key of a new API token of ``user``.

    ``used_now``: its use is already noted for this hour, so that a request with it writes
    nothing (a token's first use in an hour writes its ``last_used``; query counts count the
    request alone).
    """
    token, key = token_create(user=user, name=name)
    if used_now:
        ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return key


def root_cause(code: str = "billing-incorrect-amount") -> RootCause:
    return RootCause.objects.get(code=code)


def make_complaint(*, owner: User, customer: Customer | None = None, **kwargs: Any) -> Complaint:
    """A complaint logged by ``owner`` through the real service."""
    data: dict[str, Any] = {
        "channel": "phone",
        "subject": "Te veel betaald voor mobiel internet",
        "facts": "Klant betaalt drie jaar voor internet op zijn telefoon dat hij nooit gebruikte.",
    }
    data.update(kwargs)
    return services.complaint_create(customer=customer or CustomerFactory(), actor=owner, **data)


STEP_DATA: dict[str, Any] = {
    "understand": {
        "emotion": "angry",
        "intensity": 4,
        "acknowledgement": "Ik begrijp dat u boos bent: drie jaar betalen voor niets.",
    },
    "apologise": {"apology": "Het spijt me dat u hiermee te maken hebt gekregen."},
    "resolve": {
        "outcome": "upheld",
        "resolution_summary": "Abonnement aangepast en drie maanden terugbetaald.",
        "emotion_at_resolution": "satisfied",
        "liability": "not_liable",
    },
    "close": {"note": "Afgerond."},
    "reopen": {"reason": "Klant belt terug: terugbetaling niet ontvangen."},
}


def step_data(name: str) -> dict[str, Any]:
    """Valid data for transition ``name`` (fresh moments and the root cause filled in)."""
    data = dict(STEP_DATA.get(name, {}))
    if name == "solve":
        data = {
            "facts_summary": "Internetbundel sinds 2010 actief, nooit gebruikt.",
            "next_steps": "Ik zoek uit of we kunnen terugbetalen en bel u morgen om 15:00.",
            "promised_at": timezone.now() + timedelta(days=1),
        }
    if name == "resolve":
        data["root_cause"] = root_cause()
    return data


# The audit event each transition must write (stated here, independently of the workflow).
EVENT_TYPE = {
    Transition.UNDERSTAND: EventType.UNDERSTOOD,
    Transition.APOLOGISE: EventType.APOLOGISED,
    Transition.SOLVE: EventType.SOLVED,
    Transition.RESOLVE: EventType.RESOLVED,
    Transition.CLOSE: EventType.CLOSED,
    Transition.REOPEN: EventType.REOPENED,
}

PATH = ["understand", "apologise", "solve", "resolve", "close"]


def follow_up_done(complaint: Complaint, *, actor: User | None = None, nps: int = 9) -> None:
    """Complete the resolved complaint's scheduled follow-up, as its owner would a month on."""
    from complaints.care import followups

    follow_up = followups.follow_up_awaited(complaint)
    assert follow_up is not None, "the complaint has no scheduled follow-up"
    followups.follow_up_complete(
        follow_up=follow_up,
        actor=actor or complaint.owner,
        satisfied=True,
        nps=nps,
        emotion_now="satisfied",
        note="Klant is tevreden.",
    )


def advance(complaint: Complaint, *, to: Stage, actor: User | None = None) -> Complaint:
    """Walk ``complaint`` through the workflow until it reaches stage ``to``."""
    actor = actor or complaint.owner
    order = [
        Stage.RECEIVED,
        Stage.UNDERSTOOD,
        Stage.APOLOGISED,
        Stage.SOLVING,
        Stage.RESOLVED,
        Stage.CLOSED,
    ]
    while complaint.stage != to:
        name = PATH[order.index(Stage(complaint.stage))]
        if name == "close":
            follow_up_done(complaint, actor=actor)  # closing waits for the follow-up
        complaint = workflow.run(
            workflow.Transition(name), complaint, actor=actor, **step_data(name)
        )
    return complaint
