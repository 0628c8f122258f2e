"""Screenshots land in docs/screenshots only when asked: an ordinary test run (the README's
`python3 scripts/dev.py test`) must leave the tree as it found it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from tests.browser.helpers import (
    SCREENSHOTS,
    SCREENSHOTS_SWITCH,
    screenshot_folder,
    screenshots_wanted,
)


def test_screenshots_go_to_the_docs_only_with_the_switch(tmp_path: Path) -> None:
    assert screenshot_folder(tmp_path, environ={}) == tmp_path
    assert screenshot_folder(tmp_path, environ={SCREENSHOTS_SWITCH: ""}) == tmp_path
    assert screenshot_folder(tmp_path, environ={SCREENSHOTS_SWITCH: "0"}) == tmp_path
    assert screenshot_folder(tmp_path, environ={SCREENSHOTS_SWITCH: "1"}) == SCREENSHOTS
    assert SCREENSHOTS.parts[-2:] == ("docs", "screenshots")


def test_a_run_without_the_switch_writes_nothing_into_the_docs(
    anonymous_page: Callable[..., Page], screenshot: Callable[[Page, str], Path]
) -> None:
    page = anonymous_page("en")
    page.goto("/login/")
    before = {p.name: p.stat().st_mtime_ns for p in SCREENSHOTS.glob("*.png")}
    path = screenshot(page, "login-check")
    assert path.is_file()  # the page was still pictured
    assert path.stat().st_size > 0
    if screenshots_wanted():  # `dev.py screenshots`: this run is meant to refresh them
        assert path.parent == SCREENSHOTS
        path.unlink()  # not a picture the README shows
        return
    assert path.parent != SCREENSHOTS
    assert SCREENSHOTS not in path.parents
    after = {p.name: p.stat().st_mtime_ns for p in SCREENSHOTS.glob("*.png")}
    assert after == before
