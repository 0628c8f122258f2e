"""/metrics: Prometheus' text format, counting real requests and reading the real queues; one
process alone or several adding up (PROMETHEUS_MULTIPROC_DIR)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import CustomerFactory, make_complaint
from tests.promises.cluster import ROOT, database_url


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the exposition, by name and labels (parsing fails on a malformed text)."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client, **headers) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


ME_401 = frozenset({("view", "api-me"), ("method", "GET"), ("status", "4xx")})
COUNT = "klachtwijzer_http_request_duration_seconds_count"


def test_the_request_counter_rises_with_a_request(client, db):
    before = scrape(client).get((COUNT, ME_401), 0.0)
    assert client.get("/api/me/").status_code == 401
    after = scrape(client)
    assert after[(COUNT, ME_401)] == before + 1
    # The latency histogram of the same requests: its +Inf bucket counts them all.
    assert (
        after[("klachtwijzer_http_request_duration_seconds_bucket", ME_401 | {("le", "+Inf")})]
        == before + 1
    )


def test_an_unknown_address_is_one_label_not_one_per_path(client, db):
    client.get("/no-such-page-1/")
    client.get("/no-such-page-2/")
    names = {dict(labels).get("view") for (name, labels) in scrape(client) if name == COUNT}
    assert "<unresolved>" in names
    assert not any(name and "no-such-page" in name for name in names)


def test_the_queues_are_read_at_scrape_time(client, agent):
    assert scrape(client)[("klachtwijzer_outbox", frozenset())] == 0
    make_complaint(owner=agent, customer=CustomerFactory(email="klant@example.nl"))
    figures = scrape(client)
    assert figures[("klachtwijzer_queue_metrics_up", frozenset())] == 1
    assert figures[("klachtwijzer_outbox", frozenset())] == 1  # the acknowledgement, unsent
    assert figures[("klachtwijzer_due_jobs", frozenset())] == 0  # its deadlines lie ahead
    assert ("klachtwijzer_due_jobs_oldest_age_seconds", frozenset()) in figures


@override_settings(METRICS_TOKEN="scrape-me-42")
def test_a_metrics_token_is_asked_for_when_set(client, db):
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    assert COUNT in str(scrape(client, HTTP_AUTHORIZATION="Bearer scrape-me-42"))


@override_settings(METRICS_ENABLED=False)
def test_metrics_can_be_switched_off(client, db):
    assert client.get("/metrics").status_code == 404


_REQUEST = """
import django; django.setup()
from django.test import Client
assert Client().get("/api/me/").status_code == 401
"""
_SCRAPE = """
import django; django.setup()
from django.test import Client
print(Client().get("/metrics").content.decode())
"""


def _run(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_several_processes_add_up_in_multiprocess_mode(db, tmp_path: Path):
    """As gunicorn's workers: two processes answer a request each, a third one's scrape
    counts both."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url(connection.settings_dict),
        "KLACHTWIJZER_VAR_DIR": str(tmp_path / "var"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }
    _run(_REQUEST, env)
    _run(_REQUEST, env)
    assert len(list(tmp_path.glob("histogram_*.db"))) == 2  # one file per process
    figures = samples(_run(_SCRAPE, env))
    assert figures[(COUNT, ME_401)] == 2
    # The queue figures read the database: another process shares the test database only on
    # PostgreSQL (SQLite's test database lives in this process's memory).
    up = figures[("klachtwijzer_queue_metrics_up", frozenset())]
    assert up == (1 if connection.vendor == "postgresql" else 0)
