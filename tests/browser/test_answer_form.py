"""The complaint page's "Write to the customer" form in a real browser, in both languages: the
email goes to the outbox, and the contact shows as sent to the customer, apart from notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from complaints.models import OutgoingEmail
from tests.browser.helpers import PageFor, say
from tests.factories import CustomerFactory, make_complaint

A11y = Callable[..., Any]
Shot = Callable[[Page, str], Any]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_agent_writes_to_the_customer_from_the_complaint_page(
    page_for: PageFor, agent: User, check_a11y: A11y, screenshot: Shot, language: str
) -> None:
    customer = CustomerFactory(name="Els Jansen", email="els@example.nl")
    complaint = make_complaint(owner=agent, customer=customer)
    page = page_for(agent, language)
    page.goto(f"/complaints/{complaint.reference}/")
    panel = page.locator("section.answer")
    expect(panel).to_contain_text("els@example.nl")
    # Sent with only spaces (the browser lets that past "required"): the field says what is
    # missing, nothing goes out.
    panel.get_by_label(say("Your message to the customer", language)).fill("   ")
    panel.get_by_role("button", name=say("Send to the customer", language)).click()
    expect(panel).to_contain_text(say("Write the message to the customer.", language))
    assert not OutgoingEmail.objects.filter(key__startswith="customer_answer:").exists()

    panel.get_by_label(say("Your message to the customer", language)).fill(
        "Wij storten het bedrag <script>alert(1)</script> vandaag terug."
    )
    # The refusal's swap fades the form back from a request's opacity (.htmx-request): axe
    # reads colours as painted, so it waits for the form to be opaque again.
    expect(page.locator("#form-answer")).to_have_css("opacity", "1")
    expect(panel).to_have_css("opacity", "1")
    check_a11y(page)
    if language == "en":  # the README shows the English page
        screenshot(page, "answer-form-en")
    panel.get_by_role("button", name=say("Send to the customer", language)).click()
    sent = page.locator("#interactions li.contact-outbound")
    expect(sent).to_contain_text("<script>alert(1)</script>")  # shown as text
    expect(sent).to_contain_text(say("Sent to the customer", language))
    email = OutgoingEmail.objects.get(key__startswith="customer_answer:")
    assert email.to == "els@example.nl"
    assert email.subject.startswith(f"[{complaint.reference}] ")
    expect(page.locator("#form-answer")).to_have_css("opacity", "1")
    check_a11y(page)
