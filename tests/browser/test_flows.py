"""The web interface's main flows in a real browser, in English and in Dutch.

An agent logs a complaint and takes it through the triad (understanding, apology, solution)
to resolved; a "no" answer needs its domain, balance and alternatives; a step that is no
longer possible is refused in words; a manager reassigns a complaint; the intake form works
with the keyboard alone; a 404 keeps the layout. Every main page passes axe and is
photographed for the README (docs/screenshots/).

The locators follow the page as a person reads it: labels, roles and the button texts, all
through ``say(msgid, language)`` so that the Dutch run finds the Dutch words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accounts.models import Team, User
from complaints.choices import Emotion, Outcome
from complaints.models import Complaint, EventType
from complaints.states import Stage
from tests.browser.helpers import PageFor, say
from tests.factories import CustomerFactory, advance, make_complaint, root_cause

A11y = Callable[..., Any]
Shot = Callable[[Page, str], Any]

STEPS = ["understand", "apologise", "solve", "resolve", "close"]

# The audit trail of a complaint taken from intake to resolved, in order.
TRAIL_TO_RESOLVED = [
    EventType.RECEIVED,
    EventType.UNDERSTOOD,
    EventType.APOLOGISED,
    EventType.SOLVED,
    EventType.RESOLVED,
]
TRAIL_LABELS = [
    "Complaint received",
    "Understanding shown",
    "Apologised",
    "Solution given",
    "Resolved",
]


# --- Reading the complaint page ----------------------------------------------------------------


def expect_stepper(page: Page, current: str) -> None:
    """The steps before ``current`` are recorded, ``current`` is the step now, the rest later;
    the only form in the stepper is that of ``current`` (none at "close" before the follow-up)."""
    at = STEPS.index(current)
    for i, key in enumerate(STEPS):
        status = "done" if i < at else "current" if i == at else "todo"
        expect(page.locator(f"#step-{key}")).to_have_attribute("data-status", status)
    expect(page.locator("#stepper [aria-current=step]")).to_have_attribute("id", f"step-{current}")
    forms = page.locator("#stepper form")
    if current == "close":
        # Resolved: closing waits for the one-month follow-up, and the station says until when.
        expect(forms).to_have_count(0)
        expect(page.locator("#stepper [data-testid=closing-waits]")).to_be_visible()
        return
    expect(forms).to_have_count(1)
    expect(forms).to_have_attribute("id", f"form-{current}")


def trail(page: Page) -> list[str]:
    """The audit trail's event types, top to bottom."""
    return page.locator("#timeline > li").evaluate_all("items => items.map(i => i.dataset.event)")


def expect_message(page: Page, text: str) -> None:
    expect(page.locator("#messages")).to_contain_text(text)


def field_with(form: Locator, control: str) -> Locator:
    """The field block (label, help, errors, control) around the control matching ``control``."""
    return form.locator(".field", has=form.page.locator(control)).last


def tomorrow_at_three() -> str:
    """Tomorrow 15:00 (Amsterdam) as a datetime-local input wants it."""
    moment = timezone.localtime() + timedelta(days=1)
    return moment.strftime("%Y-%m-%dT15:00")


# What the agent types, in the language of the run (the screenshots read naturally).
WORDS = {
    "en": {
        "facts": "The customer has paid for three years for mobile internet he never used.",
        "acknowledgement": "I understand you are angry: three years of paying for nothing.",
        "apology": "I am sorry you have had to deal with this.",
        "facts_summary": "Internet bundle active since 2023, never used.",
        "next_steps": "I will check whether we can refund you and call you tomorrow at 15:00.",
        "upheld": "Subscription changed and three months refunded.",
    },
    "nl": {
        "facts": "Klant betaalt drie jaar voor internet op zijn telefoon dat hij nooit gebruikte.",
        "acknowledgement": "Ik begrijp dat u boos bent: drie jaar betalen voor niets.",
        "apology": "Het spijt me dat u hiermee te maken hebt gekregen.",
        "facts_summary": "Internetbundel sinds 2023 actief, nooit gebruikt.",
        "next_steps": "Ik zoek uit of we kunnen terugbetalen en bel u morgen om 15:00.",
        "upheld": "Abonnement aangepast en drie maanden terugbetaald.",
        "refused": "Geen terugbetaling: de bundel stond drie jaar op de factuur. Uitgelegd waarom.",
        "alternatives": "Een goedkopere bundel zonder internet, vanaf volgende maand.",
    },
}


