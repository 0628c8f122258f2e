"""Cluster test: the production topology on loopback, loaded, with a web node and a worker killed.

It starts what ``deploy/`` describes, with the files from there, on free ports of 127.0.0.1:

    clients ─→ HAProxy ─→ gunicorn web node 1, web node 2 ─┐
                                                           ├─→ PgBouncer (transaction) ─→ PostgreSQL
               beat ─→ Redis ─→ Celery worker 1, worker 2 ─┘
               workers ─→ SMTP server (aiosmtpd, in this process: counts Message-IDs)

then runs a mixed load through HAProxy (complaints created, lists read, the triad walked up to
the solution, whose callback promise is due a few seconds later), kills web node 1 and worker 1
with SIGKILL halfway, keeps loading, waits for the due work to drain, and reports:

- requests failed, and whether each failure was in flight on the killed node at the kill (the
  only ones allowed: HAProxy retries idempotent requests and sends new ones elsewhere). Which
  node a failure was on comes from HAProxy's log line for it; POST and PATCH, which HAProxy
  never sends twice, go out as the first request on their own connection, so that a node's
  death answers them with a 502 that HAProxy logs with the node's name (on a kept-alive
  connection HAProxy closes the connection instead, without an answer or a log line). The
  nodes' workers also log each request's call id when they read it, as a second witness;
- complaints lost: answered 201 but not in the database (0);
- emails sent twice, counted by Message-ID at the SMTP server (0);
- due work left behind: due jobs or due emails not done after the drain (0);
- throughput before and after the kill.

Usage (from the project root; PostgreSQL on 127.0.0.1:5432, Redis, and Debian's ``haproxy`` and
``pgbouncer`` installed)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kw_cluster_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python bench/cluster_bench.py [--smoke] [--seconds 60] [--clients 8]

The database (its name must contain "bench") is dropped, created and migrated. PgBouncer will
not run as root: as root the script starts it with ``-u postgres``. Every process it starts runs
in its own process group and is stopped at the end, also after an error.

Exit status: 1 when a failure was not one in flight on the killed node, or a complaint was lost,
an email was sent twice or lost, or due work was left behind; 0 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import email
import http.client
import json
import os
import pwd
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kw_cluster_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/13"
SECRET_KEY = "cluster-bench-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
PASSWORD = "cluster-bench-2026"  # noqa: S105
# What HAProxy's health check asks for (KW_HEALTH_PATH): the process answers (ops/), without
# the database, a login, the host check or the HTTPS redirect.
HEALTH_PATH = "/health/"
NODE_HOST = "127.0.0.1"
WEB_WORKERS = 2  # sync gunicorn workers per node (and HAProxy's maxconn per node)


@dataclasses.dataclass
class Options:
    seconds: float
    clients: int
    agents: int
    promise_seconds: float
    drain_timeout: float
    database_url: str
    broker_url: str
    keep: bool
    # Whether a failed request that cannot be shown to have been on the killed node fails the
    # run (always, unless --lenient-failures asks only to report it, e.g. while diagnosing).
    strict_failures: bool = True


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="load time (kill halfway)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument(
        "--promise-seconds",
        type=float,
        default=15.0,
        help="how soon after the solution the callback promise is due",
    )
    parser.add_argument("--drain-timeout", type=float, default=120.0)
    parser.add_argument(
        "--smoke", action="store_true", help="20 s of load with 4 clients (CI: about a minute)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the logs' folder")
    parser.add_argument(
        "--lenient-failures",
        action="store_true",
        help="report failed requests not attributed to the killed node without failing the run "
        "(for diagnosis; nothing lost, doubled or left behind still fails it)",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.seconds, args.clients, args.promise_seconds, args.drain_timeout = 20.0, 4, 8.0, 60.0
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must be postgres://… (PgBouncer stands in front of it)")
    if "bench" not in urlsplit(url).path:
        parser.error("the database's name must contain 'bench': it is dropped and created")
    return Options(
        seconds=args.seconds,
        clients=args.clients,
        agents=max(2, args.clients),
        promise_seconds=args.promise_seconds,
        drain_timeout=args.drain_timeout,
        database_url=url,
        broker_url=os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER_URL),
        strict_failures=not args.lenient_failures,
        keep=args.keep,
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listens(port: int) -> bool:
    socket.create_connection(("127.0.0.1", port), 1).close()
    return True


def wait_for(condition: Any, *, timeout: float, what: str, procs: Processes) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            if condition():
                return
        procs.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


# --- Processes -----------------------------------------------------------------------------------


class Processes:
    """Child processes, each in its own process group with its own log file."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.killed: set[str] = set()

    def start(self, name: str, argv: list[str], *, env: dict[str, str]) -> None:
        log = (self.workdir / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill reaches its children too
        )
        log.close()

    def check_alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.log(name)}")

    def kill(self, name: str) -> None:
        """SIGKILL the whole group: no shutdown, no acknowledgement, no goodbye to HAProxy."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        self.killed.add(name)

    def stop_all(self) -> None:
        """TERM to every group, then KILL what still runs after 15 s."""
        for process in self.running.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        # A group whose leader ended may still hold children (gunicorn's workers): kill them.
        for process in self.running.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        self.running.clear()

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


# --- SMTP server ---------------------------------------------------------------------------------


class MailServer:
    """A real SMTP server (aiosmtpd) that counts each Message-ID it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.received: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self._lock:
            self.received[str(message["Message-ID"])] += 1
        return "250 Message accepted"

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(self.received)


