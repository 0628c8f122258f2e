"""Real-browser tests: pytest-playwright driving Debian's Chromium against ``live_server``.

Fixtures for the tests in this folder (see README.md here):

``page_for(user, language="en")``  a fresh browser context logged in as ``user`` → its page
``anonymous_page(language="en")``  a fresh browser context, not logged in → its page
``login(page, user, password=PASSWORD)``  log in through the real form at /login/
``live_url(path="/")``  the live server's absolute URL for ``path``
``check_a11y(page)``    run axe-core (WCAG 2.0/2.1/2.2 A and AA) and fail on any violation
``screenshot(page, name)``  a full-page PNG <name>.png: in docs/screenshots only when the run
                           refreshes them (``python3 scripts/dev.py screenshots`` sets
                           KLACHTWIJZER_SCREENSHOTS=1), else in a temporary folder

Every context has the live server as ``base_url``, so ``page.goto("/login/")`` works.

Each test runs in its own browser context (cookies, language) on one Chromium per run of
this folder. The tests are transactional (the live server runs in another thread), so each
ends with a flush of every table; ``serialized_rollback`` puts the migrated rows (role
groups, root causes) back before the next test, and once more after the last one.

Playwright's sync API keeps an event loop marked as running in the main thread while it is
started. Django's ORM then refuses to run ("You cannot call this from an async context"),
so ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set while the browser runs; and Django hands out other,
context-local database connections, so the ``playwright`` fixture carries the serialised
rows over to them and closes them at the end. Playwright is started for this folder only
(package scope) and stopped after it, so the rest of the suite runs without that loop.

Without Chromium the tests are skipped with a message; with ``CI=true`` they fail instead.
``KLACHTWIJZER_CHROMIUM`` names another Chromium binary (a name on PATH or a path).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import factory.random
import pytest
from django.db import connections
from playwright.sync_api import (
    Browser,
    BrowserContext,
    BrowserType,
    Page,
    Playwright,
    sync_playwright,
)

from accounts.models import User
from tests.browser.helpers import (
    INSTALL_HINT,
    LOCALES,
    Login,
    PageFor,
    find_chromium,
    log_in,
    screenshot_folder,
)

HERE = Path(__file__).resolve().parent
AXE_SOURCE_FILE = HERE / "vendor" / "axe.min.js"  # axe-core, see vendor/README.md

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}

# axe-core rule tags: WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# --- Browser: one Chromium for this folder ------------------------------------------------------


@pytest.fixture(scope="package")
def chromium_path() -> str:
    path = find_chromium()
    if path:
        return path
    wanted = os.environ.get("KLACHTWIJZER_CHROMIUM", "").strip() or "chromium"
    message = f"Chromium not installed ({wanted!r} not found): {INSTALL_HINT}"
    if _in_ci():
        pytest.fail(f"{message}. CI=true: the browser tests must run in CI.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def _django_sync_in_playwright_loop() -> Iterator[None]:
    """Let the ORM run while Playwright's event loop runs in this thread (see the docstring)."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


# pytest-playwright's own fixtures of these names are session-scoped; these replace them for
# this folder so that Playwright (and its event loop) stops when the folder is done.


@pytest.fixture(scope="package")
def playwright(
    chromium_path: str,
    _django_sync_in_playwright_loop: None,
    _pw_api_request_contexts: Any,
) -> Iterator[Playwright]:
    # What Django serialised at set-up for serialized_rollback sits on this thread's
    # connections; once the loop runs, Django hands out other (context-local) ones.
    serialized = {
        alias: connections[alias].__dict__.get("_test_serialized_contents") for alias in connections
    }
    pw = sync_playwright().start()
    for alias, contents in serialized.items():
        if contents is not None:
            connections[alias]._test_serialized_contents = contents
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    # Close the context-local connections while they are reachable, or PostgreSQL refuses
    # to drop the test database at the end ("being accessed by other users").
    for connection in connections.all(initialized_only=True):
        connection.close()
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    if browser_name != "chromium":
        pytest.skip("these tests drive Debian's Chromium only")
    return playwright.chromium


@pytest.fixture(scope="package")
def browser_type_launch_args(pytestconfig: pytest.Config, chromium_path: str) -> dict[str, Any]:
    args: dict[str, Any] = {"executable_path": chromium_path, "args": list(CHROMIUM_ARGS)}
    if pytestconfig.getoption("--headed"):  # to watch locally: pytest tests/browser --headed
        args["headless"] = False
        args["args"] = [a for a in CHROMIUM_ARGS if a != "--headless"]
    if pytestconfig.getoption("--slowmo"):
        args["slow_mo"] = pytestconfig.getoption("--slowmo")
    return args


