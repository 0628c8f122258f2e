"""Error reporting: nothing starts without SENTRY_DSN; with one, an exception in a view reaches
the server it names (a real HTTP server in this test, collecting the envelopes)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk

from ops.sentry import init_sentry
from tests.promises.cluster import ROOT

_PROGRAM = """
import django; django.setup()
import sentry_sdk
print("active" if sentry_sdk.get_client().is_active() else "inactive")
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.ops.boom_urls"):
    response = Client(raise_request_exception=False).get(
        "/boom/?q=Fatima+el+Amrani", HTTP_X_REQUEST_ID="sentry-req-0001"
    )
print(response.status_code)
sentry_sdk.flush(timeout=10)
"""


class Collector(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.posts: list[tuple[str, bytes]] = []


class _Handler(BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.server.posts.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _run(env: dict[str, str], tmp_path: Path) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    result = subprocess.run(
        [sys.executable, "-c", _PROGRAM],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
            "ALLOWED_HOSTS": "testserver",
            "KLACHTWIJZER_VAR_DIR": str(tmp_path / "var"),
            "LOG_LEVEL": "CRITICAL",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_without_a_dsn_nothing_is_started(tmp_path, collector):
    assert init_sentry(dsn="", environment="x", release="", traces_sample_rate=0.0) is False
    assert not sentry_sdk.get_client().is_active()  # this test process has no DSN either
    assert _run({}, tmp_path) == ["inactive", "500"]
    assert collector.posts == []


def test_an_exception_in_a_view_reaches_the_dsn_server(tmp_path, collector):
    port = collector.server_address[1]
    env = {
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/42",
        "SENTRY_ENVIRONMENT": "ci-test",
        "SENTRY_RELEASE": "klachtwijzer@test-1",
    }
    assert _run(env, tmp_path) == ["active", "500"]
    paths = {path for path, _ in collector.posts}
    assert paths == {"/api/42/envelope/"}
    raw = b"\n".join(body for _, body in collector.posts)
    items = [json.loads(line) for line in raw.splitlines() if line.strip().startswith(b"{")]
    (event,) = [item for item in items if "exception" in item]
    (error,) = [e for e in event["exception"]["values"] if e["type"] == "RuntimeError"]
    assert error["value"] == "boom from the error-reporting test"
    assert event["environment"] == "ci-test"
    assert event["release"] == "klachtwijzer@test-1"
    assert event["tags"]["request_id"] == "sentry-req-0001"
    # No personal data: neither the query (a customer's name) nor the frames' variables.
    assert b"Fatima" not in raw
    frames = error["stacktrace"]["frames"]
    assert frames
    assert not any("vars" in frame for frame in frames)