# --- Set-up --------------------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def base_environment(options: Options, var_dir: Path, mail: MailServer) -> dict[str, str]:
    """The settings of every node and worker: what deploy/env/*.env.example describe."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": f"{NODE_HOST},localhost",
        "CELERY_BROKER_URL": options.broker_url,
        "KLACHTWIJZER_VAR_DIR": str(var_dir),
        "SITE_URL": "http://localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail.port),
        "DEFAULT_FROM_EMAIL": "klantenservice@example.com",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # Due work comes due within the run: ticks every second, a promise is broken at its
        # moment (no grace), so every solution makes a reminder and a broken-promise check.
        "SCHEDULER_TICK_SECONDS": "1",
        "SCHEDULER_DRAIN_SECONDS": "20",
        "PROMISE_GRACE_MINUTES": "0",
        # HAProxy on loopback speaks plain HTTP: behind it the nodes believe its
        # X-Forwarded-For (the lockout and throttles see the client), and nothing is redirected
        # to HTTPS. A production proxy terminates TLS and sends X-Forwarded-Proto: https.
        "TRUSTED_PROXY_COUNT": "1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        # The throttles stay on, counted in Redis as on several real nodes, at rates this
        # load (a handful of agents, every token fetched from one address) never reaches.
        "CACHE_URL": cache_url(options.broker_url),
        "THROTTLE_USER_RATE": "100000/minute",
        "THROTTLE_SIGN_IN_RATE": "100000/minute",
    }


def cache_url(broker_url: str) -> str:
    """The throttles' cache: the broker's Redis in the next database, or the local Redis."""
    parts = urlsplit(broker_url)
    if parts.scheme != "redis":
        return "redis://127.0.0.1:6379/12"
    number = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{(number + 1) % 16}").geturl()


def setup_django(options: Options, env: dict[str, str]) -> None:
    """This process talks to PostgreSQL directly (set-up and the final count), as an operator's
    `manage.py migrate` does."""
    os.environ.update({k: v for k, v in env.items() if k != "DATABASE_POOLER"})
    os.environ["DATABASE_URL"] = options.database_url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclasses.dataclass
class Agent:
    username: str
    token: str = ""


def make_people(count: int) -> tuple[list[Agent], list[int]]:
    """A team: its manager and ``count`` agents, all with an email address; 200 customers."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.models import Team, User
    from accounts.roles import GROUP_NAMES, Role
    from complaints.models import Customer

    password = make_password(PASSWORD)  # hashed once: the same for everyone
    team = Team.objects.create(name="Cluster team")
    manager = User.objects.create(
        username="cluster-manager",
        first_name="Marieke",
        email="manager@example.com",
        team=team,
        password=password,
    )
    manager.groups.add(Group.objects.get(name=GROUP_NAMES[Role.MANAGER]))
    team.manager = manager
    team.save(update_fields=["manager"])
    agent_group = Group.objects.get(name=GROUP_NAMES[Role.AGENT])
    agents = []
    for number in range(1, count + 1):
        user = User.objects.create(
            username=f"cluster-agent-{number}",
            first_name=f"Agent {number}",
            email=f"agent{number}@example.com",
            team=team,
            password=password,
        )
        user.groups.add(agent_group)
        agents.append(Agent(user.username))
    customers = Customer.objects.bulk_create(
        Customer(name=f"Klant {i}", email=f"klant{i}@example.com", phone=f"+31 6 1000 {i:04d}")
        for i in range(200)
    )
    return agents, [c.pk for c in customers]


