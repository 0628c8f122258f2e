"""The privacy page: Quality and administrators see who looked, download a copy, and erase."""

from __future__ import annotations

import json

from django.urls import reverse

from complaints.models import AccessKind, Customer, DataAccess
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import make_complaint
from tests.privacy.conftest import NAME


def test_quality_finds_the_page_from_the_complaint_and_an_agent_does_not(
    client_as, quality, agent, history
):
    page = reverse("complaint-page", args=[history.reference])

    assert 'data-testid="privacy-link"' in client_as(quality).get(page).content.decode()
    assert 'data-testid="privacy-link"' not in client_as(agent).get(page).content.decode()
    url = reverse("customer-privacy", args=[history.customer_id])
    assert client_as(agent).get(url).status_code == 403


def test_the_page_shows_the_details_and_who_looked(client_as, quality, agent, history):
    client_as(agent).get(reverse("complaint-page", args=[history.reference]))

    page = client_as(quality).get(reverse("customer-privacy", args=[history.customer_id]))

    text = page.content.decode()
    assert page.status_code == 200
    assert NAME in text
    assert history.reference in text
    assert str(agent) in text
    assert DataAccess.objects.filter(kind=AccessKind.CUSTOMER_VIEWED, user=quality).exists()


def test_the_copy_downloads_as_json(client_as, quality, history):
    answer = client_as(quality).get(reverse("customer-privacy-export", args=[history.customer_id]))

    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert json.loads(answer.content)["customer"]["name"] == NAME
    assert DataAccess.objects.filter(kind=AccessKind.EXPORTED, via="web").exists()


def test_erasing_without_a_reason_says_so_and_changes_nothing(client_as, quality, history):
    url = reverse("customer-privacy", args=[history.customer_id])
    client = client_as(quality)
    before = db_snapshot()

    page = client.post(url, {"reason": ""})

    assert page.status_code == 200
    assert "This field is required." in page.content.decode()
    assert db_changes(before, db_snapshot()) == {}


def test_erasing_while_a_complaint_is_open_is_refused_in_words(client_as, quality, agent, history):
    make_complaint(owner=agent, customer=history.customer)
    url = reverse("customer-privacy", args=[history.customer_id])
    client = client_as(quality)
    before = db_snapshot()

    page = client.post(url, {"reason": "Verzoek per e-mail"})

    assert page.status_code == 200
    assert "still being handled" in page.content.decode()
    assert db_changes(before, db_snapshot()) == {}


def test_erasing_on_request(client_as, quality, history):
    url = reverse("customer-privacy", args=[history.customer_id])
    client = client_as(quality)

    answer = client.post(url, {"reason": "Verzoek per e-mail"}, follow=True)

    text = answer.content.decode()
    assert "personal data has been erased" in text
    assert NAME not in text
    assert 'id="form-erase"' not in text
    assert Customer.objects.get(pk=history.customer_id).erased_at is not None
