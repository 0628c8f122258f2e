"""What agents expect from a helpdesk they like, in a real browser: keyboard shortcuts with a
"?" overlay, saved filters, and reassigning several complaints at once. In English and Dutch,
each state checked with axe."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Team, User
from complaints.models import Complaint, OwnershipTransfer
from complaints.states import Stage
from tests.browser.helpers import PageFor, say
from tests.factories import advance, make_complaint

A11y = Callable[..., Any]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def focused(page: Page, attribute: str = "name") -> str | None:
    return page.evaluate(
        f"document.activeElement && document.activeElement.getAttribute('{attribute}')"
    )


def focus_in_dialog(page: Page) -> bool:
    return bool(page.evaluate("Boolean(document.activeElement.closest('#shortcuts'))"))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_keyboard_shortcuts_and_their_overlay(
    page_for: PageFor, check_a11y: A11y, agent: User, language: str
) -> None:
    complaint = make_complaint(owner=agent)
    page = page_for(agent, language)
    page.goto(f"/complaints/{complaint.reference}/")
    dialog = page.locator("#shortcuts")
    expect(dialog).to_be_hidden()

    # "?" opens the list, in the page's language, with the focus inside; Escape closes it.
    page.locator("body").press("?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", level=2)).to_have_text(say("Keyboard shortcuts", language))
    expect(dialog).to_contain_text(say("Go to My work", language))
    expect(dialog).to_contain_text(
        say("Next step: the form of the complaint's current triad step", language)
    )
    assert focus_in_dialog(page)
    check_a11y(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # At phone width too.
    page.set_viewport_size(PHONE)
    page.locator("body").press("?")
    expect(dialog).to_be_visible()
    check_a11y(page)
    page.keyboard.press("Escape")
    page.set_viewport_size(DESKTOP)

    # The footer's button opens it too (for whoever does not know the key), and Close closes.
    page.get_by_role("button", name=re.compile(say("Keyboard shortcuts", language))).click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=say("Close", language)).click()
    expect(dialog).to_be_hidden()

    # "n": the current triad step's form, at its first field; with Ctrl held nothing happens.
    page.locator("body").click()
    page.keyboard.press("Control+n")
    assert focused(page) != "emotion"
    page.keyboard.press("n")
    assert focused(page) == "emotion"

    # Typing in a field is typing: "?", "n", "g w" and "/" are the user's letters there.
    page.locator("#stepper textarea").first.focus()
    page.keyboard.type("?n gw/")
    expect(dialog).to_be_hidden()
    expect(page.locator("#stepper textarea").first).to_have_value("?n gw/")
    expect(page).to_have_url(re.compile(complaint.reference))

    # "g" then "w": to My work; there "/" puts the cursor in the search box.
    page.locator("body").click()
    page.keyboard.press("g")
    page.keyboard.press("w")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(say("My work", language))
    page.keyboard.press("/")
    assert focused(page, "id") == "id_q"
    page.keyboard.type("?")  # into the search box: the overlay stays closed
    expect(dialog).to_be_hidden()
    expect(page.locator("#id_q")).to_have_value("?")


def test_typing_a_question_mark_into_a_text_field_does_not_open_the_overlay(
    page_for: PageFor, agent: User
) -> None:
    page = page_for(agent, "en")
    page.goto("/complaints/new/")
    field = page.get_by_label("Subject", exact=True)
    field.click()
    field.press("?")
    expect(page.locator("#shortcuts")).to_be_hidden()
    expect(field).to_have_value("?")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_agent_saves_a_filter_follows_it_and_deletes_it(
    page_for: PageFor, check_a11y: A11y, agent: User, language: str
) -> None:
    urgent = make_complaint(owner=agent, priority="urgent", subject="Storing al drie dagen")
    calm = make_complaint(owner=agent, priority="low", subject="Factuur klopt niet")
    page = page_for(agent, language)
    page.goto("/?priority=urgent")
    expect(page.locator("#work-results")).to_contain_text(urgent.reference)
    expect(page.locator("#work-results")).not_to_contain_text(calm.reference)

    saved = page.get_by_test_id("saved-filters")
    saved.get_by_label(say("Save this filter as", language)).fill("Spoed")
    saved.get_by_role("button", name=say("Save filter", language)).click()
    expect(page.locator("#messages")).to_contain_text("Spoed")
    check_a11y(page)
    page.set_viewport_size(PHONE)  # the saved filters and their form at phone width
    expect(page.get_by_test_id("saved-filters").get_by_role("link", name="Spoed")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    check_a11y(page)
    page.set_viewport_size(DESKTOP)

    page.goto("/")
    expect(page.locator("#work-results")).to_contain_text(calm.reference)
    page.get_by_test_id("saved-filters").get_by_role("link", name="Spoed").click()
    expect(page).to_have_url(re.compile(r"/\?priority=urgent$"))
    expect(page.locator("#work-results")).not_to_contain_text(calm.reference)

    # A second filter of the same name is refused in words; nothing is saved.
    saved = page.get_by_test_id("saved-filters")
    saved.get_by_label(say("Save this filter as", language)).fill("Spoed")
    saved.get_by_role("button", name=say("Save filter", language)).click()
    expect(page.locator("#messages")).to_contain_text(
        say("You already saved a filter named “%(name)s” here.", language) % {"name": "Spoed"}
    )
    check_a11y(page)

    page.get_by_test_id("saved-filters").get_by_role(
        "button", name=f"{say('Delete', language)} Spoed"
    ).click()
    expect(page.get_by_test_id("saved-filters").get_by_role("link", name="Spoed")).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_manager_reassigns_several_complaints_at_once_or_none(
    page_for: PageFor,
    check_a11y: A11y,
    agent: User,
    other_agent: User,
    manager: User,
    team: Team,
    language: str,
) -> None:
    first, second, third = (make_complaint(owner=agent) for _ in range(3))
    page = page_for(manager, language)
    page.goto("/team/")
    table = page.locator("#team-complaints")
    bulk = page.get_by_test_id("bulk-reassign")

    def tick(*complaints: Complaint) -> None:
        for complaint in complaints:
            label = say("Select %(reference)s", language) % {"reference": complaint.reference}
            table.get_by_label(label, exact=True).check()
        bulk.get_by_label(say("New owner", language), exact=True).select_option(
            label=f"{other_agent} ({team})"
        )
        bulk.get_by_label(say("Reason", language), exact=True).fill("Anna is met verlof.")
        bulk.get_by_role("button", name=say("Reassign the ticked complaints", language)).click()

    # One of the ticked is resolved meanwhile (in another tab): nothing moves, the page says why.
    advance(Complaint.objects.get(pk=second.pk), to=Stage.RESOLVED)
    tick(first, second)
    refusals = page.get_by_test_id("bulk-refusals")
    expect(refusals).to_contain_text(second.reference)
    expect(refusals).to_contain_text(
        say("A resolved or closed complaint cannot change owner; reopen it first.", language)
    )
    expect(refusals).not_to_contain_text(first.reference)
    assert not OwnershipTransfer.objects.exists()
    check_a11y(page)

    # Untick the resolved one (it is no longer listed) and send the open ones.
    page.goto("/team/")
    tick(first, third)
    expect(page).to_have_url(re.compile(r"/team/$"))
    expect(page.locator("#messages")).to_contain_text(first.reference)
    expect(page.locator("#messages")).to_contain_text(third.reference)
    for complaint in (first, third):
        row = page.locator(f"#team-complaints tr[data-reference='{complaint.reference}']")
        expect(row.locator("td").nth(3)).to_have_text(str(other_agent))
    assert OwnershipTransfer.objects.filter(reason="Anna is met verlof.").count() == 2
    check_a11y(page)
    page.set_viewport_size(PHONE)  # the checkboxes and the form at phone width
    expect(page.get_by_test_id("bulk-reassign")).to_be_visible()
    check_a11y(page)
