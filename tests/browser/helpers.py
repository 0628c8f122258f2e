"""Plain helpers for the browser tests (the fixtures that use them are in conftest.py)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.models import User

PASSWORD = "secret-pass-123"  # what tests/factories.py UserFactory gives every user

# The browser's language → its locale, which Chromium sends as Accept-Language.
LOCALES = {"en": "en-GB", "nl": "nl-NL"}

# docs/screenshots/: the README's pictures, written only when SCREENSHOTS_SWITCH is set (by
# `python3 scripts/dev.py screenshots`), so that an ordinary test run leaves the tree clean.
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
SCREENSHOTS_SWITCH = "KLACHTWIJZER_SCREENSHOTS"

INSTALL_HINT = (
    "apt-get install -y chromium chromium-driver (Debian/Ubuntu); never `playwright install`"
)


def find_chromium() -> str | None:
    """The Chromium binary to drive: $KLACHTWIJZER_CHROMIUM if set, else chromium on PATH."""
    override = os.environ.get("KLACHTWIJZER_CHROMIUM", "").strip()
    if override:
        return shutil.which(override)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshots_wanted(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this run refreshes the README's screenshots (``KLACHTWIJZER_SCREENSHOTS=1``)."""
    return environ.get(SCREENSHOTS_SWITCH, "").strip().lower() in {"1", "true", "yes"}


def screenshot_folder(temporary: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """Where the ``screenshot`` fixture writes: docs/screenshots when the run was asked to
    refresh them, else ``temporary`` (the pages are still rendered and pictured)."""
    return SCREENSHOTS if screenshots_wanted(environ) else temporary


def say(text: str, language: str) -> str:
    """``text`` (an msgid) as the app shows it in ``language``, from the committed catalogues."""
    with translation.override(language):
        return str(translation.gettext(text))


def log_in(page: Page, user: User, password: str = PASSWORD) -> Page:
    """Log in through the real form at /login/ and wait until the browser has left it."""
    page.goto("/login/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_password) [type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    return page


def switch_language(page: Page, language: str) -> None:
    """Choose ``language`` in the header's language switch and wait for the page in it."""
    page.locator("#language-select").select_option(language)
    button = page.locator("form:has(#language-select) [type=submit]")
    if button.count() and button.first.is_visible():  # without JavaScript's auto-submit
        button.first.click()
    expect(page.locator("html")).to_have_attribute("lang", language)


class Login(Protocol):
    def __call__(self, page: Page, user: User, password: str = ...) -> Page: ...


class PageFor(Protocol):
    def __call__(self, user: User, language: str = ...) -> Page: ...