def start_pgbouncer(procs: Processes, options: Options) -> int:
    """PgBouncer with deploy/pgbouncer/pgbouncer.ini.template, in front of DATABASE_URL's server."""
    parts = urlsplit(options.database_url)
    folder = procs.workdir / "pgbouncer"
    folder.mkdir()
    port = free_port()
    user = parts.username or "postgres"
    (folder / "userlist.txt").write_text(f'"{user}" ""\n')
    values = {
        "PGB_DB_NAME": parts.path.lstrip("/"),
        "PGB_LISTEN_ADDR": "127.0.0.1",
        "PGB_LISTEN_PORT": str(port),
        "PGB_SERVER_HOST": parts.hostname or "127.0.0.1",
        "PGB_SERVER_PORT": str(parts.port or 5432),
        "PGB_SERVER_DB": parts.path.lstrip("/"),
        "PGB_AUTH_TYPE": "trust",  # the local server trusts loopback too
        "PGB_AUTH_FILE": str(folder / "userlist.txt"),
        "PGB_POOL_SIZE": "10",
        "PGB_MAX_CLIENT_CONN": "200",
        "PGB_LOGFILE": str(folder / "pgbouncer.log"),
        "PGB_PIDFILE": str(folder / "pgbouncer.pid"),
    }
    template = (DEPLOY / "pgbouncer" / "pgbouncer.ini.template").read_text()
    (folder / "pgbouncer.ini").write_text(string.Template(template).substitute(values))
    argv = ["pgbouncer"]
    if os.geteuid() == 0:
        # PgBouncer refuses to run as root: it drops to this user, who must reach its files.
        run_as = "postgres" if _user_exists("postgres") else "nobody"
        account = pwd.getpwnam(run_as)
        procs.workdir.chmod(0o755)
        for path in (folder, *folder.iterdir()):
            os.chown(path, account.pw_uid, account.pw_gid)
        argv += ["-u", run_as]
    procs.start("pgbouncer", [*argv, str(folder / "pgbouncer.ini")], env=dict(os.environ))
    return port


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def pooled_url(options: Options, port: int, application_name: str) -> str:
    parts = urlsplit(options.database_url)
    netloc = f"{parts.username or 'postgres'}@127.0.0.1:{port}"
    return urlunsplit(
        (parts.scheme, netloc, parts.path, f"application_name={application_name}", "")
    )


# A gunicorn hook of this run only: each node logs the client's call id of every request the
# moment a worker has read it, so a request the node died with can be found in its log even
# when neither the node nor HAProxy answered or logged it.
CALL_HEADER = "X-Bench-Call"
CALL_LOG_HOOK = f"""
def pre_request(worker, req):
    for name, value in req.headers:
        if name == {CALL_HEADER.upper()!r}:
            worker.log.warning("bench call %s", value)
"""
CALL_LOG_LINE = re.compile(r"bench call (\S+)")


def start_web(procs: Processes, name: str, env: dict[str, str]) -> int:
    port = free_port()
    hook = procs.workdir / "gunicorn_bench_hooks.py"
    hook.write_text(CALL_LOG_HOOK)
    procs.start(
        name,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--config",
            str(hook),
            "--bind",
            f"{NODE_HOST}:{port}",
            "--workers",
            str(WEB_WORKERS),
            "--worker-class",
            "sync",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    return port


def start_worker(procs: Processes, name: str, env: dict[str, str]) -> None:
    procs.start(
        name,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--hostname",
            f"{name}@%h",
            "--queues",
            "celery,mail",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        env=env,
    )


def start_beat(procs: Processes, env: dict[str, str]) -> None:
    schedule = procs.workdir / "beat-schedule"
    procs.start(
        "beat",
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--schedule",
            str(schedule),
            "--pidfile=",
            "--loglevel",
            "WARNING",
        ],
        env=env,
    )


