"""Log lines are JSON (or text), carry the request id and user id, and the request id travels
into the Celery tasks a request causes (a real worker on the configured broker)."""

from __future__ import annotations

import copy
import io
import json
import logging
import logging.config
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from complaints.scheduling import outbox
from config.celery import app
from tests.factories import CustomerFactory
from tests.promises.cluster import ROOT, Cluster, running, wait_until


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The project's LOGGING with LOG_FORMAT=json, its console writing into a buffer."""
    config: dict = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "json"
    logging.config.dictConfig(config)
    buffer = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    try:
        yield buffer
    finally:
        logging.config.dictConfig(settings.LOGGING)


def lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_a_request_logs_a_json_line_with_its_request_and_user_id(json_log, agent):
    client = Client()
    client.force_login(agent)
    response = client.get("/api/me/", HTTP_X_REQUEST_ID="lb-7f3a-0042")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-7f3a-0042"
    (line,) = [line for line in lines(json_log) if line["logger"] == "klachtwijzer.request"]
    assert line["level"] == "INFO"
    assert line["message"] == "GET /api/me/ 200"
    assert line["request_id"] == "lb-7f3a-0042"
    assert line["user_id"] == agent.pk
    assert line["status"] == 200
    assert line["view"] == "api-me"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])


def test_a_log_line_written_inside_a_request_carries_its_ids(json_log, client, db):
    response = client.get("/no-such-page/")  # Django logs the 404 as a warning
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    warning = next(line for line in lines(json_log) if line["logger"] == "django.request")
    assert warning["level"] == "WARNING"
    assert warning["request_id"] == request_id
    assert warning["user_id"] is None  # anonymous
    # Once the response is closed, the lines written are no longer the request's.
    logging.getLogger("tests.ops").warning("after the request")
    assert lines(json_log)[-1]["message"] == "after the request"
    assert lines(json_log)[-1]["request_id"] is None


@pytest.mark.parametrize("given", ["", "has space", "x" * 200, "line\nbreak", "ü-umlaut"])
def test_a_malformed_request_id_is_replaced_by_a_new_one(client, db, given):
    response = client.get("/api/me/", HTTP_X_REQUEST_ID=given)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_each_request_without_an_id_gets_its_own(client, db):
    first = client.get("/api/me/")["X-Request-ID"]
    second = client.get("/api/me/")["X-Request-ID"]
    assert first != second


def test_the_probes_write_no_request_line(json_log, client, db):
    client.get("/health/")
    client.get("/ready/")
    assert [line for line in lines(json_log) if line["logger"] == "klachtwijzer.request"] == []


def _formats(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOG_FORMAT"}}
    code = "import config.settings as s; print(s.LOG_FORMAT)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "false"}, "json"),
        ({"DEBUG": "true"}, "text"),
        ({"DEBUG": "true", "LOG_FORMAT": "JSON"}, "json"),
        ({"DEBUG": "false", "LOG_FORMAT": "text"}, "text"),
    ],
)
def test_the_log_format_follows_debug_unless_chosen(env, expected):
    result = _formats(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_an_unknown_log_format_is_refused():
    result = _formats({"DEBUG": "true", "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr


# serialized_rollback: the roles and root causes the migrations wrote come back for later tests.
@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the worker is another process (set DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_caused_by_a_request_logs_the_same_request_id(tmp_path: Path, agent, monkeypatch):
    """POST a complaint: its acknowledgement email is sent by a real worker, whose log line
    (JSON, in its own process) names the request and the user that caused it."""
    monkeypatch.setattr(outbox, "_last_kick", -1e9)  # this process kicked no sender lately
    # A send left in the queue by an earlier test would carry no request id, and send first.
    app.control.purge()
    cluster = Cluster(
        workdir=tmp_path,
        database=connection.settings_dict,
        broker_url=settings.CELERY_BROKER_URL,
        extra_env={"LOG_FORMAT": "json", "LOG_LEVEL": "INFO", "SCHEDULER_TICK_SECONDS": "3600"},
    )
    client = Client()
    client.force_login(agent)
    data = {
        "customer": CustomerFactory(email="klant@example.nl").pk,
        "channel": "email",
        "subject": "Pakket beschadigd bezorgd",
        "facts": "De doos was ingedeukt en de lamp is gebroken.",
    }
    with running(cluster):
        cluster.worker("w1")
        response = client.post(
            "/api/complaints/",
            data,
            content_type="application/json",
            HTTP_X_REQUEST_ID="req-4711-abc",
        )
        assert response.status_code == 201, response.content

        def worker_lines() -> list[dict]:
            text = (tmp_path / "w1.log").read_text(errors="replace")
            return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

        def sent() -> bool:
            return any(line["logger"] == outbox.__name__ for line in worker_lines())

        wait_until(sent, timeout=60, what="the worker's outbox line", cluster=cluster)
    (line,) = [line for line in worker_lines() if line["logger"] == outbox.__name__]
    assert line["message"] == "outbox: 1 emails sent"
    assert line["request_id"] == "req-4711-abc"
    assert line["user_id"] == agent.pk
    assert line["level"] == "INFO"
