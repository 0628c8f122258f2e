"""The administration shows promises, follow-ups, due work, the outbox and notifications, read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.promises.conftest import T0, resolved, run_due

pytestmark = pytest.mark.usefixtures("clock")


@pytest.mark.parametrize(
    "model", ["callbackpromise", "followup", "scheduledjob", "outgoingemail", "notification"]
)
def test_the_admin_lists_them_and_offers_no_edits(agent, model):
    resolved(agent)
    run_due(T0 + timedelta(days=2))  # the promise broke: notifications and emails exist
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get(f"/admin/complaints/{model}/")
    assert response.status_code == 200
    assert b"KL-" in response.content  # the rows are listed with their complaint
    assert client.get(f"/admin/complaints/{model}/add/").status_code == 403


@pytest.mark.parametrize(
    ("path", "admin_sees"),
    [
        ("complaints/callbackpromise", True),
        ("complaints/followup", True),
        ("complaints/scheduledjob", True),
        ("complaints/outgoingemail", True),
        ("complaints/coulancerequest", True),
        ("reports/correctiveaction", True),
        ("reports/rootcausereport", True),
        ("reports/importrun", True),
        ("complaints/notification", False),  # personal: only a superuser looks there
    ],
)
def test_an_administrator_reads_what_the_system_did_but_changes_nothing(
    admin_user, path, admin_sees
):
    client = Client()
    client.force_login(admin_user)

    response = client.get(f"/admin/{path}/")

    assert response.status_code == (200 if admin_sees else 403)
    assert client.get(f"/admin/{path}/add/").status_code == 403
