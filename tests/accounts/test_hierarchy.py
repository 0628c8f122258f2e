"""The one definition of the manager above a person, which escalation and coulance share."""

from __future__ import annotations

import itertools

from accounts.hierarchy import MAX_CHAIN, manager_above, managers_above
from accounts.roles import Role
from tests.factories import TeamFactory, UserFactory


def test_the_teams_manager_is_above_its_agents(agent, manager):
    assert manager_above(agent) == manager
    assert managers_above(agent) == [manager]


def test_a_manager_of_their_own_team_has_the_person_they_report_to_above(agent, manager):
    director = UserFactory(username="dirk", role=Role.MANAGER)
    manager.reports_to = director
    manager.save()

    assert manager_above(manager) == director
    assert managers_above(agent) == [manager, director]


def test_without_a_teams_manager_the_person_reported_to_is_above(db):
    lead = UserFactory(username="lea", role=Role.MANAGER)
    loner = UserFactory(username="lars", role=Role.AGENT, team=TeamFactory(), reports_to=lead)

    assert manager_above(loner) == lead


def test_nobody_is_their_own_manager(db):
    alone = UserFactory(username="solo", role=Role.MANAGER)
    alone.reports_to = alone
    alone.save()

    assert manager_above(alone) is None
    assert managers_above(alone) == []


def test_a_loop_in_reports_to_ends_the_chain(agent, manager):
    director = UserFactory(username="dirk", role=Role.MANAGER, reports_to=manager)
    manager.reports_to = director
    manager.save()

    assert managers_above(agent) == [manager, director]


def test_the_chain_is_bounded(db):
    people = [UserFactory(username=f"boss-{n}", role=Role.MANAGER) for n in range(MAX_CHAIN + 5)]
    for person, boss in itertools.pairwise(people):
        person.reports_to = boss
        person.save()

    assert len(managers_above(people[0])) == MAX_CHAIN
