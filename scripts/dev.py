#!/usr/bin/env python3
"""Set up and run Klachtwijzer, or its tests, on a machine that has only Python 3.11+.

    python3 scripts/dev.py run    install, migrate, load demo data, start web + worker + beat
    python3 scripts/dev.py test   install (with dev tools), lint, type-check, run all tests
    python3 scripts/dev.py screenshots   run the browser tests, writing docs/screenshots anew
    python3 scripts/dev.py lock   write requirements/*.txt anew from pyproject.toml (--upgrade)

Both create ``.venv`` in the project folder and install into it (again only when
pyproject.toml or a lock file changed), from the lock files in ``requirements/``: every
package at the version and with the hashes written there, so two machines get the same. Defaults are the embedded ones: a SQLite file and a filesystem
broker. Set DATABASE_URL / CELERY_BROKER_URL to use PostgreSQL and Redis or RabbitMQ.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
DEMO_PASSWORD = "demo-klacht-2026"  # noqa: S105 (the demo's published password)


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


def sh(*args: object, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


# The lock files: runtime.txt for `run`, dev.txt (with the dev tools) for `test`. Written by
# `dev.py lock` with pip-tools; an upgrade is a deliberate `dev.py lock --upgrade` and a commit.
REQUIREMENTS = ROOT / "requirements"
LOCKS = {"": REQUIREMENTS / "runtime.txt", "dev": REQUIREMENTS / "dev.txt"}
PIP_TOOLS = "pip-tools>=7.4,<8"


def ensure_venv(extra: str) -> None:
    """Create the virtualenv and install the locked packages and the project, unless it is
    already up to date."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script is started by any python3
        sys.exit("Klachtwijzer needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say("Creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    lock = LOCKS[extra]
    digest = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + lock.read_bytes() + extra.encode()
    ).hexdigest()
    stamp = VENV / f".installed-{extra or 'runtime'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"Installing dependencies{' (with ' + extra + ' tools)' if extra else ''} from {lock.name}")
    # --require-hashes: only the files whose hashes the lock names; --no-deps: nothing it
    # does not name. The project itself comes after, built with the locked setuptools.
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps", "-r", lock)
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "-e", ".")
    stamp.write_text(digest)


def lock(args: argparse.Namespace) -> int:
    """Write the lock files from pyproject.toml with pip-tools (in a throwaway environment).
    Without --upgrade the versions already locked stay where pyproject.toml allows them."""
    with tempfile.TemporaryDirectory() as folder:
        tools = Path(folder) / "venv"
        venv.EnvBuilder(with_pip=True).create(tools)
        tool_bin = tools / ("Scripts" if os.name == "nt" else "bin")
        sh(tool_bin / "python", "-m", "pip", "install", "--quiet", PIP_TOOLS)
        for extra, target in LOCKS.items():
            say(f"Locking {target.relative_to(ROOT)}")
            sh(
                tool_bin / "pip-compile",
                "--quiet",
                "--generate-hashes",
                "--allow-unsafe",
                "--strip-extras",
                # The file names only packages and hashes: where they come from is the
                # installing machine's own pip configuration.
                "--no-emit-index-url",
                "--no-emit-find-links",
                "--no-emit-trusted-host",
                *(["--upgrade"] if args.upgrade else []),
                *(["--extra", extra] if extra else []),
                "--output-file",
                target.relative_to(ROOT),
                "pyproject.toml",
                (REQUIREMENTS / "build.in").relative_to(ROOT),
            )
    return 0


def base_env(*, debug: bool) -> dict[str, str]:
    env = dict(os.environ)
    if debug:
        env.setdefault("DEBUG", "true")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _stop_like_ctrl_c(signum: int, frame: object) -> None:
    """A TERM (from a service manager, or `timeout`) stops the children as Ctrl-C does."""
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    ensure_venv("")
    env = base_env(debug=True)
    manage = [PYTHON, "manage.py"]
    say("Preparing the database")
    sh(*manage, "migrate", "--no-input", env=env)
    demo = subprocess.run(
        [str(a) for a in (*manage, "seed_demo", "--password", DEMO_PASSWORD)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )

    url = f"http://{args.host}:{args.port}/"
    say("Starting the web server and the Celery worker with its scheduler")
    children = [
        subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--beat",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
            ],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(
            [str(PYTHON), "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
            cwd=ROOT,
            env=env,
        ),
    ]
    time.sleep(2)
    print(
        f"\n{demo.stdout}\n"
        f"  Klachtwijzer runs at  {url}\n"
        f"  API documentation     {url}api/docs/\n"
        f"  Administration        {url}admin/\n"
        f"  Demo password         {DEMO_PASSWORD}\n\n"
        "  Press Ctrl-C to stop.\n",
        flush=True,
    )
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)  # the worker's main PID: a warm shutdown
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


def test(args: argparse.Namespace) -> int:
    ensure_venv("dev")
    env = base_env(debug=True)
    if not args.fast:
        say("ruff")
        sh(BIN / "ruff", "check", ".", env=env)
        sh(BIN / "ruff", "format", "--check", ".", env=env)
        say("mypy")
        sh(BIN / "mypy", ".", env=env)
        say("Django checks and migrations")
        sh(PYTHON, "manage.py", "check", env=env)
        sh(PYTHON, "manage.py", "makemigrations", "--check", "--dry-run", env=env)
    say("pytest")
    return subprocess.run(
        [str(PYTHON), "-m", "pytest", *args.pytest_args], cwd=ROOT, env=env
    ).returncode


# The browser tests write docs/screenshots/*.png only with this set (else a temporary folder),
# so that `test` leaves the tree clean; see tests/browser/helpers.py.
SCREENSHOTS_SWITCH = "KLACHTWIJZER_SCREENSHOTS"


def screenshots(args: argparse.Namespace) -> int:
    """Run the browser tests as `test` does, with the switch that makes them write the
    README's screenshots into docs/screenshots (commit them with the pages they show)."""
    ensure_venv("dev")
    env = base_env(debug=True)
    env[SCREENSHOTS_SWITCH] = "1"
    say("pytest tests/browser (writing docs/screenshots)")
    return subprocess.run(
        [str(PYTHON), "-m", "pytest", "tests/browser", *args.pytest_args], cwd=ROOT, env=env
    ).returncode


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="run the system with demo data")
    run_parser.add_argument("--host", default="127.0.0.1")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    test_parser = sub.add_parser("test", help="run the checks and the whole test suite")
    test_parser.add_argument(
        "--fast", action="store_true", help="skip ruff, mypy and Django checks"
    )
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    shots_parser = sub.add_parser(
        "screenshots", help="run the browser tests and write docs/screenshots anew"
    )
    shots_parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    lock_parser = sub.add_parser("lock", help="write the lock files in requirements/ anew")
    lock_parser.add_argument(
        "--upgrade", action="store_true", help="move every package to its newest allowed version"
    )
    args = parser.parse_args()
    commands = {"run": run, "test": test, "screenshots": screenshots, "lock": lock}
    try:
        return commands[args.command](args)
    except subprocess.CalledProcessError as exc:
        print(f"\nFailed: {' '.join(map(str, exc.cmd))} (exit {exc.returncode})", file=sys.stderr)
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
