"""Callbacks and follow-ups in a real browser: one click to keep a promise, the follow-up form,
the manager's broken promises and the notifications. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from complaints.models import CallbackPromise, FollowUp
from complaints.scheduling.dispatch import dispatch_due
from complaints.states import Stage
from tests.browser.helpers import PageFor
from tests.factories import CustomerFactory, advance, make_complaint

A11y = Callable[..., Any]
Shot = Callable[[Page, str], Any]


def test_callbacks_follow_ups_and_broken_promises(
    page_for: PageFor, agent: User, manager: User, check_a11y: A11y, screenshot: Shot
) -> None:
    # First a promise that breaks: the scheduler runs past its moment and grace period.
    kees = CustomerFactory(name="Kees Bakker", phone="020 555 0101")
    broken = advance(make_complaint(owner=agent, customer=kees), to=Stage.SOLVING)
    gone = CallbackPromise.objects.get(complaint=broken)
    dispatch_due(now=gone.due_at + timedelta(minutes=settings.PROMISE_GRACE_MINUTES + 5))
    # Then one for this afternoon, one for later this week, and a follow-up that is due.
    jan = CustomerFactory(name="Jan Evers", phone="06 1234 5678")
    fleur = CustomerFactory(name="Fleur de Vos", phone="06 8765 4321")
    today = advance(make_complaint(owner=agent, customer=jan), to=Stage.SOLVING)
    advance(make_complaint(owner=agent, customer=fleur), to=Stage.SOLVING)
    CallbackPromise.objects.filter(complaint=today).update(
        due_at=timezone.now() + timedelta(minutes=30)
    )
    resolved = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    FollowUp.objects.filter(complaint=resolved).update(due_at=timezone.now() - timedelta(hours=1))

    page = page_for(agent, "en")
    page.goto("/")
    page.get_by_role("link", name="Callbacks").click()
    expect(page.locator("#callbacks-later")).to_contain_text("Fleur de Vos")
    check_a11y(page)
    screenshot(page, "callbacks")
    page.get_by_role("button", name="Kept Jan Evers").click()
    expect(page.locator("#messages")).to_contain_text("Kept: the callback to Jan Evers")
    assert CallbackPromise.objects.get(complaint=today).state == "kept"

    page.get_by_role("link", name="Follow-ups").click()
    form = page.locator("#follow-ups-due form").first
    form.get_by_label("Yes").check()
    form.get_by_label("How likely would they recommend us (0–10)?").select_option("9")
    form.get_by_label("How the customer feels now").select_option("satisfied")
    check_a11y(page)
    screenshot(page, "follow-ups")
    form.get_by_role("button", name="Record the follow-up").click()
    expect(page.locator("#messages")).to_contain_text("can be closed now")

    page.get_by_role("link", name="Notifications").click()
    expect(page.locator("#notifications")).to_be_visible()
    check_a11y(page)

    boss = page_for(manager, "en")
    boss.goto("/")
    boss.get_by_role("link", name="Broken promises").click()
    expect(boss.locator("#broken-promises")).to_contain_text("Kees Bakker")
    check_a11y(boss)