def start_haproxy(procs: Processes, web_ports: list[int]) -> tuple[int, int]:
    port, stats = free_port(), free_port()
    env = {
        **os.environ,
        "KW_HTTP_BIND": f"127.0.0.1:{port}",
        "KW_WEB1": f"{NODE_HOST}:{web_ports[0]}",
        "KW_WEB2": f"{NODE_HOST}:{web_ports[1]}",
        "KW_WEB_MAXCONN": str(WEB_WORKERS),
        "KW_HEALTH_PATH": HEALTH_PATH,
        "KW_HEALTH_HOST": NODE_HOST,
        "KW_STATS_BIND": f"127.0.0.1:{stats}",
    }
    if os.geteuid() == 0 and _user_exists("haproxy"):
        env["KW_HAPROXY_USER"] = "haproxy"
    config = DEPLOY / "haproxy" / "haproxy.cfg"
    procs.start("haproxy", ["haproxy", "-db", "-f", str(config)], env=env)
    return port, stats


def call_once(
    port: int, method: str, path: str, *, token: str = "", body: Any = None, timeout: float = 30
) -> tuple[int, Any, str]:
    """One request on its own connection: status, JSON body (or None), X-Request-ID."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": NODE_HOST, "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return response.status, parsed, response.getheader("X-Request-ID") or ""
    finally:
        conn.close()


def server_stats(stats_port: int) -> dict[str, dict[str, str]]:
    """HAProxy's statistics of each web node (its CSV columns by name)."""
    conn = http.client.HTTPConnection("127.0.0.1", stats_port, timeout=2)
    try:
        conn.request("GET", "/;csv")
        rows = conn.getresponse().read().decode().splitlines()
    finally:
        conn.close()
    header = rows[0].lstrip("# ").split(",")
    return {
        cols[1]: dict(zip(header, cols, strict=False))
        for cols in (row.split(",") for row in rows[1:] if row.startswith("web,"))
        if cols[1].startswith("web")
    }


def server_states(stats_port: int) -> dict[str, str]:
    """HAProxy's view of each web node: UP, DOWN, …"""
    return {name: row["status"] for name, row in server_stats(stats_port).items()}


# HAProxy's error counters per server: connection errors, response errors (the server closed
# or broke the connection before a full answer; the aborts are part of them), and retries.
ERROR_COUNTERS = ("econ", "eresp", "srv_abrt", "wretr", "wredis")


def server_errors(stats_port: int) -> dict[str, dict[str, int]]:
    return {
        name: {key: int(row.get(key) or 0) for key in ERROR_COUNTERS}
        for name, row in server_stats(stats_port).items()
    }


# --- Load ----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Call:
    kind: str
    method: str
    started: float
    ended: float
    status: int
    request_id: str
    # Whether the request went out on a connection that had already carried one (kept alive).
    reused: bool = False
    call_id: str = ""  # sent as CALL_HEADER; the web nodes log it when a worker reads it


UNSAFE_METHODS = frozenset({"POST", "PATCH"})


