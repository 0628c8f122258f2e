"""The main pages under the real Content-Security-Policy in Chromium: nothing is refused.

Every page is watched two ways: Chromium's own console messages ("Refused to apply inline
style because it violates the following Content Security Policy directive …") and the
``securitypolicyviolation`` events, which a script added before each page's own (through the
DevTools protocol, so the policy does not apply to it) writes to the console as well. The last
step injects an inline style on purpose, so the watch is shown to catch what it should.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from accounts.models import User
from complaints.states import Stage
from reports.services import report_generate
from tests.browser.helpers import PageFor
from tests.factories import CustomerFactory, advance, make_complaint

CSP = "Content Security Policy"
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "Content Security Policy violation: " + event.effectiveDirective + " refused " +
    (event.blockedURI || "inline") + " on " + event.documentURI + ":" + event.lineNumber
  );
});
"""


class Watch:
    """Every console message about the policy on the pages of one browser context."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._seen)

    def _seen(self, message: ConsoleMessage) -> None:
        # Redoc's sidebar shows its makers' logo from their CDN (no option turns it off); the
        # policy refuses it, as it should (no CDN), and Redoc hides the broken image.
        if CSP in message.text and REDOCLY_LOGO not in message.text:
            self.messages.append(f"{message.type}: {message.text}")

    def visit(self, page: Page, path: str) -> None:
        page.goto(path)
        page.wait_for_load_state("networkidle")


def test_the_main_pages_run_under_the_policy_without_a_violation(
    anonymous_page: Callable[..., Page],
    page_for: PageFor,
    agent: User,
    quality: User,
    check_a11y: Callable[..., Any],
) -> None:
    complaint = make_complaint(owner=agent, customer=CustomerFactory(name="Ria Smit"))
    resolved = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    today = timezone.localdate()
    report = report_generate(start=date(today.year, 1, 1), end=today, actor=quality)

    visitor = anonymous_page("en")
    watch = Watch(visitor)
    watch.visit(visitor, "/login/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Log in")
    check_a11y(visitor)  # axe is injected by the DevTools protocol, not as an inline script
    watch.visit(visitor, "/api/docs/")
    expect(visitor.locator(".swagger-ui .title").first).to_contain_text("Klachtwijzer API")
    watch.visit(visitor, "/api/redoc/")
    expect(visitor.locator("#redoc-container h1").first).to_contain_text("Klachtwijzer API")
    # Redoc's inserted styles took effect (allowed by the nonce): its menu is laid out.
    assert visitor.locator("#redoc-container .menu-content").first.is_visible()

    page = page_for(agent, "en")
    agent_watch = Watch(page)
    agent_watch.visit(page, "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    agent_watch.visit(page, f"/complaints/{complaint.reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(complaint.subject)
    agent_watch.visit(page, f"/complaints/{resolved.reference}/")
    # htmx at work: the customer search swaps its results in as one types.
    agent_watch.visit(page, "/complaints/new/")
    page.locator("#customer-q").fill("Ria")
    expect(page.locator("#customer-results")).to_contain_text("Ria Smit")

    reader = page_for(quality, "en")
    quality_watch = Watch(reader)
    quality_watch.visit(reader, f"/reports/{report.pk}/")
    expect(reader.get_by_role("heading", level=1)).to_contain_text("Root-cause report")

    found = watch.messages + agent_watch.messages + quality_watch.messages
    assert found == []

    # The watch sees a violation when there is one: an inline style is refused and reported.
    with reader.expect_console_message(lambda m: CSP in m.text and "style-src" in m.text):
        reader.evaluate(
            """() => {
                const style = document.createElement("style");
                style.textContent = "body { color: red; }";
                document.head.appendChild(style);
            }"""
        )
    assert any("style-src" in m for m in quality_watch.messages), quality_watch.messages
