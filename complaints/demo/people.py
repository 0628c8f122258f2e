"""The demo organisation: two teams, their agents and managers, a director, quality and admin."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Team, User
from accounts.roles import GROUP_NAMES, Role

TEAM_CONSUMER = "Klantenservice"
TEAM_BUSINESS = "Klantenservice Zakelijk"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: Role
    team: str = ""
    manages_team: bool = False
    approval_limit: Decimal = Decimal("0.00")
    reports_to: str = ""
    language: str = "nl"

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}".lower().replace(" ", "") + "@example.com"


# Ordered so that everyone's manager exists before them.
PEOPLE: tuple[Person, ...] = (
    Person(
        "directeur",
        "Henk",
        "van der Linden",
        Role.MANAGER,
        approval_limit=Decimal("5000.00"),
    ),
    Person(
        "marieke",
        "Marieke",
        "Bakker",
        Role.MANAGER,
        team=TEAM_CONSUMER,
        manages_team=True,
        approval_limit=Decimal("250.00"),
        reports_to="directeur",
    ),
    Person(
        "daan",
        "Daan",
        "Visser",
        Role.MANAGER,
        team=TEAM_BUSINESS,
        manages_team=True,
        approval_limit=Decimal("250.00"),
        reports_to="directeur",
    ),
    Person("anna", "Anna", "de Vries", Role.AGENT, team=TEAM_CONSUMER),
    Person("bram", "Bram", "Jansen", Role.AGENT, team=TEAM_CONSUMER),
    Person("carla", "Carla", "Mendes", Role.AGENT, team=TEAM_BUSINESS, language="en"),
    Person("quinten", "Quinten", "Mulder", Role.QUALITY),
    Person("admin", "Sanne", "de Boer", Role.ADMIN),
)


def people_ensure(*, password: str) -> tuple[list[User], list[User]]:
    """Create the demo users (and their teams) that do not exist yet.

    Existing users are left exactly as they are, password included: running the seed again
    must not undo what someone changed in the demo. Returns (created, already present).
    """
    created: list[User] = []
    existing: list[User] = []
    with transaction.atomic():
        for person in PEOPLE:
            user = User.objects.filter(username=person.username).first()
            if user is not None:
                existing.append(user)
                continue
            team = Team.objects.get_or_create(name=person.team)[0] if person.team else None
            user = User.objects.create_user(
                username=person.username,
                email=person.email,
                password=password,
                first_name=person.first_name,
                last_name=person.last_name,
                team=team,
                approval_limit=person.approval_limit,
                reports_to=(
                    User.objects.filter(username=person.reports_to).first()
                    if person.reports_to
                    else None
                ),
                language=person.language,
                is_staff=person.role == Role.ADMIN,
                is_superuser=person.role == Role.ADMIN,
            )
            user.groups.add(Group.objects.get(name=GROUP_NAMES[person.role]))
            if team is not None and person.manages_team and team.manager_id is None:
                team.manager = user
                team.save(update_fields=["manager"])
            created.append(user)
    return created, existing