@dataclasses.dataclass
class Client:
    """One agent's client: a kept-alive connection to HAProxy and its complaints under way."""

    agent: Agent
    port: int
    customers: list[int]
    promise_seconds: float
    seed: int
    calls: list[Call] = dataclasses.field(default_factory=list)
    created: list[str] = dataclasses.field(default_factory=list)
    # reference → the next step
    under_way: dict[str, str] = dataclasses.field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None
    error: BaseException | None = None

    NEXT: ClassVar[dict[str, str]] = {
        "received": "understand",
        "understood": "apologise",
        "apologised": "solve",
    }
    STEP_DATA: ClassVar[dict[str, dict[str, Any]]] = {
        "understand": {
            "emotion": "frustrated",
            "intensity": 3,
            "acknowledgement": "Ik begrijp dat u hier last van hebt.",
        },
        "apologise": {"apology": "Het spijt me dat dit is gebeurd."},
    }

    def request(self, kind: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        call_id = f"{self.agent.username}.{len(self.calls)}"
        headers = {
            "Host": NODE_HOST,
            "Accept": "application/json",
            "Authorization": f"Token {self.agent.token}",
            CALL_HEADER: call_id,
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method in UNSAFE_METHODS and self.conn is not None:
            # A request that must not be sent twice goes out as the first on its connection:
            # HAProxy answers a node's failure on it with a 502 it logs with the node's name.
            # (On a kept-alive connection it would close the connection without an answer or
            # a log line, so that the client may decide to send it again.)
            self.conn.close()
            self.conn = None
        started = time.monotonic()
        status, parsed, request_id = 0, None, ""
        reused = self.conn is not None
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
            status, request_id = response.status, response.getheader("X-Request-ID") or ""
            with contextlib.suppress(ValueError):
                parsed = json.loads(raw) if raw else None
            if response.will_close:
                self.conn.close()
                self.conn = None
        except (OSError, http.client.HTTPException) as exc:
            kind = f"{kind} ({type(exc).__name__})"
            if self.conn is not None:
                self.conn.close()
            self.conn = None
        self.calls.append(
            Call(kind, method, started, time.monotonic(), status, request_id, reused, call_id)
        )
        return status, parsed

    def run(self, stop: threading.Event) -> None:
        try:
            self._run(stop)
        except BaseException as exc:  # the main thread reports it: a silent thread would
            self.error = exc  # make a smaller load look like a healthy one
            stop.set()

    def _run(self, stop: threading.Event) -> None:
        rng = random.Random(self.seed)
        while not stop.is_set():
            roll = rng.random()
            if roll < 0.25 or (roll < 0.55 and not self.under_way):
                self.create(rng)
            elif roll < 0.55:
                self.step(rng)
            elif roll < 0.9:
                query = rng.choice(["", "&stage=received", "&stage=solving", "&priority=high"])
                self.request("list", "GET", f"/api/complaints/?page_size=25{query}")
            else:
                reference = rng.choice(self.created) if self.created else None
                if reference:
                    self.request("detail", "GET", f"/api/complaints/{reference}/")
        if self.conn is not None:
            self.conn.close()

    def create(self, rng: random.Random) -> None:
        status, body = self.request(
            "create",
            "POST",
            "/api/complaints/",
            {
                "customer": rng.choice(self.customers),
                "channel": rng.choice(["phone", "email", "chat", "web_form"]),
                "subject": "Pakket beschadigd bezorgd",
                "facts": "De doos was ingedeukt en de lamp is gebroken.",
                "priority": rng.choice(["normal", "high", "low"]),
            },
        )
        if status == 201 and body:
            self.created.append(body["reference"])
            self.under_way[body["reference"]] = "understand"

    def step(self, rng: random.Random) -> None:
        reference = rng.choice(list(self.under_way))
        action = self.under_way[reference]
        if action == "solve":
            promised_at = datetime.now(UTC) + timedelta(seconds=self.promise_seconds)
            data: dict[str, Any] = {
                "facts_summary": "Lamp gebroken bij bezorging.",
                "next_steps": "Ik regel een nieuwe lamp en bel u terug.",
                "promised_at": promised_at.isoformat(),
            }
        else:
            data = self.STEP_DATA[action]
        status, body = self.request(action, "POST", f"/api/complaints/{reference}/{action}/", data)
        if status == 200 and body:
            self.advance(reference, body["stage"])
        elif status >= 500 or status == 0:
            # The answer was lost (the node died): the step may have happened; read the stage.
            status, body = self.request("detail", "GET", f"/api/complaints/{reference}/")
            if status == 200 and body:
                self.advance(reference, body["stage"])
        else:
            self.under_way.pop(reference)  # a 4xx is counted as a failure; leave it be

    def advance(self, reference: str, stage: str) -> None:
        if stage in self.NEXT:
            self.under_way[reference] = self.NEXT[stage]
        else:
            self.under_way.pop(reference, None)


# --- Results -------------------------------------------------------------------------------------

LOG_LINE = re.compile(
    r"^\S+ \[[^\]]+\] \S+ (?P<backend>[^/\s]+)/(?P<server>\S+) \S+ (?P<status>-?\d+) \S+ "
    r"(?P<term>\S+) \S+ \S+ \"(?P<request>[^\"]*)\" (?P<id>\S+)$"
)


def haproxy_log(path: Path) -> dict[str, dict[str, str]]:
    """HAProxy's log lines by request id: which node, the status, the termination state."""
    found: dict[str, dict[str, str]] = {}
    for line in path.read_text(errors="replace").splitlines():
        if match := LOG_LINE.match(line.strip()):
            found[match["id"]] = match.groupdict()
    return found


def rate(calls: list[Call], start: float, end: float) -> float:
    done = sum(1 for c in calls if start <= c.ended < end and 200 <= c.status < 300)
    return done / (end - start) if end > start else 0.0


# --- The run, step by step -----------------------------------------------------------------------


def prepare(options: Options, env: dict[str, str]) -> tuple[list[Agent], list[int]]:
    """A fresh, migrated database with the people, and the static files the pages need."""
    print(f"Database {urlsplit(options.database_url).path.lstrip('/')}: recreating, migrating")
    recreate_database(options.database_url)
    setup_django(options, env)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    people = make_people(options.agents)
    connection.close()
    return people


def start_cluster(procs: Processes, options: Options, env: dict[str, str]) -> tuple[int, int]:
    """PgBouncer, two web nodes, HAProxy, two workers and beat; HAProxy's and its stats' port."""
    from config.celery import app

    app.control.purge()  # what an earlier run left in the broker
    print("Starting PgBouncer, 2 web nodes, HAProxy, 2 workers, beat")
    pgbouncer = start_pgbouncer(procs, options)
    wait_for(
        lambda: listens(pgbouncer),
        timeout=20,
        what="PgBouncer",
        procs=procs,
    )

    def role_env(name: str) -> dict[str, str]:
        return env | {
            "DATABASE_URL": pooled_url(options, pgbouncer, f"kw-{name}"),
            "DATABASE_POOLER": "pgbouncer-transaction",
        }

    web_ports = [start_web(procs, name, role_env(name)) for name in ("web1", "web2")]
    port, stats = start_haproxy(procs, web_ports)
    for name in ("worker1", "worker2"):
        start_worker(procs, name, role_env(name))
    start_beat(procs, role_env("beat"))
    wait_for(
        lambda: set(server_states(stats).values()) == {"UP"},
        timeout=90,
        what="both web nodes up in HAProxy",
        procs=procs,
    )
    wait_for(
        lambda: len(app.control.ping(timeout=1.0) or []) == 2,
        timeout=90,
        what="two workers",
        procs=procs,
    )
    return port, stats


def sign_in(port: int, agents: list[Agent]) -> None:
    """Each agent's token, from the endpoint an integration uses."""
    for agent in agents:
        status, body, _ = call_once(
            port,
            "POST",
            "/api/auth/token/",
            body={"username": agent.username, "password": PASSWORD},
        )
        if status != 200 or not body or "token" not in body:
            raise RuntimeError(f"POST /api/auth/token/ answered {status}: {body}")
        agent.token = body["token"]


@dataclasses.dataclass
class Load:
    clients: list[Client]
    started: float
    killed_at: float
    ended: float
    out_after: float | None  # seconds from the kill until HAProxy had web1 down
    # HAProxy's error counters per web node at the end of the load (ERROR_COUNTERS).
    errors: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)

    @property
    def calls(self) -> list[Call]:
        return [call for client in self.clients for call in client.calls]


def run_load(
    procs: Processes,
    options: Options,
    ports: tuple[int, int],
    people: tuple[list[Agent], list[int]],
) -> Load:
    """The clients for ``options.seconds``; web1 and worker1 killed at half-time."""
    port, stats = ports
    agents, customers = people
    clients = [
        Client(agent, port, customers, options.promise_seconds, seed=i)
        for i, agent in enumerate(agents[: options.clients])
    ]
    stop = threading.Event()
    threads = [threading.Thread(target=c.run, args=(stop,), daemon=True) for c in clients]
    print(f"Load: {options.clients} clients for {options.seconds:.0f} s; kill at half-time")
    started = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(options.seconds / 2)
    killed_at = time.monotonic()
    procs.kill("web1")
    procs.kill("worker1")
    out_after = None
    while time.monotonic() - started < options.seconds and not stop.is_set():
        if out_after is None:
            with contextlib.suppress(OSError, ValueError):
                if server_states(stats).get("web1", "").startswith("DOWN"):
                    out_after = time.monotonic() - killed_at
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    ended = time.monotonic()
    for client in clients:
        if client.error is not None:
            raise RuntimeError(f"client {client.agent.username} stopped") from client.error
    return Load(clients, started, killed_at, ended, out_after, server_errors(stats))


@dataclasses.dataclass
class Drain:
    seconds: float
    jobs_left: int
    emails_left: int
    promises: int
    reminded: int
    broken: int


def drain(options: Options) -> Drain:
    """Wait until every promise is due and no due job or due email is pending (or time-out)."""
    from django.db.models import Max
    from django.utils import timezone

    from complaints.models import (
        CallbackPromise,
        EmailState,
        JobState,
        OutgoingEmail,
        PromiseState,
        ScheduledJob,
    )

    last_due = CallbackPromise.objects.aggregate(last=Max("due_at"))["last"] or timezone.now()

    def left_behind() -> tuple[int, int]:
        now = timezone.now()
        jobs = ScheduledJob.objects.filter(state=JobState.PENDING, due_at__lte=now).count()
        emails = OutgoingEmail.objects.filter(
            state=EmailState.PENDING, next_attempt_at__lte=now
        ).count()
        return jobs, emails

    started = time.monotonic()
    while time.monotonic() - started < options.drain_timeout:
        if timezone.now() > last_due + timedelta(seconds=2) and left_behind() == (0, 0):
            break
        time.sleep(0.5)
    seconds = time.monotonic() - started
    jobs_left, emails_left = left_behind()
    return Drain(
        seconds=seconds,
        jobs_left=jobs_left,
        emails_left=emails_left,
        promises=CallbackPromise.objects.count(),
        reminded=CallbackPromise.objects.filter(reminded_at__isnull=False).count(),
        broken=CallbackPromise.objects.filter(state=PromiseState.BROKEN).count(),
    )


@dataclasses.dataclass
class Emails:
    queued: int
    sent: int
    received: int
    twice: int
    lost: int  # recorded as sent, never at the SMTP server
    sending: int  # held by the killed worker mid-send
    sending_delivered: int


def email_figures(mail: MailServer) -> Emails:
    """The outbox's rows against the Message-IDs the SMTP server accepted."""
    from complaints.models import EmailState, OutgoingEmail

    received = mail.counts()
    rows: list[dict[str, Any]] = [
        dict(row) for row in OutgoingEmail.objects.values("pk", "key", "state")
    ]

    def arrived(row: dict[str, Any]) -> int:
        return received[f"<{row['key']}.{row['pk']}@klachtwijzer>"]

    sent = [r for r in rows if r["state"] == EmailState.SENT]
    sending = [r for r in rows if r["state"] == EmailState.SENDING]
    return Emails(
        queued=len(rows),
        sent=len(sent),
        received=sum(received.values()),
        twice=sum(1 for times in received.values() if times > 1),
        lost=sum(1 for r in sent if arrived(r) == 0),
        sending=len(sending),
        sending_delivered=sum(1 for r in sending if arrived(r) > 0),
    )


def complaint_figures(load: Load) -> tuple[int, int, int]:
    """Complaints answered 201, those of them not in the database, and those in the database
    whose answer the client never got."""
    from complaints.models import Complaint

    created = {ref for client in load.clients for ref in client.created}
    stored = set(
        Complaint.objects.filter(owner__username__startswith="cluster-agent-").values_list(
            "reference", flat=True
        )
    )
    return len(created), len(created - stored), len(stored - created)


def calls_read(workdir: Path, node: str) -> set[str]:
    """The call ids a node's workers read (CALL_LOG_HOOK)."""
    path = workdir / f"{node}.log"
    text = path.read_text(errors="replace") if path.exists() else ""
    return set(CALL_LOG_LINE.findall(text))


def failures(load: Load, workdir: Path) -> tuple[list[Call], list[Call], int]:
    """Failed requests in flight on web1 when it was killed (or handed to it while it died,
    before HAProxy took it out), the other failures, and how many requests were in flight at
    the kill.

    Where a failed request was is read from two logs. HAProxy's names the node of every request
    it answered, also with an error status. A request on a kept-alive client connection whose
    node failed before answering gets no answer and no HAProxy log line: HAProxy closes the
    client's connection, as the node would have, so that the client may decide to send it
    again. For those the nodes' own logs say which node's worker had read the request.
    """
    log = haproxy_log(workdir / "haproxy.log")
    read = {node: calls_read(workdir, node) for node in ("web1", "web2")}
    failed = [c for c in load.calls if not 200 <= c.status < 300]

    def where(call: Call) -> str:
        if server := log.get(call.request_id, {}).get("server"):
            return server
        nodes = [node for node, ids in read.items() if call.call_id in ids]
        return nodes[0] if len(nodes) == 1 else "?"

    # From the kill until HAProxy had web1 out of its rotation (measured by polling its
    # statistics every 0.1 s, hence the margin), a request could still be handed to web1's
    # dying sockets.
    dying_until = load.killed_at + (load.out_after or 0.0) + 0.2

    def on_web1(call: Call) -> bool:
        return (
            call.ended >= load.killed_at and call.started <= dying_until and (where(call) == "web1")
        )

    on_killed = [c for c in failed if on_web1(c)]
    others = [c for c in failed if c not in on_killed]
    in_flight = sum(1 for c in load.calls if c.started <= load.killed_at <= c.ended)
    for call in others[:10]:
        print(
            f"  failed: {call.method} {call.kind} → {call.status} at "
            f"{call.started - load.started:.1f}–{call.ended - load.started:.1f} s, "
            f"node {where(call)}, HAProxy {log.get(call.request_id, {}).get('term', '-')}, "
            f"{'kept-alive' if call.reused else 'new'} connection"
        )
    return on_killed, others, in_flight


def report(options: Options, load: Load, drained: Drain, mail: MailServer, workdir: Path) -> int:
    """Print the figures; 1 when one of the zero-figures is not zero."""
    calls = load.calls
    on_killed, others, in_flight = failures(load, workdir)
    created, lost, unanswered = complaint_figures(load)
    emails = email_figures(mail)
    broker = urlsplit(options.broker_url).scheme
    kinds = Counter(c.kind for c in calls)
    print()
    print(f"topology:    HAProxy → 2 gunicorn nodes × {WEB_WORKERS} sync workers → PgBouncer")
    print(f"             (transaction pooling) → PostgreSQL; 2 Celery workers, 1 beat on {broker}")
    print(
        f"load:        {options.clients} clients, {load.ended - load.started:.0f} s; web1 and "
        f"worker1 killed (SIGKILL) at {load.killed_at - load.started:.1f} s"
    )
    print("requests:    " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items())))
    print(
        f"throughput:  {rate(calls, load.started, load.killed_at):.1f} req/s before the kill, "
        f"{rate(calls, load.killed_at, load.ended):.1f} req/s after"
    )
    if load.out_after is not None:
        print(f"web1 out of HAProxy's rotation {load.out_after:.1f} s after the kill")
    print(
        f"failed:      {len(on_killed) + len(others)} of {len(calls):,} requests: "
        f"{len(on_killed)} on web1 as it was killed ({in_flight} in flight in all at the kill), "
        f"{len(others)} others"
    )
    print(
        f"complaints:  {created:,} answered 201, lost: {lost}; created though the answer "
        f"was lost: {unanswered}"
    )
    print(
        f"promises:    {drained.promises:,} made (due {options.promise_seconds:.0f} s after the "
        f"solution), {drained.reminded:,} reminded, {drained.broken:,} broken; drained "
        f"{drained.seconds:.1f} s after the load"
    )
    print(
        f"emails:      {emails.queued:,} queued, {emails.sent:,} sent, {emails.received:,} "
        f"received by the SMTP server; sent twice: {emails.twice}; lost: {emails.lost}"
    )
    if emails.sending:
        print(
            f"             {emails.sending} held by the killed worker mid-send "
            f"({emails.sending_delivered} reached the SMTP server): they go again, with the "
            "same Message-ID, after EMAIL_RESEND_GRACE_SECONDS"
        )
    print(f"due work left behind: {drained.jobs_left} jobs, {drained.emails_left} emails")
    for name, counters in sorted(load.errors.items()):
        print(f"HAProxy {name}: " + ", ".join(f"{k} {v}" for k, v in counters.items()))
    unattributed = "failures not on the killed node"
    if others and not options.strict_failures:
        print(f"WARNING: {unattributed}: {len(others)} (not counted: --lenient-failures)")
    problems = {
        name: count
        for name, count in {
            unattributed: len(others) if options.strict_failures else 0,
            "complaints lost": lost,
            "emails sent twice": emails.twice,
            "emails lost": emails.lost,
            "due jobs left behind": drained.jobs_left,
            "due emails left behind": drained.emails_left,
            "promises not dispatched": drained.promises - drained.broken,
            "no load": int(not created or not drained.promises),
        }.items()
        if count
    }
    if problems:
        print("FAILED: " + ", ".join(f"{name}: {n}" for name, n in problems.items()))
        return 1
    print("OK: nothing lost, nothing doubled, nothing left behind")
    return 0


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    for tool in ("haproxy", "pgbouncer"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (apt-get install -y haproxy pgbouncer)")
    workdir = Path(tempfile.mkdtemp(prefix="kw-cluster-bench-"))
    procs = Processes(workdir)
    mail = MailServer()
    status = 1
    try:
        mail.controller.start()
        env = base_environment(options, ROOT / "var" / "cluster-bench", mail)
        people = prepare(options, env)
        ports = start_cluster(procs, options, env)
        sign_in(ports[0], people[0])
        load = run_load(procs, options, ports, people)
        drained = drain(options)
        procs.stop_all()
        status = report(options, load, drained, mail, workdir)
        return status
    finally:
        procs.stop_all()
        mail.controller.stop()
        if status == 0 and not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"logs in {workdir}")


if __name__ == "__main__":
    sys.exit(main())
