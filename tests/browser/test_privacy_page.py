"""Privacy in a real browser: Quality goes from a complaint to the customer's privacy page, sees
who looked, and erases the personal data on request. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from complaints.models import Complaint, Customer
from complaints.states import Stage
from tests.browser.helpers import PageFor
from tests.factories import CustomerFactory, advance, make_complaint

A11y = Callable[..., Any]
Shot = Callable[[Page, str], Any]


def test_quality_erases_a_customers_personal_data_on_request(
    page_for: PageFor, agent: User, quality: User, check_a11y: A11y, screenshot: Shot
) -> None:
    customer = CustomerFactory(name="Evelien Markerdaal", email="evelien@example.nl")
    complaint = advance(
        make_complaint(owner=agent, customer=customer, subject="Dubbele factuur"),
        to=Stage.RESOLVED,
    )

    page: Page = page_for(quality, "en")
    page.goto(reverse("complaint-page", args=[complaint.reference]))
    page.get_by_test_id("privacy-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal data: Evelien Markerdaal")
    expect(page.get_by_test_id("privacy-accesses")).to_contain_text("Complaint viewed")
    check_a11y(page)
    screenshot(page, "privacy")

    erase = page.locator("#form-erase")
    erase.get_by_role("button", name="Erase personal data").click()
    expect(erase.get_by_text("This field is required.")).to_be_visible()
    erase.get_by_label("Why").fill("Verzoek per e-mail van 3 december")
    erase.get_by_role("button", name="Erase personal data").click()

    expect(page.get_by_text("The customer's personal data has been erased.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal data: —")
    expect(page.locator("#form-erase")).to_have_count(0)
    check_a11y(page)
    assert Customer.objects.get(pk=customer.pk).erased_at is not None
    assert Complaint.objects.get(pk=complaint.pk).subject == "—"
