"""Layout in a real browser: the manager's navigation fits on one line at 1366 px, and the agent's pages work on a phone (390 × 844): no sideways
scrolling of the page, a menu button for the navigation, touch targets of 44 px. In English
and in Dutch (longer words), every page through axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from complaints.coulance import services as coulance
from complaints.states import Stage
from tests.browser.helpers import PageFor, say
from tests.factories import CustomerFactory, advance, make_complaint

A11y = Callable[..., Any]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TOUCH = 44  # px: WCAG 2.5.5's target size, what a thumb needs

GESTURE = {
    "kind": "voucher",
    "description": "Een tegoedbon van € 25 voor de volgende bestelling",
    "amount": "25.00",
    "currency": "EUR",
    "reason": "Trouwe klant; de bundelkeuze was de klant zelf.",
    "liability": "not_liable",
    "request_domain": "past",
    "assessment": "Redelijk en billijk.",
    "balance": "win_win",
}


def expect_no_sideways_scrolling(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{page.url}: the page is {scroll_width} px wide at {width} px"


def small_targets(page: Page, selector: str) -> list[str]:
    """The visible elements matching ``selector`` less than 44 px high or wide."""
    return page.locator(selector).evaluate_all(
        """(els, min) => els.filter(e => e.offsetParent !== null).map(e => {
            const r = e.getBoundingClientRect();
            return (r.height < min || r.width < min) ? `${e.textContent.trim()} ${r.width}x${r.height}` : null;
        }).filter(Boolean)""",
        TOUCH,
    )


# --- The manager's navigation at 1366 px ---------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_managers_navigation_fits_on_one_line_at_1366_px(
    page_for: PageFor, manager: User, check_a11y: A11y, language: str
) -> None:
    page = page_for(manager, language)
    page.set_viewport_size(DESKTOP)
    page.goto(reverse("team-complaints"))
    nav = page.get_by_role("navigation", name=say("Main", language))
    links = nav.get_by_role("link")
    expect(links.filter(has_text=say("Broken promises", language))).to_be_visible()
    expect(links.filter(has_text=say("Approvals", language))).to_be_visible()
    expect(nav.get_by_text(say("Menu", language))).to_be_hidden()
    boxes = [box for box in (link.bounding_box() for link in links.all()) if box]
    assert len(boxes) >= 10, "a manager has at least ten places to go"
    tops = {round(box["y"]) for box in boxes}
    assert len(tops) == 1, f"the links sit on {len(tops)} lines: {sorted(tops)}"
    right = max(box["x"] + box["width"] for box in boxes)
    assert right <= DESKTOP["width"], f"the last link ends at {right} px"
    expect_no_sideways_scrolling(page)
    check_a11y(page)


# --- The agent on a phone: 390 × 844 -------------------------------------------------------------


@pytest.fixture
def phone_pages(agent: User, manager: User) -> dict[str, tuple[User, str]]:
    """The four pages an agent or manager uses on a phone, with something on each."""
    customer = CustomerFactory(name="Jan Evers", phone="06 1234 5678")
    make_complaint(owner=agent, subject="Pakket nooit aangekomen, en niemand belt terug")
    understood = advance(make_complaint(owner=agent, customer=customer), to=Stage.UNDERSTOOD)
    advance(make_complaint(owner=agent, customer=customer), to=Stage.SOLVING)  # a callback
    resolved = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    coulance.coulance_request_create(complaint=resolved, actor=agent, **GESTURE)
    return {
        "my work": (agent, reverse("home")),
        "complaint": (agent, reverse("complaint-page", args=[understood.reference])),
        "callbacks": (agent, reverse("callbacks")),
        "approvals": (manager, reverse("coulance-queue")),
    }


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("which", ["my work", "complaint", "callbacks", "approvals"])
def test_the_page_works_on_a_phone(
    page_for: PageFor,
    check_a11y: A11y,
    phone_pages: dict[str, tuple[User, str]],
    which: str,
    language: str,
) -> None:
    user, url = phone_pages[which]
    page = page_for(user, language)
    page.set_viewport_size(PHONE)
    page.goto(url)
    expect_no_sideways_scrolling(page)
    check_a11y(page)

    # The navigation is behind a menu button that works without script (a <details>).
    nav = page.get_by_role("navigation", name=say("Main", language))
    my_work = nav.get_by_role("link", name=say("My work", language))
    expect(my_work).to_be_hidden()
    menu = nav.get_by_text(say("Menu", language))
    menu.click()
    expect(my_work).to_be_visible()
    expect_no_sideways_scrolling(page)
    assert small_targets(page, ".main-nav summary, .main-nav a, .account a, .account button") == []
    check_a11y(page)
    menu.click()
    expect(my_work).to_be_hidden()

    # What a thumb presses on the page itself is big enough.
    assert small_targets(page, "main button, main .button, main summary") == []
