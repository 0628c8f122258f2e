"""The public complaint form and the status page in a real browser: both languages, errors in
words next to the fields, axe clean, no sideways scrolling at phone width, no CSP refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from complaints.models import Complaint, Interaction
from tests.browser.helpers import say

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _fresh_rate_counts() -> Any:
    """The form's rate is counted in the cache, which outlives a test in this process."""
    cache.clear()
    yield
    cache.clear()


FORM = {"en": "/complaint/", "nl": "/klacht/"}


def _watch_csp(page: Page) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_customer_corrects_the_form_and_sends_the_complaint(
    anonymous_page: Callable[..., Page],
    check_a11y: Callable[..., Any],
    screenshot: Callable[[Page, str], Any],
    agent: Any,
    language: str,
) -> None:
    page = anonymous_page(language)
    refused = _watch_csp(page)
    page.goto(FORM[language])
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Make a complaint", language))
    check_a11y(page)

    page.get_by_label(say("Your name", language)).fill("Jan Evers")
    page.get_by_label(say("Your email address", language)).fill("jan@")
    page.get_by_label(say("What would you like us to do? (optional)", language)).fill("Een excuus.")
    page.get_by_role("button", name=say("Send my complaint", language)).click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(say("Tell us what happened.", language))
    email = page.get_by_label(say("Your email address", language))
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_value("jan@")  # everything typed is kept
    expect(
        page.get_by_label(say("What would you like us to do? (optional)", language))
    ).to_have_value("Een excuus.")
    summary.get_by_role("link").first.click()  # the summary leads to the field
    check_a11y(page)
    _fits_a_phone(page)
    if language == "en":
        screenshot(page, "public-form-errors")
    assert Complaint.objects.count() == 0

    email.fill("jan.evers@example.com")
    page.get_by_label(say("What happened?", language)).fill("De monteur kwam niet.")
    page.get_by_role("button", name=say("Send my complaint", language)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say("Thank you, we received your complaint", language)
    )
    complaint = Complaint.objects.get()
    expect(page.get_by_text(complaint.reference)).to_be_visible()
    check_a11y(page)
    assert refused == []


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_customer_reads_the_status_and_sends_a_message(
    anonymous_page: Callable[..., Page],
    check_a11y: Callable[..., Any],
    screenshot: Callable[[Page, str], Any],
    agent: Any,
    language: str,
) -> None:
    page = anonymous_page(language)
    refused = _watch_csp(page)
    page.goto(FORM[language])
    page.get_by_label(say("Your name", language)).fill("Jan Evers")
    page.get_by_label(say("Your email address", language)).fill("jan.evers@example.com")
    page.get_by_label(say("What happened?", language)).fill("De monteur kwam niet opdagen.")
    page.get_by_role("button", name=say("Send my complaint", language)).click()
    expect(page.locator("p.stage")).to_have_text(say("We received your complaint", language))

    page.get_by_label(say("Your message", language)).fill("Hij is er nog steeds niet.")
    page.get_by_role("button", name=say("Send", language), exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        say("Thank you, we have received your message.", language)
    )
    expect(page.locator(".messages")).to_contain_text("Hij is er nog steeds niet.")
    check_a11y(page)
    _fits_a_phone(page)
    if language == "en":
        screenshot(page, "status-page")
    assert Interaction.objects.get().direction == "inbound"
    assert refused == []
