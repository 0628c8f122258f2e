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
