"""PostgreSQL restarted while an email is being sent: the email goes out once, and a copy
(same Message-ID) only after the grace period.

A PostgreSQL cluster of the test's own, on another port, is restarted by the test while a real
Celery worker waits for the mail server's last answer; the worker's "sent" record is then lost.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.utils import timezone

from tests.promises.cluster import ROOT, Cluster, running, wait_until

pytestmark = pytest.mark.postgres

TIMEOUT = 60  # seconds; a guard against a hang, not a timing assertion


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class Postgres:
    """A throw-away cluster run by the ``postgres`` system user (initdb refuses root)."""

    def __init__(self, folder: Path, binaries: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder, self.bin = folder, binaries
        self.data = folder / "data"

    def _as_postgres(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True)

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust",
                          "-U", "postgres")  # fmt: skip

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                          "-l", str(self.folder / "log"), "-w", *args)  # fmt: skip

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Postgres]:
    binaries = _binaries()
    if binaries is None or not shutil.which("runuser"):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server binaries are needed in CI")
        pytest.skip("PostgreSQL's server binaries (pg_ctl, initdb) are not installed here")
    # A folder the postgres user may enter (pytest's tmp_path may sit under root's home).
    folder = Path(f"/tmp/kw-pg-{os.getpid()}-{tmp_path.name}")
    server = Postgres(folder, binaries)
    server.init()
    server.pg_ctl("start")
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(folder, ignore_errors=True)


def _migrate(url: str, workdir: Path) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true",
           "KLACHTWIJZER_VAR_DIR": str(workdir / "var")}  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip


def _queue_email(url: str) -> int:
    now = timezone.now()
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            """INSERT INTO complaints_outgoingemail (key, template, "to", language, subject,
               body_text, body_html, state, created_at, next_attempt_at, attempts, last_error)
               VALUES ('restart-test', 'test', 'kees@example.nl', 'nl', 'Uw klacht',
                       'Beste Kees,', '', 'pending', %s, %s, 0, '') RETURNING id""",
            [now, now],
        ).fetchone()
    assert row is not None
    return int(row[0])


def _state(url: str, email_id: int) -> str:
    for _ in range(50):  # the server may still be coming back
        try:
            with psycopg.connect(url) as conn:
                found = conn.execute(
                    "SELECT state FROM complaints_outgoingemail WHERE id = %s", [email_id]
                ).fetchone()
            assert found is not None
            return str(found[0])
        except psycopg.OperationalError:
            time.sleep(0.2)
    raise AssertionError("the test's PostgreSQL did not come back")


def test_postgresql_restarted_while_an_email_is_sent_sends_it_once(postgres, tmp_path):
    url = postgres.url()
    _migrate(url, tmp_path)
    email_id = _queue_email(url)
    cluster = Cluster(
        workdir=tmp_path / "cluster",
        database={"NAME": "postgres", "HOST": "127.0.0.1", "PORT": postgres.port,
                  "USER": "postgres"},
        broker_url="filesystem://",
        extra_env={"EMAIL_BACKEND": "tests.promises.slow_mail.SlowFileBackend",
                   "SLOW_MAIL_SECONDS": "3", "EMAIL_RESEND_GRACE_SECONDS": "3600"},
    )  # fmt: skip
    with running(cluster):
        cluster.worker("mailer")
        cluster.beat("beat")
        # The mail server has the message and is still answering: now the database goes.
        wait_until(lambda: len(cluster.sent_message_ids()) == 1, timeout=TIMEOUT,
                   what="the email handed to the mail server", cluster=cluster)  # fmt: skip
        postgres.pg_ctl("restart", "-m", "fast")
        # Ticks go on after the restart: the half-sent email waits for its grace period.
        time.sleep(6)
        assert cluster.sent_message_ids() == {f"<restart-test.{email_id}@klachtwijzer>": 1}
        assert _state(url, email_id) == "sending"

        # Past the grace period it goes once more, with the same Message-ID, and is recorded.
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "UPDATE complaints_outgoingemail SET claimed_at = %s WHERE id = %s",
                [timezone.now() - timedelta(hours=2), email_id],
            )
        wait_until(lambda: _state(url, email_id) == "sent", timeout=TIMEOUT,
                   what="the copy after the grace period", cluster=cluster)  # fmt: skip
    assert cluster.sent_message_ids() == {f"<restart-test.{email_id}@klachtwijzer>": 2}