# --- Doing the steps -----------------------------------------------------------------------------


def log_new_complaint(page: Page, language: str, *, subject: str) -> None:
    """Fill the complaint part of the intake form and save it (the customer is done before)."""

    def t(msgid: str) -> str:
        return say(msgid, language)

    form = page.locator("#new-complaint")
    form.get_by_label(t("Channel"), exact=True).select_option(label=t("Email"))
    form.get_by_label(t("Subject"), exact=True).fill(subject)
    form.get_by_label(t("The facts"), exact=True).fill(WORDS[language]["facts"])
    form.get_by_label(t("Emotion sensed"), exact=True).select_option(label=t("Angry"))
    form.get_by_label(t("Intensity"), exact=True).select_option("4")
    form.get_by_role("button", name=t("Save complaint")).click()
    expect(page).to_have_url(re.compile(r"/complaints/KL-\d{4}-\d{6,}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)


def understand(page: Page, language: str) -> None:
    def t(msgid: str) -> str:
        return say(msgid, language)

    form = page.locator("#form-understand")
    form.get_by_label(t("Emotion sensed"), exact=True).select_option(label=t("Angry"))
    form.get_by_role("radio", name="4", exact=True).check()
    form.get_by_label(t("How you acknowledged it"), exact=True).fill(
        WORDS[language]["acknowledgement"]
    )
    form.get_by_role("button", name=t("Record understanding")).click()
    expect_message(page, t("Understanding recorded. Next: apologise."))
    expect_stepper(page, "apologise")
    expect(page.locator("#step-understand")).to_contain_text(WORDS[language]["acknowledgement"])


def apologise(page: Page, language: str) -> None:
    def t(msgid: str) -> str:
        return say(msgid, language)

    form = page.locator("#form-apologise")
    form.get_by_label(t("The apology"), exact=True).fill(WORDS[language]["apology"])
    form.get_by_role("button", name=t("Record apology")).click()
    expect_message(page, t("Apology recorded. Next: solve."))
    expect_stepper(page, "solve")
    expect(page.locator("#step-apologise")).to_contain_text(WORDS[language]["apology"])


def solve(page: Page, language: str) -> None:
    def t(msgid: str) -> str:
        return say(msgid, language)

    form = page.locator("#form-solve")
    form.get_by_label(t("The facts, summarised"), exact=True).fill(WORDS[language]["facts_summary"])
    form.get_by_label(t("The next steps"), exact=True).fill(WORDS[language]["next_steps"])
    form.get_by_label(t("Promised moment"), exact=True).fill(tomorrow_at_three())
    form.get_by_role("button", name=t("Record solution and promise")).click()
    expect_message(page, t("Solution and promised moment recorded."))
    expect_stepper(page, "resolve")
    expect(page.locator("#step-solve")).to_contain_text("15:00")


def fill_resolution(form: Locator, language: str, outcome: str, summary: str = "") -> None:
    """Everything a resolution always needs, with ``outcome`` (the msgid of its label)."""
    summary = summary or WORDS[language]["upheld"]

    def t(msgid: str) -> str:
        return say(msgid, language)

    form.get_by_role("radio", name=t(outcome), exact=True).check()
    form.get_by_label(t("What was resolved"), exact=True).fill(summary)
    form.get_by_label(t("Root cause"), exact=True).select_option(str(root_cause().pk))
    form.get_by_label(t("Liability"), exact=True).select_option(
        label=t("The company is not liable")
    )
    form.get_by_label(t("How the customer feels now"), exact=True).select_option(
        label=t("Satisfied")
    )


def expect_resolved(page: Page, language: str) -> None:
    expect_message(page, say("The complaint is resolved. Follow up in about a month.", language))
    expect_stepper(page, "close")
    expect(page.get_by_test_id("stage")).to_have_text(say("Resolved", language))
    expect(page.locator("#timeline > li")).to_have_count(len(TRAIL_TO_RESOLVED))
    assert trail(page) == [str(e.value) for e in TRAIL_TO_RESOLVED]
    for label in TRAIL_LABELS:
        expect(page.locator("#timeline")).to_contain_text(say(label, language))


# --- 1. The agent's flow in English ------------------------------------------------------------


def test_an_agent_logs_a_complaint_and_takes_it_through_the_triad_to_resolved(
    page_for: PageFor, check_a11y: A11y, screenshot: Shot, agent: User
) -> None:
    customer = CustomerFactory(
        name="Jan de Vries", email="jan.devries@example.nl", customer_number="C004711"
    )
    CustomerFactory(name="Janneke Bos", email="janneke@example.nl", customer_number="C004712")
    page = page_for(agent, "en")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="New complaint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New complaint")
    expect(page.get_by_label("Find an existing customer")).to_be_focused()
    check_a11y(page)
    screenshot(page, "complaint-new")

    # Typing finds the customer as you go (htmx); pick the right one of the two matches.
    page.get_by_label("Find an existing customer").press_sequentially("jan", delay=20)
    results = page.locator("#customer-results")
    expect(results.get_by_role("radio")).to_have_count(3)  # two customers and "none of these"
    results.get_by_role("radio", name=re.compile(r"Jan de Vries")).check()
    check_a11y(page)
    log_new_complaint(page, "en", subject="Paying for mobile internet I never used")

    expect_message(page, "is logged. You own it.")
    expect(page.get_by_test_id("stage")).to_have_text("Received")
    expect(page.get_by_test_id("customer-card")).to_contain_text(customer.name)
    expect(page.get_by_test_id("owner")).to_contain_text(str(agent))
    expect_stepper(page, "understand")
    assert trail(page) == [EventType.RECEIVED.value]
    check_a11y(page)
    screenshot(page, "complaint-received")
    reference = page.locator(".eyebrow").inner_text().strip()

    understand(page, "en")
    apologise(page, "en")
    solve(page, "en")
    check_a11y(page)  # the resolve form, with its "saying no" fieldset

    form = page.locator("#form-resolve")
    fill_resolution(form, "en", "Upheld")
    form.get_by_role("button", name="Resolve").click()
    expect_resolved(page, "en")
    expect(page.locator("#step-resolve")).to_contain_text("Upheld")

    page.reload()  # the same page without htmx: what the server renders from scratch
    expect_stepper(page, "close")
    assert trail(page) == [str(e.value) for e in TRAIL_TO_RESOLVED]
    check_a11y(page)
    screenshot(page, "complaint-resolved")

    complaint = Complaint.objects.get(reference=reference)
    assert complaint.stage == Stage.RESOLVED
    assert complaint.customer == customer
    assert complaint.outcome == Outcome.UPHELD


# --- 2. The same in Dutch, with a new customer and a "no" answer ---------------------------------


def test_een_medewerker_neemt_een_klacht_in_het_nederlands_door_tot_opgelost_met_een_nee(
    page_for: PageFor, check_a11y: A11y, screenshot: Shot, agent: User
) -> None:
    def t(msgid: str) -> str:
        return say(msgid, "nl")

    assert t("New complaint") != "New complaint"  # the catalogue is there
    page = page_for(agent, "nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My work"))

    page.get_by_role("link", name=t("New complaint")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New complaint"))
    form = page.locator("#new-complaint")
    for legend in ("Customer", "Or a new customer", "Complaint"):
        expect(form.locator("legend", has_text=t(legend)).first).to_be_visible()

    # Nobody matches, so the customer is created in the same form.
    page.get_by_label(t("Find an existing customer")).press_sequentially("Pietersen", delay=20)
    expect(page.locator("#customer-results")).to_contain_text("Pietersen")
    expect(page.locator("#customer-results").get_by_role("radio")).to_have_count(0)
    new_customer = form.locator("fieldset.new-customer")
    new_customer.get_by_label(t("Name"), exact=True).fill("Karin Pietersen")
    new_customer.get_by_label(t("Customer number"), exact=True).fill("C008150")
    new_customer.get_by_label(t("Email"), exact=True).fill("karin.pietersen@example.nl")
    check_a11y(page)
    screenshot(page, "complaint-new-nl")
    log_new_complaint(page, "nl", subject="Factuur dubbel afgeschreven")

    expect(page.get_by_test_id("stage")).to_have_text(t("Received"))
    expect(page.get_by_test_id("customer-card")).to_contain_text("Karin Pietersen")
    expect(page.locator("#stepper-title")).to_have_text(t("The triad"))
    expect(page.locator("#step-understand h3")).to_contain_text(t("Show understanding"))
    expect(page.locator("#timeline-title")).to_have_text(t("Audit trail"))
    expect_stepper(page, "understand")
    check_a11y(page)
    screenshot(page, "complaint-received-nl")

    understand(page, "nl")
    apologise(page, "nl")
    solve(page, "nl")

    # "No" without its domain, balance and alternatives: each field says what is missing.
    resolve = page.locator("#form-resolve")
    fill_resolution(resolve, "nl", "Not upheld", WORDS["nl"]["refused"])
    resolve.get_by_role("button", name=t("Resolve")).click()
    expect(resolve.get_by_role("alert")).to_contain_text(t("Please check the fields marked below."))
    required = t("This field is required.")
    expect(field_with(resolve, "[name=request_domain]")).to_contain_text(required)
    expect(field_with(resolve, "[name=balance]")).to_contain_text(required)
    expect(field_with(resolve, "[name=alternatives_offered]")).to_contain_text(
        t("When the answer is (partly) no, record the alternatives offered.")
    )
    expect(field_with(resolve, "[name=request_domain]")).to_have_class(re.compile("has-error"))
    expect(resolve.get_by_role("radio", name=t("Not upheld"), exact=True)).to_be_checked()
    expect(resolve.get_by_label(t("What was resolved"), exact=True)).to_have_value(
        WORDS["nl"]["refused"]
    )
    expect_stepper(page, "resolve")
    check_a11y(page)

    # With them, the "no" is recorded.
    resolve.get_by_role(
        "radio", name=t("Past (a settled fact: reasonable and fair?)"), exact=True
    ).check()
    resolve.get_by_role("radio", name=t("Win-lose: the customer loses"), exact=True).check()
    resolve.get_by_label(t("Alternatives offered"), exact=True).fill(WORDS["nl"]["alternatives"])
    resolve.get_by_role("button", name=t("Resolve")).click()
    expect_resolved(page, "nl")
    record = page.locator("#step-resolve")
    expect(record).to_contain_text(t("Not upheld"))
    expect(record).to_contain_text(WORDS["nl"]["alternatives"])
    page.reload()
    check_a11y(page)
    screenshot(page, "complaint-resolved-nl")


# --- 3. A step that is no longer possible is refused in words ------------------------------------


def test_a_step_taken_in_another_tab_is_refused_in_words(
    page_for: PageFor, check_a11y: A11y, agent: User
) -> None:
    complaint = make_complaint(owner=agent)
    url = reverse("complaint-page", args=[complaint.reference])
    first = page_for(agent, "en")
    first.goto(url)
    second = first.context.new_page()
    second.goto(url)

    # Understanding shown in the first tab; the second still shows the understanding form.
    understand(first, "en")
    form = second.locator("#form-understand")
    form.get_by_label("Emotion sensed", exact=True).select_option("frustrated")
    form.get_by_role("radio", name="2", exact=True).check()
    form.get_by_label("How you acknowledged it", exact=True).fill("Twice, by mistake.")
    form.get_by_role("button", name="Record understanding").click()
    expect(second.get_by_test_id("refusal")).to_have_text(
        "Understanding has been shown; the next step is to apologise."
    )
    expect_stepper(second, "apologise")  # and the tab now shows where the complaint is
    check_a11y(second)

    # The same for resolving twice.
    complaint.refresh_from_db()
    advance(complaint, to=Stage.SOLVING)
    first.reload()
    second.reload()
    for page in (first, second):
        fill_resolution(page.locator("#form-resolve"), "en", "Upheld")
    first.locator("#form-resolve").get_by_role("button", name="Resolve").click()
    expect_resolved(first, "en")
    second.locator("#form-resolve").get_by_role("button", name="Resolve").click()
    expect(second.get_by_test_id("refusal")).to_have_text("This complaint is already resolved.")
    expect(second.locator("#messages")).to_contain_text("This complaint is already resolved.")
    expect_stepper(second, "close")
    check_a11y(second)
    assert [str(e) for e in trail(second)].count(EventType.RESOLVED.value) == 1


# --- 4. My work, and the manager reassigns ---------------------------------------------------------


def work_for_the_team(agent: User, other_agent: User) -> dict[str, Complaint]:
    """Open complaints in several stages, for a meaningful My work and Team page."""
    now = timezone.now()
    customers = [CustomerFactory() for _ in range(4)]
    overdue = make_complaint(
        owner=agent,
        customer=customers[0],
        subject="Monteur kwam niet opdagen",
        channel="phone",
        priority="high",
        received_at=now - timedelta(days=21),
    )
    fresh = make_complaint(
        owner=agent,
        customer=customers[1],
        subject="Wachtmuziek te hard",
        channel="chat",
        received_at=now - timedelta(hours=3),
    )
    understood = advance(
        make_complaint(
            owner=agent,
            customer=customers[2],
            subject="Pakket beschadigd bezorgd",
            channel="email",
            received_at=now - timedelta(days=1),
        ),
        to=Stage.UNDERSTOOD,
    )
    apologised = advance(
        make_complaint(
            owner=agent,
            customer=customers[3],
            subject="Onvriendelijk te woord gestaan",
            received_at=now - timedelta(days=3),
        ),
        to=Stage.APOLOGISED,
    )
    solving = advance(
        make_complaint(
            owner=agent,
            customer=customers[0],
            subject="Te veel betaald voor internet",
            priority="low",
            received_at=now - timedelta(days=6),
        ),
        to=Stage.SOLVING,
    )
    colleagues = make_complaint(
        owner=other_agent,
        customer=customers[1],
        subject="Storing na verhuizing",
        received_at=now - timedelta(days=2),
    )
    return {
        "overdue": overdue,
        "fresh": fresh,
        "understood": understood,
        "apologised": apologised,
        "solving": solving,
        "colleagues": colleagues,
    }


def test_my_work_and_a_manager_reassigns_a_complaint_to_a_colleague(
    page_for: PageFor,
    check_a11y: A11y,
    screenshot: Shot,
    agent: User,
    other_agent: User,
    manager: User,
    team: Team,
) -> None:
    work = work_for_the_team(agent, other_agent)

    # The agent's home: her open complaints by stage, the overdue one marked.
    mine = page_for(agent, "en")
    expect(mine.get_by_role("heading", level=1)).to_have_text("My work")
    expect(mine.locator("p.total")).to_have_text("5 complaints")
    received = mine.get_by_test_id("work-received")
    expect(received.locator("tbody tr")).to_have_count(2)
    expect(received.locator("tbody tr").first).to_contain_text(work["overdue"].reference)
    # Which deadline passed, and how long ago (high priority: 8 h to acknowledge, 72 h to resolve).
    expect(received.locator("tbody tr").first.locator(".badge.deadline.over")).to_have_text(
        ["acknowledge: 21 days over", "resolve: 18 days over"]
    )
    for stage in ("understood", "apologised", "solving"):
        expect(mine.get_by_test_id(f"work-{stage}")).to_contain_text(work[stage].reference)
    expect(mine.locator("#work-results")).not_to_contain_text(work["colleagues"].reference)
    check_a11y(mine)
    screenshot(mine, "my-work")

    # The manager's team page: owner, stage and age of every open complaint; overdue apart.
    boss = page_for(manager, "en")
    boss.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("The team's open complaints")
    table = boss.locator("#team-complaints")
    expect(table.locator("tbody tr")).to_have_count(6)
    # The first column holds the checkboxes of bulk reassign (tests/browser/test_helpdesk.py).
    headers = table.locator("thead th").all_inner_texts()
    assert headers[1:7] == ["Reference", "Subject", "Owner", "Stage", "Age", "Resolve before"]
    row = table.locator(f"tr[data-reference='{work['apologised'].reference}']")
    cells = row.locator("td")
    expect(cells.nth(3)).to_have_text(str(agent))
    expect(cells.nth(4)).to_have_text("Apologised")
    expect(cells.nth(5)).to_have_text(re.compile(r"^3\s+days"))
    colleague_row = table.locator(f"tr[data-reference='{work['colleagues'].reference}']")
    expect(colleague_row.locator("td").nth(3)).to_have_text(str(other_agent))
    expect(colleague_row.locator("td").nth(5)).to_have_text(re.compile(r"^2\s+days"))
    # Overdue: the one received three weeks ago, and the colleague's, unanswered for two days.
    overdue = boss.locator("#team-overdue")
    expect(overdue.locator("tbody tr")).to_have_count(2)
    expect(
        overdue.locator(f"tr[data-reference='{work['overdue'].reference}'] .badge.deadline.over")
    ).to_have_text(["acknowledge: 21 days over", "resolve: 18 days over"])
    expect(
        overdue.locator(f"tr[data-reference='{work['colleagues'].reference}'] .badge.deadline")
    ).to_have_text(["acknowledge: 24 h over", "resolve: in 12 days"])
    check_a11y(boss)
    screenshot(boss, "team")

    # Reassign the overdue complaint from the agent to her colleague, with a reason.
    target = work["overdue"]
    reason = "Anna is op cursus; Bram belt de klant vandaag nog."
    table.locator(f"tr[data-reference='{target.reference}']").get_by_role(
        "link", name=f"Reassign {target.reference}"
    ).click()
    # The form opens inside the list (htmx; without JavaScript on a page of its own).
    panel = boss.get_by_test_id("reassign")
    expect(panel.get_by_role("heading", name=f"Reassign {target.reference}")).to_be_visible()
    expect(panel.get_by_test_id("owner")).to_have_text(str(agent))
    check_a11y(boss)
    transfer = panel.locator("#form-transfer")
    transfer.get_by_label("New owner", exact=True).select_option(label=f"{other_agent} ({team})")
    transfer.get_by_label("Reason", exact=True).fill(reason)
    transfer.get_by_role("button", name="Reassign").click()

    expect(boss).to_have_url(re.compile(r"/team/$"))
    expect_message(boss, f"{target.reference} now belongs to {other_agent}.")
    moved = boss.locator(f"#team-complaints tr[data-reference='{target.reference}']")
    expect(moved.locator("td").nth(3)).to_have_text(str(other_agent))

    # The complaint's page shows the new owner, and the transfer at the end of its trail.
    moved.get_by_role("link", name=target.reference, exact=True).click()
    expect(boss.get_by_test_id("owner")).to_contain_text(str(other_agent))
    last = boss.locator("#timeline > li").last
    expect(last).to_have_attribute("data-event", EventType.OWNER_CHANGED.value)
    expect(last).to_contain_text("Ownership transferred")
    expect(last).to_contain_text(f"{agent} → {other_agent}: {reason}")
    expect(last).to_contain_text(str(manager))
    check_a11y(boss)

    # And it has left the agent's own list.
    mine.reload()
    expect(mine.locator("p.total")).to_have_text("4 complaints")
    expect(mine.locator("#work-results")).not_to_contain_text(target.reference)
    target.refresh_from_db()
    assert target.owner == other_agent


# --- 5. The intake form with the keyboard only ---------------------------------------------------


def test_the_new_complaint_form_works_with_the_keyboard_alone(
    page_for: PageFor, agent: User
) -> None:
    page = page_for(agent, "en")
    page.goto(reverse("complaint-new"))
    keyboard = page.keyboard

    search = page.get_by_label("Find an existing customer")
    expect(search).to_be_focused()  # autofocus: typing can start at once

    def tab_to(locator: Locator, presses: int = 1) -> None:
        for _ in range(presses):
            keyboard.press("Tab")
        expect(locator).to_be_focused()

    form = page.locator("#new-complaint")
    tab_to(page.get_by_role("button", name="Find"))
    tab_to(form.get_by_label("Name", exact=True))
    keyboard.type("Sanne Smit")
    tab_to(form.get_by_label("Customer number", exact=True))
    keyboard.type("C009001")
    tab_to(form.get_by_label("Email", exact=True))
    keyboard.type("sanne.smit@example.nl")
    tab_to(form.get_by_label("Phone", exact=True))
    tab_to(form.get_by_label("Language for letters", exact=True))
    tab_to(form.get_by_label("Channel", exact=True))
    tab_to(form.get_by_label("Priority", exact=True))
    tab_to(form.get_by_label("Subject", exact=True))
    keyboard.type("Verkeerde maat geleverd")
    tab_to(form.get_by_label("The facts", exact=True))
    keyboard.type("Schoenen in maat 44 besteld, maat 42 gekregen.")
    tab_to(form.get_by_label("Emotion sensed", exact=True))
    keyboard.press("ArrowDown")  # a closed select takes the arrow keys: the first emotion
    tab_to(form.get_by_label("Intensity", exact=True))
    tab_to(form.get_by_label("Product or category", exact=True))
    keyboard.type("Schoenen")
    tab_to(form.get_by_role("button", name="Save complaint"))
    keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/complaints/KL-\d{4}-\d{6,}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verkeerde maat geleverd")
    expect(page.get_by_test_id("customer-card")).to_contain_text("Sanne Smit")
    complaint = Complaint.objects.get(subject="Verkeerde maat geleverd")
    assert complaint.channel == "phone"  # the defaults, left as they were
    assert complaint.emotion_at_intake == Emotion.ANGRY
    assert complaint.category == "Schoenen"
    assert complaint.customer.email == "sanne.smit@example.nl"


# --- 6. Error pages -----------------------------------------------------------------------------------


def test_an_unknown_complaint_is_a_404_in_the_layout_that_passes_axe(
    page_for: PageFor, check_a11y: A11y, agent: User
) -> None:
    page = page_for(agent, "en")
    for path in (
        reverse("complaint-page", args=["KL-2000-999999"]),
        "/no-such-page/",
    ):
        response = page.goto(path)
        assert response is not None
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        check_a11y(page)
    page.get_by_role("link", name="Back to my work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")


def test_after_a_step_the_keyboard_focus_moves_on_to_the_next_step(
    page_for: PageFor, agent: User
) -> None:
    complaint = make_complaint(owner=agent)
    page = page_for(agent, "en")
    page.goto(reverse("complaint-page", args=[complaint.reference]))
    form = page.locator("#form-understand")
    form.get_by_label("Emotion sensed", exact=True).select_option("angry")
    form.get_by_role("radio", name="4", exact=True).check()
    form.get_by_label("How you acknowledged it", exact=True).fill("Dat begrijp ik.")
    form.get_by_role("button", name="Record understanding").focus()
    page.keyboard.press("Enter")
    expect_stepper(page, "apologise")
    assert page.evaluate("() => !!document.activeElement.closest('#step-apologise, #messages')"), (
        page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
    )
