"""The files in deploy/ work with the binaries Debian installs, and the settings a node gets
behind PgBouncer in transaction mode keep it working there.

HAProxy checks its configuration itself (``haproxy -c``); PgBouncer has no such check, so its
template is rendered and run, and Django's own connections go through it. Without ``haproxy`` or
``pgbouncer`` these tests are skipped with a message; with ``CI=true`` they fail instead.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import pwd
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
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.utils import ConnectionHandler, DatabaseError

from config.env import database_behind_pooler, database_from_url

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed (apt-get install -y {tool})"
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"{message}. CI=true: the deploy files must be checked in CI.")
        pytest.skip(message)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- HAProxy -------------------------------------------------------------------------------------

HAPROXY_ENV = {
    "KW_HTTP_BIND": "127.0.0.1:8080",
    "KW_WEB1": "10.0.0.11:8000",
    "KW_WEB2": "10.0.0.12:8000",
    "KW_WEB_MAXCONN": "4",
    "KW_HEALTH_PATH": "/login/",
    "KW_HEALTH_HOST": "klachten.example.com",
}


def _haproxy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_need("haproxy"), "-c", "-f", str(DEPLOY / "haproxy" / "haproxy.cfg")],
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_haproxy_config_is_valid_with_the_example_values():
    example = DEPLOY / "env" / "haproxy.env.example"
    values = dict(
        line.split("=", 1)
        for line in example.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    if not _has_user(values["KW_HAPROXY_USER"]):  # Debian's package makes it
        del values["KW_HAPROXY_USER"]

    result = _haproxy_check(values)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration file is valid" in result.stdout + result.stderr


def test_haproxy_config_without_a_node_address_is_refused():
    result = _haproxy_check({k: v for k, v in HAPROXY_ENV.items() if k != "KW_WEB2"})

    assert result.returncode != 0
    assert "server" in result.stderr


class _Node(ThreadingHTTPServer):
    """A stand-in web node that records the headers of every request; under /drop/ it closes
    the connection without answering, as a node killed mid-request does."""

    def __init__(self, name: str, *, drops: bool) -> None:
        self.name, self.drops = name, drops
        self.seen: list[dict[str, str]] = []
        super().__init__(("127.0.0.1", 0), _NodeHandler)


class _NodeHandler(BaseHTTPRequestHandler):
    server: _Node

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path != "/login/":  # the health check is not a request of the test
            headers = {name.lower(): value for name, value in self.headers.items()}
            self.server.seen.append({"path": self.path, "method": self.command, **headers})
        if self.server.drops and self.path.startswith("/drop/"):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        body = self.server.name.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _haproxy_in_front_of(nodes: list[_Node]) -> Iterator[int]:
    threads = [threading.Thread(target=n.serve_forever, daemon=True) for n in nodes]
    for thread in threads:
        thread.start()
    port = _free_port()
    env = HAPROXY_ENV | {
        "KW_HTTP_BIND": f"127.0.0.1:{port}",
        "KW_WEB1": f"127.0.0.1:{nodes[0].server_address[1]}",
        "KW_WEB2": f"127.0.0.1:{nodes[1].server_address[1]}",
    }
    process = subprocess.Popen(
        [_need("haproxy"), "-db", "-f", str(DEPLOY / "haproxy" / "haproxy.cfg")],
        env={"PATH": os.environ.get("PATH", ""), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20  # a guard against a hang, not a timing assertion
        while _get(port, "/login/")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("HAProxy did not answer within 20 s")
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        for node in nodes:
            node.shutdown()
            node.server_close()


def _get(port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=b"{}" if method == "POST" else None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode(), dict(response.getheaders())
    except OSError:
        return 0, "", {}
    finally:
        conn.close()


def test_haproxy_tells_the_node_who_asked_over_what_with_a_request_id():
    nodes = [_Node("web1", drops=False), _Node("web2", drops=False)]
    with _haproxy_in_front_of(nodes) as port:
        status, _body, headers = _get(
            port, "/api/me/", headers={"X-Forwarded-For": "6.6.6.6", "X-Request-ID": "mine"}
        )

    (seen,) = [request for node in nodes for request in node.seen]
    assert status == 200
    assert seen["x-forwarded-for"] == "127.0.0.1"  # the client's own claim is dropped
    assert seen["x-forwarded-proto"] == "http"
    assert seen["x-request-id"] not in {"", "mine"}
    assert {k.lower(): v for k, v in headers.items()}["x-request-id"] == seen["x-request-id"]


def test_haproxy_retries_a_dropped_get_elsewhere_but_never_sends_a_post_twice():
    nodes = [_Node("web1", drops=True), _Node("web2", drops=True)]
    nodes[1].drops = False
    with _haproxy_in_front_of(nodes) as port:
        gets = [_get(port, f"/drop/get-{i}")[:2] for i in range(6)]
        posts = [_get(port, f"/drop/post-{i}", method="POST")[:2] for i in range(6)]

    assert gets == [(200, "web2")] * 6
    dropped_gets = [r for r in nodes[0].seen if r["method"] == "GET"]
    assert dropped_gets, "no GET reached the dropping node: nothing was retried"
    # Each POST reached one node once: answered by web2, or dropped by web1 and answered 502.
    received = Counter(r["path"] for node in nodes for r in node.seen if r["method"] == "POST")
    assert received == {f"/drop/post-{i}": 1 for i in range(6)}
    failed = {path for path in received if any(r["path"] == path for r in nodes[0].seen)}
    assert {f"/drop/post-{i}" for i, (status, _) in enumerate(posts) if status == 502} == failed
    assert all(status in {200, 502} for status, _ in posts)


# --- PgBouncer -----------------------------------------------------------------------------------


@pytest.fixture
def postgres_server() -> dict[str, Any]:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…) to stand behind PgBouncer")
    return database


@contextlib.contextmanager
def _pgbouncer(server: dict[str, Any], *, pool_size: int) -> Iterator[int]:
    """The template rendered and run in front of ``server``'s ``postgres`` database."""
    binary = _need("pgbouncer")
    # Not in pytest's tmp_path: its parents are private to this user, and PgBouncer runs as
    # another one when the tests run as root.
    folder = Path(tempfile.mkdtemp(prefix="kw-pgbouncer-"))
    try:
        with _pgbouncer_in(folder, binary, server, pool_size=pool_size) as port:
            yield port
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _pgbouncer_in(
    folder: Path, binary: str, server: dict[str, Any], *, pool_size: int
) -> Iterator[int]:
    port = _free_port()
    user = server["USER"] or "postgres"
    (folder / "userlist.txt").write_text(f'"{user}" "{server["PASSWORD"] or ""}"\n')
    template = (DEPLOY / "pgbouncer" / "pgbouncer.ini.template").read_text()
    ini = string.Template(template).substitute(
        PGB_DB_NAME="postgres",
        PGB_LISTEN_ADDR="127.0.0.1",
        PGB_LISTEN_PORT=str(port),
        PGB_SERVER_HOST=server["HOST"] or "127.0.0.1",
        PGB_SERVER_PORT=str(server["PORT"] or 5432),
        PGB_SERVER_DB="postgres",
        PGB_AUTH_TYPE="trust",
        PGB_AUTH_FILE=str(folder / "userlist.txt"),
        PGB_POOL_SIZE=str(pool_size),
        PGB_MAX_CLIENT_CONN="20",
        PGB_LOGFILE=str(folder / "pgbouncer.log"),
        PGB_PIDFILE=str(folder / "pgbouncer.pid"),
    )
    (folder / "pgbouncer.ini").write_text(ini)
    argv = [binary]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        account = pwd.getpwnam("postgres" if _has_user("postgres") else "nobody")
        for path in (folder, *folder.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)
            os.chown(path, account.pw_uid, account.pw_gid)
        argv += ["-u", account.pw_name]
    process = subprocess.Popen(
        [*argv, str(folder / "pgbouncer.ini")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20  # a guard against a hang, not a timing assertion
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"pgbouncer exited with {process.returncode}:\n{output}")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            if time.monotonic() > deadline:
                pytest.fail("pgbouncer did not listen within 20 s")
            time.sleep(0.1)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _through(port: int, server: dict[str, Any], *, pooler: str) -> dict[str, Any]:
    """The DATABASES entry a node gets for DATABASE_URL pointing at PgBouncer."""
    password = f":{server['PASSWORD']}" if server["PASSWORD"] else ""
    url = f"postgres://{server['USER'] or 'postgres'}{password}@127.0.0.1:{port}/postgres"
    return database_behind_pooler(database_from_url(url, base_dir=ROOT), pooler)


def _alternate_queries(handler: ConnectionHandler, rounds: int) -> None:
    """Two connections take turns, each with its own repeated statement, as two gunicorn
    workers would; with one server connection in the pool they share it."""
    for number in range(rounds):
        for alias, sql in (("default", "SELECT %s::int + 1"), ("other", "SELECT %s::int * 2")):
            with handler[alias].cursor() as cursor:
                cursor.execute(sql, [number])
                assert cursor.fetchone() is not None


def test_pgbouncer_template_runs_in_transaction_mode(postgres_server, django_db_blocker):
    with _pgbouncer(postgres_server, pool_size=1) as port:
        entry = _through(port, postgres_server, pooler="pgbouncer-transaction")
        handler = ConnectionHandler({"default": entry, "other": dict(entry)})
        with django_db_blocker.unblock():
            try:
                # A session-level SET of one client shows up in the other's: both were given the
                # one server connection, transaction by transaction (why the code never does it).
                with handler["default"].cursor() as cursor:
                    cursor.execute("SET statement_timeout = '4321ms'")
                with handler["other"].cursor() as cursor:
                    cursor.execute("SHOW statement_timeout")
                    leaked = cursor.fetchone()
            finally:
                handler.close_all()

    assert leaked == ("4321ms",)


def test_node_settings_behind_pgbouncer_never_prepare(postgres_server, django_db_blocker):
    with _pgbouncer(postgres_server, pool_size=1) as port:
        # Without DATABASE_POOLER: statements prepared on the fifth run. Both connections name
        # their first prepared statement alike on the one server connection, and it fails.
        plain = ConnectionHandler(
            {
                "default": _through(port, postgres_server, pooler=""),
                "other": _through(port, postgres_server, pooler=""),
            }
        )
        with django_db_blocker.unblock():
            try:
                with pytest.raises(DatabaseError, match="prepared statement"):
                    _alternate_queries(plain, rounds=10)
            finally:
                plain.close_all()

            pooled = ConnectionHandler(
                {
                    "default": _through(port, postgres_server, pooler="pgbouncer-transaction"),
                    "other": _through(port, postgres_server, pooler="pgbouncer-transaction"),
                }
            )
            try:
                _alternate_queries(pooled, rounds=10)
                thresholds = {pooled[a].connection.prepare_threshold for a in ("default", "other")}
            finally:
                pooled.close_all()

    assert thresholds == {None}


# --- Settings ------------------------------------------------------------------------------------


def _settings_databases(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_POOLER"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; d = s.DATABASES['default']; "
            "print(d['OPTIONS'].get('prepare_threshold'), d.get('DISABLE_SERVER_SIDE_CURSORS'))",
        ],
        cwd=ROOT,
        env={**clean, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_behind_pgbouncer_turn_off_prepared_statements_and_server_side_cursors():
    url = "postgres://kw@127.0.0.1:6432/klachtwijzer"

    behind = _settings_databases({"DATABASE_URL": url, "DATABASE_POOLER": "pgbouncer-transaction"})
    direct = _settings_databases({"DATABASE_URL": url})

    assert behind.returncode == 0, behind.stderr
    assert behind.stdout.split() == ["None", "True"]
    assert direct.stdout.split() == ["5", "None"]


def test_pooler_keeps_the_urls_other_options(tmp_path):
    entry = database_from_url(
        "postgres://kw@db:6432/k?sslmode=require&prepare_threshold=3", base_dir=tmp_path
    )

    behind = database_behind_pooler(entry, "pgbouncer-transaction")

    assert behind["OPTIONS"]["sslmode"] == "require"
    assert behind["OPTIONS"]["prepare_threshold"] is None
    assert behind["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database_behind_pooler(entry, "none") is entry


@pytest.mark.parametrize(
    ("url", "pooler", "message"),
    [
        ("postgres://kw@db/k", "pgbouncer", "DATABASE_POOLER must be one of"),
        ("sqlite:///db.sqlite3", "pgbouncer-transaction", "needs a postgres://"),
    ],
)
def test_an_unknown_pooler_or_sqlite_behind_one_is_refused(tmp_path, url, pooler, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_behind_pooler(database_from_url(url, base_dir=tmp_path), pooler)
