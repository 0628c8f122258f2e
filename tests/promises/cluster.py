"""Real Celery workers and beat schedulers as child processes, for the fault tests and the
benchmark: they run the project's own settings against the test database and the configured
broker, send mail into files, and tick every second instead of every minute."""

from __future__ import annotations

import contextlib
import email
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent.parent


def database_url(db: dict[str, Any], *, application_name: str = "") -> str:
    """A DATABASE_URL for the (test) database Django is connected to."""
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    query = f"?application_name={application_name}" if application_name else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}{query}"


class Cluster:
    """Workers and beat schedulers sharing one folder for their mail and filesystem broker."""

    def __init__(
        self,
        *,
        workdir: Path,
        database: dict[str, Any],
        broker_url: str,
        batch_size: int = 50,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.workdir = workdir
        self.mail_dir = workdir / "mail"
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.database = database
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
            "CELERY_BROKER_URL": broker_url,
            "KLACHTWIJZER_VAR_DIR": str(workdir / "var"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "SCHEDULER_TICK_SECONDS": "1",
            "SCHEDULER_BATCH_SIZE": str(batch_size),
            "SCHEDULER_DRAIN_SECONDS": "20",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def _start(self, name: str, args: list[str], *, application_name: str) -> None:
        env = self.env | {
            "DATABASE_URL": database_url(self.database, application_name=application_name)
        }
        log = (self.workdir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill reaches all of it
        )

    def worker(self, name: str, *, queues: str = "celery,mail", concurrency: int = 1) -> None:
        pool = ["--pool", "solo"] if concurrency == 1 else ["--concurrency", str(concurrency)]
        self._start(
            name,
            [
                "worker",
                *pool,
                "-n",
                f"{name}@%h",
                "-Q",
                queues,
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "WARNING",
            ],
            application_name=f"kw-{name}",
        )

    def beat(self, name: str) -> None:
        folder = self.workdir / name
        folder.mkdir(exist_ok=True)
        self._start(
            name,
            [
                "beat",
                "--schedule",
                str(folder / "schedule"),
                "--pidfile",
                str(folder / "beat.pid"),
                "--loglevel",
                "WARNING",
            ],
            application_name=f"kw-{name}",
        )

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group: no warm shutdown, no acknowledgement."""
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        """TERM to each main PID (a warm shutdown), then KILL what is still running."""
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.workdir.glob("*.log"))
        )

    def sent_message_ids(self) -> Counter[str]:
        """How often each Message-ID reached the (file) mail server."""
        seen: Counter[str] = Counter()
        for path in self.mail_dir.glob("*.log"):
            # The file backend separates messages with a line of 79 dashes.
            for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
                if chunk.strip():
                    seen[email.message_from_string(chunk.strip())["Message-ID"]] += 1
        return seen

    def wipe_filesystem_broker(self) -> None:
        """The embedded broker's restart: every message it held is gone."""
        var = self.workdir / "var"
        for folder in ("broker", "broker-processed"):
            shutil.rmtree(var / folder, ignore_errors=True)
            (var / folder).mkdir(parents=True)


@contextlib.contextmanager
def running(cluster: Cluster) -> Iterator[Cluster]:
    try:
        yield cluster
    finally:
        cluster.stop()


def wait_until(
    condition: Callable[[], bool], *, timeout: float, what: str, cluster: Cluster
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{cluster.logs()}")
        time.sleep(0.05)
