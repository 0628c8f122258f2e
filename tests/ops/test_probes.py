"""/health/ and /ready/ against the running app on the configured database and broker: real
checks of real things (a broker port where nothing listens, a migration not applied, due work
left waiting)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings
from django.utils import timezone

from tests.factories import CustomerFactory, make_complaint

LOGIN_REQUIRED = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]


def test_health_answers_without_touching_the_database(client):
    # No database fixture: pytest-django refuses any query, so one would fail this test.
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@override_settings(
    ALLOWED_HOSTS=["klachten.example.com"], SECURE_SSL_REDIRECT=True, MIDDLEWARE=LOGIN_REQUIRED
)
def test_probes_pass_host_check_https_redirect_and_login(client, db):
    """A load balancer asks by address over plain HTTP, without logging in."""
    for path in ("/health/", "/ready/"):
        assert client.get(path, HTTP_HOST="10.0.0.7").status_code == 200, path
    # The same request to a page is refused: the checks are on, the probes pass them by.
    assert client.get("/login/", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.get("/", HTTP_HOST="klachten.example.com", secure=True).status_code == 302


def test_probes_take_no_post_and_ask_no_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/health/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"detail": "Only GET and HEAD are allowed here."}
    dutch = client.post("/ready/", HTTP_ACCEPT_LANGUAGE="nl")
    assert dutch.json() == {"detail": "Hier zijn alleen GET en HEAD toegestaan."}


def test_ready_when_everything_is_in_order(client, db):
    response = client.get("/ready/")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {
        "database",
        "broker",
        "migrations",
        "due_jobs",
        "outbox",
        "inbound_mail",
    }
    # Without INBOUND_MAILBOXES inbound mail is off, and that is no failure.
    assert body["checks"].pop("inbound_mail") == {"status": "off"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["due_jobs"]["oldest_age_seconds"] == 0


def test_ready_says_how_many_mailboxes_inbound_mail_reads(client, db, settings):
    settings.INBOUND_MAILBOXES = [{"name": "klachten"}, {"name": "complaints"}]
    body = client.get("/ready/").json()
    assert body["checks"]["inbound_mail"] == {"status": "ok", "mailboxes": 2}


@pytest.mark.parametrize("scheme", ["redis", "amqp"])
def test_a_broker_that_refuses_makes_ready_fail(client, db, closed_port, scheme):
    url = f"{scheme}://guest:s3cret@127.0.0.1:{closed_port}/"
    with override_settings(CELERY_BROKER_URL=url, READY_BROKER_TIMEOUT_SECONDS=1.0):
        response = client.get("/ready/")
    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"] == {"status": "fail", "error": "unreachable"}
    # Nothing of the address or the password is told.
    text = response.content.decode()
    assert str(closed_port) not in text
    assert "s3cret" not in text
    assert "127.0.0.1" not in text


def test_the_embedded_filesystem_broker_is_ready_while_its_folder_is_there(client, db, tmp_path):
    folder = tmp_path / "broker"
    folder.mkdir()
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    with override_settings(
        CELERY_BROKER_URL="filesystem://", CELERY_BROKER_TRANSPORT_OPTIONS=options
    ):
        assert client.get("/ready/").status_code == 200
        folder.rmdir()
        response = client.get("/ready/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_an_unapplied_migration_makes_ready_fail(client, db):
    loader = MigrationLoader(connection)
    (app, name) = next(node for node in loader.graph.leaf_nodes() if node[0] == "complaints")
    # As after a deploy whose new migration has not been run: the row of the last one is gone.
    MigrationRecorder(connection).record_unapplied(app, name)
    response = client.get("/ready/")
    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["migrations"]
    assert body["checks"]["migrations"] == {"status": "fail", "error": "unapplied", "unapplied": 1}
    MigrationRecorder(connection).record_applied(app, name)
    assert client.get("/ready/").status_code == 200


def test_due_work_left_waiting_too_long_makes_ready_fail(client, agent):
    make_complaint(owner=agent, customer=CustomerFactory(email=""))  # deadline jobs, no email
    # Two days on, the acknowledgement deadline's jobs have long been due; no worker did them.
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        response = client.get("/ready/")
        body = response.json()
        assert response.status_code == 503
        assert body["failing"] == ["due_jobs"]
        due = body["checks"]["due_jobs"]
        assert due["status"] == "fail"
        assert due["error"] == "too_old"
        assert due["oldest_age_seconds"] > 600
        assert due["max_age_seconds"] == 600
        with override_settings(READY_MAX_DUE_AGE_SECONDS=0):  # 0: report, never fail
            relaxed = client.get("/ready/")
    assert relaxed.status_code == 200
    assert relaxed.json()["checks"]["due_jobs"]["oldest_age_seconds"] == due["oldest_age_seconds"]


def test_an_email_left_unsent_too_long_makes_ready_fail(client, agent):
    make_complaint(owner=agent, customer=CustomerFactory(email="klant@example.nl"))
    now = timezone.now()
    with time_machine.travel(now + timedelta(seconds=300), tick=False):
        assert client.get("/ready/").status_code == 200  # waiting, but not for long
    with time_machine.travel(now + timedelta(seconds=700), tick=False):
        response = client.get("/ready/")
    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["outbox"]
    assert 700 <= body["checks"]["outbox"]["oldest_age_seconds"] <= 702


def test_ready_tells_only_statuses_and_ages(client, agent):
    make_complaint(owner=agent, customer=CustomerFactory(name="Fatima el Amrani", email="fa@x.nl"))
    response = client.get("/ready/")
    body = response.json()
    assert set(body) == {"status", "failing", "checks"}
    allowed = {"status", "error", "unapplied", "oldest_age_seconds", "max_age_seconds"}
    assert all(set(check) <= allowed for check in body["checks"].values()), body
    text = response.content.decode()
    for secret in ("Fatima", "fa@x.nl", settings.DATABASES["default"]["NAME"], "redis", "6379"):
        assert secret not in text
