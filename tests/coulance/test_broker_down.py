"""A letter sent while the broker is down, or whose queue message is lost, still goes out once.

A Redis server of the test's own is really stopped and started again; real Celery workers and
beat (child processes) deliver against PostgreSQL. The request that sends the letter never
answers 500: the queued letter row is the truth, and the minute's sweep enqueues what the
broker never got.
"""

from __future__ import annotations

import contextlib
import email
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from complaints.models import CoulanceLetter, LetterStatus
from complaints.states import Stage
from config.celery import app
from tests.coulance.test_letters import approved, letter_of
from tests.factories import CustomerFactory, advance, make_complaint
from tests.promises.cluster import Cluster, running, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the workers are other processes (set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT = 45  # seconds; a guard against a hang, not a timing assertion


class Redis:
    """A redis-server of this test's own, on a free port, that the test stops and starts."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        found = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True
        )
        return found.stdout.strip()

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while self.cli("ping") != "PONG":
            assert time.monotonic() < deadline, "the test's Redis did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[Redis]:
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        if os.environ.get("CI"):
            pytest.fail("redis-server is needed in CI (.ci/run installs and starts it)")
        pytest.skip("redis-server/redis-cli are not installed here")
    server = Redis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def producing_to(url: str) -> Iterator[None]:
    """This process's Celery producer publishes to ``url`` (its pools are made anew for it).

    Leans on Celery's ``broker_write_url`` and its cached pools (``app._pool``, the producer pool
    of ``app.amqp``, which Celery itself drops after a fork): if those change, the messages do
    not reach the test's Redis and the test fails on counting them there."""
    old = app.conf.get("broker_write_url")

    def reset() -> None:
        app._pool = None
        app.amqp._producer_pool = None

    app.conf["broker_write_url"] = url
    reset()
    try:
        yield
    finally:
        app.conf["broker_write_url"] = old
        reset()


def _send(api: Any, letter: CoulanceLetter) -> Any:
    return api.post(f"/api/coulance-letters/{letter.pk}/send/", {}, format="json")


def test_a_letter_sent_while_the_broker_is_down_or_whose_message_is_lost_goes_out_once(
    api_as, complaint, agent, manager, redis, tmp_path
):
    first = letter_of(approved(complaint, agent, manager))
    other = advance(
        make_complaint(owner=agent, customer=CustomerFactory(email="fleur@example.nl")),
        to=Stage.RESOLVED,
    )
    second = letter_of(approved(other, agent, manager))
    api = api_as(agent)

    with producing_to(redis.url):
        # The broker is really down: the request still answers, the letter waits queued.
        redis.stop()
        down = _send(api, first)
        assert down.status_code == 202, down.content
        assert CoulanceLetter.objects.get(pk=first.pk).status == LetterStatus.QUEUED
        # Back up: the second letter's message reaches it (the producer leans on it), then
        # is lost, as a restart without persistence loses it.
        redis.start()
        assert _send(api, second).status_code == 202
        assert int(redis.cli("llen", "celery")) == 1, redis.cli("keys", "*")
        redis.cli("flushall")

    cluster = Cluster(
        workdir=tmp_path / "cluster",
        database=settings.DATABASES["default"],
        broker_url=redis.url,
        extra_env={"LETTER_SWEEP_GRACE_SECONDS": "1"},
    )
    with running(cluster):
        cluster.worker("worker")
        cluster.beat("beat")
        wait_until(
            lambda: CoulanceLetter.objects.filter(status=LetterStatus.SENT).count() == 2,
            timeout=TIMEOUT,
            what="both letters sent",
            cluster=cluster,
        )
        time.sleep(3)  # a few more sweeps: nothing may go twice
    # Each letter reached the mail server once (beside the acknowledgements), claimed once.
    letters = [
        message
        for message in _mails(tmp_path / "cluster" / "mail")
        if any(part.get_content_type() == "application/pdf" for part in message.walk())
    ]
    assert sorted(message["To"] for message in letters) == [
        "fleur@example.nl", "jan.evers@example.nl",
    ]  # fmt: skip
    assert sorted(CoulanceLetter.objects.values_list("send_attempts", flat=True)) == [1, 1]


def _mails(folder: Path) -> list[Message]:
    """Every message the file mail backend wrote (it separates them with 79 dashes)."""
    return [
        email.message_from_string(chunk.strip())
        for path in folder.glob("*.log")
        for chunk in path.read_text().split("\n" + "-" * 79 + "\n")
        if chunk.strip()
    ]
