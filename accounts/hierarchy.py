"""Who stands above whom: the one definition of "the manager above" a person.

A person's manager is the manager of their team, or, when the team has none (or they manage
it themselves), the person they report to. Deadlines and broken promises are escalated to that
manager; coulance climbs the whole chain above them.
"""

from __future__ import annotations

from accounts.models import User

# A guard against a loop in ``reports_to`` (A reports to B, B to A).
MAX_CHAIN = 20


def manager_above(user: User) -> User | None:
    """The manager directly above ``user``, never ``user`` themselves."""
    team = user.team
    person = team.manager if team is not None and team.manager_id else user.reports_to
    if person is not None and person.pk == user.pk:
        person = user.reports_to
    return None if person is None or person.pk == user.pk else person


def managers_above(user: User) -> list[User]:
    """Every manager above ``user``, nearest first: ``manager_above``, then up ``reports_to``."""
    chain: list[User] = []
    seen = {user.pk}
    person = manager_above(user)
    while person is not None and person.pk not in seen and len(chain) < MAX_CHAIN:
        chain.append(person)
        seen.add(person.pk)
        person = person.reports_to
    return chain