@pytest.fixture(scope="package")
def launch_browser(
    browser_type_launch_args: dict[str, Any], browser_type: BrowserType
) -> Callable[..., Browser]:
    def launch(**kwargs: Any) -> Browser:
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(
    pytestconfig: pytest.Config, live_server: Any, _pw_artifacts_folder: Any
) -> dict[str, Any]:
    """Every context: the live server as base URL, Amsterdam time, a fixed size."""
    args: dict[str, Any] = {
        "base_url": live_server.url,
        "timezone_id": "Europe/Amsterdam",
        "viewport": VIEWPORT,
    }
    if pytestconfig.getoption("--video") in ("on", "retain-on-failure"):
        args["record_video_dir"] = _pw_artifacts_folder.name
    return args


# --- Database: transactional, with the migrated rows back afterwards ----------------------------


@pytest.fixture(autouse=True, scope="package")
def _migrated_rows_back_afterwards(django_db_blocker: Any) -> Iterator[None]:
    """Each test ends by emptying every table, the migrated rows included; after the last
    one, put those rows back for the tests that run later (and for a kept --reuse-db)."""
    yield
    connection = connections["default"]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)
            connection.close()


@pytest.fixture(autouse=True)
def _browser_test_database(live_server: Any, django_db_serialized_rollback: None) -> None:
    """Every test here: the live server, a transactional database, the migrated rows in it;
    and the same made-up names (Faker) on every run, so the screenshots only change when
    the pages do."""
    factory.random.reseed_random("klachtwijzer-browser")


@pytest.fixture
def live_url(live_server: Any) -> Callable[[str], str]:
    """``live_url("/login/")`` → the live server's absolute URL for that path."""

    def url(path: str = "/") -> str:
        return live_server.url + (path if path.startswith("/") else "/" + path)

    return url


# --- Pages ------------------------------------------------------------------------------------


@pytest.fixture
def login() -> Login:
    """``login(page, user)`` logs in through the form at /login/ and waits to leave it."""
    return log_in


@pytest.fixture
def anonymous_page(new_context: Callable[..., BrowserContext]) -> Callable[..., Page]:
    """``anonymous_page(language="en")``: a page in a new context whose browser asks for
    ``language`` ("en" or "nl") in Accept-Language."""

    def make(language: str = "en") -> Page:
        return new_context(locale=LOCALES[language]).new_page()

    return make


@pytest.fixture
def page_for(anonymous_page: Callable[..., Page], login: Login) -> PageFor:
    """``page_for(user, language="en")``: a page in a new context, logged in as ``user``.
    Call it once per persona for tests with two people (an agent and a manager)."""

    def make(user: User, language: str = "en") -> Page:
        return login(anonymous_page(language), user)

    return make


# --- Checks and pictures ----------------------------------------------------------------------


def _format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f"  [{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            target = " ".join(
                json.dumps(t) if not isinstance(t, str) else t for t in node["target"]
            )
            lines.append(f"    at {target}: {node.get('html', '')[:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n        ")
            if summary:
                lines.append(f"        {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_SOURCE_FILE.read_text(encoding="utf-8")


@pytest.fixture
def check_a11y(axe_source: str) -> Callable[..., list[dict[str, Any]]]:
    """``check_a11y(page, exclude=(), disable=())`` runs axe-core on the page as it is now
    (WCAG 2.0/2.1/2.2 A and AA) and fails listing every violation: rule, impact, help and
    the elements. ``exclude`` takes CSS selectors to leave out, ``disable`` rule ids; use them
    sparingly and say why. Returns axe's "incomplete" results (needs a human look)."""

    def check(
        page: Page, *, exclude: tuple[str, ...] = (), disable: tuple[str, ...] = ()
    ) -> list[dict[str, Any]]:
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: an added <script> tag would be inline
            # script, which the pages' Content-Security-Policy refuses.
            page.evaluate(axe_source + "\n;undefined")
        results = page.evaluate(
            """async ([tags, exclude, disable]) => {
                const context = exclude.length ? {exclude: exclude.map(s => [s])} : document;
                const rules = Object.fromEntries(disable.map(id => [id, {enabled: false}]));
                return await axe.run(context, {
                    runOnly: {type: "tag", values: tags},
                    rules,
                    resultTypes: ["violations", "incomplete"],
                });
            }""",
            [AXE_TAGS, list(exclude), list(disable)],
        )
        violations = results["violations"]
        if violations:
            pytest.fail(_format_violations(page.url, violations), pytrace=False)
        return list(results["incomplete"])

    return check


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """docs/screenshots when the run refreshes the README's pictures, else a temporary folder:
    an ordinary test run leaves the tree clean."""
    return screenshot_folder(tmp_path_factory.mktemp("screenshots"))


@pytest.fixture
def screenshot(screenshot_dir: Path) -> Callable[[Page, str], Path]:
    """``screenshot(page, "login")`` saves the whole page as login.png in ``screenshot_dir``
    (docs/screenshots/login.png only with ``python3 scripts/dev.py screenshots``)."""

    def take(page: Page, name: str) -> Path:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
            raise ValueError(f"screenshot name {name!r}: use lower-case letters, digits, - and _")
        screenshot_dir.mkdir(parents=True, exist_ok=True)
        path = screenshot_dir / f"{name}.png"
        page.wait_for_load_state("load")
        page.screenshot(path=path, full_page=True, animations="disabled")
        return path

    return take
