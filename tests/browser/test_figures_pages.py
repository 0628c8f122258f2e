"""Learning per agent in a real browser: the manager compares the team side by side and opens
one agent's figures; the agent reads "my figures" in Dutch. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.helpers import PageFor
from tests.reports.conftest import may_data  # noqa: F401  (the hand-computed month)

A11y = Callable[..., Any]
Shot = Callable[[Page, str], Any]


def test_a_manager_compares_the_team_and_an_agent_reads_their_own_figures(
    page_for: PageFor,
    agent: User,
    manager: User,
    may_data: Any,  # noqa: F811
    check_a11y: A11y,
    screenshot: Shot,
) -> None:
    boss = page_for(manager, "en")
    boss.goto("/")
    boss.get_by_role("link", name="Figures per agent").click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("Figures per agent")
    period = boss.locator("#figures-period")
    period.get_by_label("From").fill("2026-05-01")
    period.get_by_label("Until (inclusive)").fill("2026-05-31")
    period.get_by_role("button", name="Show").click()
    anna = boss.locator("#agent-figures tr[data-agent=anna]")
    expect(anna).to_contain_text("too few (3)")  # promises: no percentage over three
    expect(anna).to_contain_text("83 %")  # better at resolution, over six
    expect(boss.locator("#agent-figures")).not_to_contain_text("olaf")
    check_a11y(boss)
    screenshot(boss, "agent-figures")
    anna.get_by_role("link").click()
    expect(boss.get_by_role("heading", level=1)).to_contain_text("Figures of")
    expect(boss.get_by_test_id("goodwill")).to_have_text(
        "4 approved goodwill gestures, EUR 110.50 in all."
    )
    check_a11y(boss)

    page = page_for(agent, "nl")
    page.goto("/figures/me/?start=2026-05-01&end=2026-05-31")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn cijfers")
    expect(page.get_by_test_id("promise-rate")).to_have_text("te weinig (3)")
    expect(page.locator("#figures-journey tr[data-leg=intake_resolution]")).to_contain_text("83 %")
    check_a11y(page)
    screenshot(page, "my-figures-nl")
