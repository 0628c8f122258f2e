"""Personas: an agent and a colleague in one team, their manager, quality, an outsider."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import Team, User
from accounts.roles import Role
from tests.factories import TeamFactory, UserFactory


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transactional test restores the migrated rows (``serialized_rollback``).

    A transactional test without it ends with a flush after which the content types are made
    again in another order; the next test that restores them then hits a unique violation at
    set-up, in whatever order the run happens to take.
    """
    bare = [
        item.nodeid
        for item in items
        for mark in item.iter_markers("django_db")
        if mark.kwargs.get("transaction") and not mark.kwargs.get("serialized_rollback")
    ]
    if bare:
        raise pytest.UsageError(
            "transaction=True needs serialized_rollback=True: " + ", ".join(sorted(set(bare)))
        )


@pytest.fixture
def team(db: None) -> Team:
    return TeamFactory(name="Klantenservice Noord")


@pytest.fixture
def manager(team: Team) -> User:
    user = UserFactory(
        username="marieke", role=Role.MANAGER, team=team, approval_limit=Decimal("250")
    )
    team.manager = user
    team.save()
    return user


@pytest.fixture
def agent(team: Team, manager: User) -> User:
    return UserFactory(username="anna", role=Role.AGENT, team=team)


@pytest.fixture
def other_agent(team: Team, manager: User) -> User:
    """A colleague of ``agent`` in the same team."""
    return UserFactory(username="bram", role=Role.AGENT, team=team)


@pytest.fixture
def outsider(db: None) -> User:
    """An agent of another team, with another manager."""
    other = TeamFactory(name="Klantenservice Zuid")
    boss = UserFactory(username="zoe", role=Role.MANAGER, team=other)
    other.manager = boss
    other.save()
    return UserFactory(username="olaf", role=Role.AGENT, team=other)


@pytest.fixture
def quality(db: None) -> User:
    return UserFactory(username="quinten", role=Role.QUALITY)


@pytest.fixture
def admin_user(db: None) -> User:
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as(api: APIClient):
    """``api_as(user)`` gives an API client authenticated as ``user``."""

    def login(user: User) -> APIClient:
        api.force_authenticate(user=user)
        return api

    return login


@pytest.fixture(autouse=True, scope="session")
def attachments_in_a_throwaway_folder(tmp_path_factory: pytest.TempPathFactory):
    """Files that tests attach (forms, email, the API) go to a folder of this run, never to the
    project's var folder; tests/attachments gives each of its tests a folder of its own."""
    folder = tmp_path_factory.mktemp("attachments")
    storages = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    with override_settings(STORAGES=storages):
        yield folder
