"""The customer's follow-up survey in a real browser: one page in their language, accessible,
answered once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints import workflow
from complaints.models import FollowUpState, SurveyInvitation
from complaints.scheduling.dispatch import survey_token
from complaints.states import Stage
from tests.browser.helpers import say
from tests.factories import CustomerFactory, advance, make_complaint, step_data


def _survey_path(agent: Any, language: str) -> tuple[str, Any]:
    complaint = advance(
        make_complaint(owner=agent, customer=CustomerFactory(language=language)),
        to=Stage.SOLVING,
    )
    complaint = workflow.resolve(complaint, actor=agent, **step_data("resolve"))
    follow_up = complaint.follow_ups.get()
    invitation = SurveyInvitation.objects.create(
        follow_up=follow_up,
        public_id=f"browser-test-{language}",
        language=language,
        created_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=30),
    )
    return f"/survey/{survey_token(invitation.public_id)}/", follow_up


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_customer_answers_the_survey_once_in_their_own_language(
    anonymous_page: Callable[..., Page],
    check_a11y: Callable[..., Any],
    screenshot: Callable[[Page, str], Any],
    agent: Any,
    language: str,
) -> None:
    path, follow_up = _survey_path(agent, language)
    # The browser asks for the other language: the page follows the customer's, not the browser's.
    page = anonymous_page("nl" if language == "en" else "en")
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say("How do you feel about it now?", language)
    )
    check_a11y(page)
    if language == "en":
        screenshot(page, "survey")

    page.get_by_label("9", exact=True).check()
    page.get_by_label(say("Is there anything you would like to tell us?", language)).fill(
        "Prima opgelost."
    )
    page.get_by_role("button", name=say("Send my answer", language)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Thank you", language))
    check_a11y(page)

    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.nps, follow_up.note) == (
        FollowUpState.COMPLETED,
        9,
        "Prima opgelost.",
    )

    page.goto(path)  # the link is used up
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Survey not available", language))
    expect(
        page.get_by_text(say("This survey has been answered already. Thank you!", language))
    ).to_be_visible()
