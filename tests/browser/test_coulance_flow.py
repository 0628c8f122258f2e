"""Coulance in a real browser: the agent asks on the complaint page, the manager approves in
the queue, the agent reviews the letter and sends it. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from complaints.demo.letterhead import letterhead_ensure
from complaints.models import CoulanceLetter, CoulanceRequest
from complaints.states import Stage
from complaints.tasks import send_coulance_letter
from tests.browser.helpers import PageFor
from tests.factories import CustomerFactory, advance, make_complaint

A11y = Callable[..., Any]
Shot = Callable[[Page, str], Any]


def test_a_goodwill_gesture_from_request_to_sent_letter(
    page_for: PageFor, agent: User, manager: User, check_a11y: A11y, screenshot: Shot
) -> None:
    letterhead_ensure(actor=manager)  # the demo's neutral letterhead, as a fresh `run` has
    customer = CustomerFactory(name="Jan Evers", email="jan.evers@example.nl", language="nl")
    complaint = advance(
        make_complaint(owner=agent, customer=customer, subject="Drie jaar ongebruikt internet"),
        to=Stage.RESOLVED,
    )

    # The agent asks for a € 25 voucher.
    page = page_for(agent, "en")
    page.goto(reverse("complaint-page", args=[complaint.reference]))
    page.get_by_text("Request a goodwill gesture").click()
    form = page.locator("#form-coulance")
    form.get_by_label("What is given").select_option("voucher")
    form.get_by_label("Value").fill("25.00")
    form.get_by_label("Why this gesture").fill("Trouwe klant sinds 2010.")
    form.get_by_label("Past", exact=False).check()
    form.get_by_label("Assessment").fill("Redelijk en billijk: drie jaar betaald, nooit gebruikt.")
    form.get_by_label("Win-win").check()
    check_a11y(page)
    form.get_by_role("button", name="Ask for approval").click()
    expect(page.locator("#messages")).to_contain_text("waits for the approval of")
    expect(page.locator("#coulance-requests")).to_contain_text("Waiting for approval")

    # The manager sees the badge and approves in one click.
    boss = page_for(manager, "en")
    boss.goto("/")
    expect(boss.get_by_test_id("coulance-badge")).to_contain_text("1")
    boss.get_by_role("link", name="Approvals").click()
    expect(boss.locator("#coulance-queue")).to_contain_text(complaint.reference)
    check_a11y(boss)
    screenshot(boss, "coulance-queue")
    boss.get_by_label("Comment").fill("Akkoord, mooi gebaar.")
    boss.get_by_role("button", name=f"Approve {complaint.reference}").click()
    expect(boss.locator("#messages")).to_contain_text("Approved")
    assert CoulanceRequest.objects.get().status == "approved"

    # The agent reviews the letter and sends it.
    letter = CoulanceLetter.objects.get()
    page.goto(reverse("letter-page", args=[letter.pk]))
    expect(page.frame_locator("iframe.letter-preview").locator("body")).to_contain_text("Jan Evers")
    check_a11y(page)
    screenshot(page, "coulance-letter")
    # The letter as the customer will get it (the PDF's layout), for the README.
    preview = page_for(agent, "en")
    preview.set_viewport_size({"width": 820, "height": 1160})
    preview.goto(reverse("letter-page-preview", args=[letter.pk]))
    expect(preview.locator("body")).to_contain_text("plezierige samenwerking")
    screenshot(preview, "coulance-letter-preview")

    # An emoji and an "I" typed into the text: warned about, not refused.
    text = page.get_by_role("textbox", name="Text")
    text.fill(text.input_value().replace("Wij begrijpen", "Ik begrijp 😊 en wij begrijpen", 1))
    page.get_by_role("button", name="Save the text").click()
    warnings = page.get_by_test_id("letter-warnings")
    expect(warnings).to_contain_text("Emoji in a formal letter: 😊")
    expect(warnings).to_contain_text("“I” inside a sentence in the company's voice")
    expect(page.get_by_test_id("letter-missing-essentials")).to_have_count(0)
    check_a11y(page)
    page.get_by_role("button", name="Freeze and send by email").click()
    expect(page.locator("#messages")).to_contain_text("jan.evers@example.nl")
    send_coulance_letter(letter.pk)  # the worker's part
    page.reload()
    expect(page.get_by_test_id("letter-status")).to_have_text("Sent")
    expect(page.get_by_role("button", name="Make a correction (new version)")).to_be_visible()
    assert len(mail.outbox) == 1
