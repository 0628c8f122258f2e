"""The root-cause report in a real browser: Quality makes May's report from the list page and
reads it, charts and tables; every page passes axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.helpers import PageFor
from tests.reports.conftest import may_data  # noqa: F401  (the hand-computed month)

A11y = Callable[..., Any]
Shot = Callable[[Page, str], Any]


def test_quality_makes_and_reads_the_monthly_report(
    page_for: PageFor,
    quality: User,
    may_data: Any,  # noqa: F811
    check_a11y: A11y,
    screenshot: Shot,
) -> None:
    page = page_for(quality, "en")
    page.goto("/")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Root-cause reports")
    form = page.locator("#report-form")
    form.get_by_label("From").fill("2026-05-01")
    form.get_by_label("Until (inclusive)").fill("2026-05-31")
    check_a11y(page)
    form.get_by_role("button", name="Make the report").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Root-cause report")
    expect(page.get_by_test_id("received-total")).to_have_text("7")
    expect(page.get_by_role("img", name="Pareto of root causes")).to_be_visible()
    expect(page.get_by_role("img", name="The top causes over the last 12 months")).to_be_visible()
    expect(page.get_by_role("img", name="Emotion at intake and at resolution")).to_be_visible()
    expect(page.locator("#outcome-journey-table tr[data-outcome=not_upheld]")).to_contain_text(
        "100.0 %"
    )
    pareto = page.locator("#pareto-table")
    expect(pareto.locator("tbody tr").first).to_contain_text("Incorrect amount")
    expect(pareto.locator("tbody tr").nth(1)).to_contain_text("83.3 %")
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    check_a11y(page)
    screenshot(page, "report")

    page.get_by_role("link", name="All reports").click()
    expect(page.locator("#report-list")).to_contain_text("1 May 2026")
    check_a11y(page)


def test_quality_pages_for_causes_actions_and_imports_pass_axe(
    page_for: PageFor,
    quality: User,
    may_data: Any,  # noqa: F811
    check_a11y: A11y,
) -> None:
    page = page_for(quality, "en")
    page.goto("/reports/")
    page.get_by_role("link", name="Corrective actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Corrective actions")
    expect(page.locator("#action-list .badge.overdue").first).to_have_text(
        re.compile(r"^due: \d+ days? over$")
    )
    check_a11y(page)
    page.get_by_role("link", name="Y", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Y")
    check_a11y(page)
    page.goto("/taxonomy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Root causes")
    check_a11y(page)
    page.goto("/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import historical complaints")
    check_a11y(page)
