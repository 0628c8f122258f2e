"""Every page of the Django admin opens on the demo data: each list, and each kind of row."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def root(db: None) -> Client:
    call_command("seed_demo", stdout=StringIO())
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_every_admin_list_and_a_row_of_each_open(root):
    opened = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        listing = root.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert listing.status_code == 200, info
        row = model_admin.get_queryset(listing.wsgi_request).first()
        if row is None:
            continue
        page = root.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
        assert page.status_code == 200, info
        opened.append(model._meta.label)
    # The demo has rows of the models that matter most; each of their pages opened.
    assert {
        "complaints.Complaint",
        "complaints.CoulanceRequest",
        "complaints.CallbackPromise",
        "complaints.ComplaintEvent",
        "accounts.User",
    } <= set(opened)
