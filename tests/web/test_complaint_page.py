"""The complaint page: the triad as a stepper, each step's form, refusals in words, contacts,
transfer, reopen, close; plain POSTs and htmx fragments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, Interaction, OwnershipTransfer
from complaints.states import Stage
from tests.complaints.dbstate import db_changes, db_snapshot
from tests.factories import (
    CustomerFactory,
    advance,
    follow_up_done,
    make_complaint,
    root_cause,
)
from tests.web.conftest import HTMX, field_html


def page_url(complaint: Complaint) -> str:
    return reverse("complaint-page", args=[complaint.reference])


def step_url(complaint: Complaint, name: str) -> str:
    return reverse("complaint-page-step", args=[complaint.reference, name])


def local(moment: Any) -> str:
    """A moment as a datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


FORM_DATA: dict[str, dict[str, Any]] = {
    "understand": {
        "emotion": "angry",
        "intensity": "4",
        "acknowledgement": "Ik begrijp dat u boos bent.",
    },
    "apologise": {"apology": "Het spijt me dat u hiermee te maken hebt gekregen."},
    "solve": {
        "facts_summary": "Bundel sinds 2010 actief, nooit gebruikt.",
        "next_steps": "Ik zoek uit of we kunnen terugbetalen.",
    },
    "resolve": {
        "outcome": "upheld",
        "resolution_summary": "Abonnement aangepast en terugbetaald.",
        "liability": "not_liable",
        "emotion_at_resolution": "satisfied",
    },
    "close": {"note": "Klant is tevreden na een maand."},
    "reopen": {"reason": "Terugbetaling niet ontvangen."},
}


def form_data(name: str, **overrides: Any) -> dict[str, Any]:
    data = dict(FORM_DATA[name])
    if name == "solve":
        data["promised_at"] = local(timezone.now() + timedelta(days=1))
    if name == "resolve":
        data["root_cause"] = root_cause().pk
    data.update(overrides)
    return data


@pytest.fixture
def complaint(agent):
    return make_complaint(owner=agent, customer=CustomerFactory(name="Ronald Kuipers"))


# --- Reading -----------------------------------------------------------------------------------


def test_login_is_required(client, complaint):
    assert client.get(page_url(complaint))["Location"].startswith(reverse("login"))
    response = client.post(step_url(complaint, "understand"), form_data("understand"))
    assert response["Location"].startswith(reverse("login"))
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.RECEIVED


def test_shows_customer_facts_stepper_and_only_the_next_steps_form(client_as, agent, complaint):
    page = client_as(agent).get(page_url(complaint)).content.decode()
    assert complaint.reference in page
    assert "Ronald Kuipers" in page
    assert complaint.facts in page
    assert 'id="stepper"' in page
    assert 'id="form-understand"' in page
    for later in ("form-apologise", "form-solve", "form-resolve", "form-close"):
        assert f'id="{later}"' not in page
    # The helper text of the current step, from the domain: sense and acknowledge.
    assert "Sense what the customer feels" in page
    assert 'id="timeline"' in page
    assert "Complaint received" in page


def test_speaks_dutch(client_as, agent, complaint):
    page = client_as(agent, language="nl").get(page_url(complaint)).content.decode()
    assert "Begrip tonen" in page
    assert "Ontvangen" in page
    assert "Klacht ontvangen" in page  # the event type in the timeline


@pytest.mark.parametrize(
    ("stage", "current"),
    [
        (Stage.UNDERSTOOD, "apologise"),
        (Stage.APOLOGISED, "solve"),
        (Stage.SOLVING, "resolve"),
        (Stage.RESOLVED, "close"),
    ],
)
def test_each_stage_offers_the_next_form_and_shows_what_was_recorded(
    client_as, agent, complaint, stage, current
):
    complaint = advance(complaint, to=stage)
    if stage == Stage.RESOLVED:
        follow_up_done(complaint)  # closing waits for the follow-up
    page = client_as(agent).get(page_url(complaint)).content.decode()
    assert f'id="form-{current}"' in page
    assert page.count('class="step-form') == 1 + ('id="form-reopen"' in page)
    assert "Ik begrijp dat u boos bent" in page  # the understanding shown, recorded at step 1
    assert ('id="form-reopen"' in page) == (stage == Stage.RESOLVED)


def test_a_closed_complaint_can_only_be_reopened(client_as, agent, complaint):
    complaint = advance(complaint, to=Stage.CLOSED)
    page = client_as(agent).get(page_url(complaint)).content.decode()
    assert 'id="form-reopen"' in page
    assert 'id="form-transfer"' not in page
    assert page.count('class="step-form') == 1


def test_a_colleague_sees_the_complaint_but_gets_no_forms(client_as, other_agent, complaint):
    page = client_as(other_agent).get(page_url(complaint))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="form-understand"' not in content
    assert 'id="form-transfer"' not in content
    assert "Only the owner of this complaint or their manager can take this step." in content


def test_another_teams_agent_gets_404(client_as, outsider, complaint):
    response = client_as(outsider).get(page_url(complaint))
    assert response.status_code == 404
    assert "not visible to you" in response.content.decode()
    before = db_snapshot()
    assert client_as(outsider).post(step_url(complaint, "understand"), FORM_DATA["understand"])
    assert db_changes(before, db_snapshot()) == {}


def test_earlier_complaints_of_the_customer_that_i_may_see(client_as, agent, outsider, complaint):
    earlier = make_complaint(owner=agent, customer=complaint.customer, subject="Eerdere klacht")
    hidden = make_complaint(owner=outsider, customer=complaint.customer, subject="Elders")
    page = client_as(agent).get(page_url(complaint)).content.decode()
    history = page.split('id="customer-history"')[1].split("</ul>")[0]
    assert earlier.reference in history
    assert hidden.reference not in history
    assert complaint.reference not in history


def test_page_queries_do_not_grow_with_the_history(
    client_as, agent, complaint, django_assert_max_num_queries
):
    client = client_as(agent)
    with django_assert_max_num_queries(30) as few:
        client.get(page_url(complaint))
    first = len(few)  # count now: the next request outside the block resets the query log
    advance(complaint, to=Stage.RESOLVED)
    for _ in range(3):
        make_complaint(owner=agent, customer=complaint.customer)
        client.post(
            reverse("complaint-page-contact", args=[complaint.reference]),
            {"kind": "call", "direction": "outbound", "summary": "Gebeld."},
        )
    with django_assert_max_num_queries(first):
        client.get(page_url(complaint))


# --- The triad, happy path -----------------------------------------------------------------------


def test_the_whole_triad_through_plain_forms(client_as, agent, complaint):
    client = client_as(agent)
    expected = {
        "understand": Stage.UNDERSTOOD,
        "apologise": Stage.APOLOGISED,
        "solve": Stage.SOLVING,
        "resolve": Stage.RESOLVED,
        "close": Stage.CLOSED,
        "reopen": Stage.SOLVING,
    }
    for name, stage in expected.items():
        if name == "close":
            follow_up_done(complaint)  # a month later: how does the customer feel now?
        response = client.post(step_url(complaint, name), form_data(name))
        assert response.status_code == 302, (name, response.content[:500])
        assert response["Location"] == page_url(complaint)
        assert Complaint.objects.get(pk=complaint.pk).stage == stage, name
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.understanding.acknowledgement == "Ik begrijp dat u boos bent."
    assert fresh.apology.apology.startswith("Het spijt me")
    assert fresh.solution.promised_at > timezone.now()
    page = client.get(page_url(complaint)).content.decode()
    assert "The complaint is reopened and back in solving." in page
    timeline = page.split('id="timeline"')[1]
    for event in ("Understanding shown", "Apologised", "Solution given", "Resolved", "Reopened"):
        assert event in timeline


def test_saying_no_with_domain_balance_and_alternatives(client_as, agent, complaint):
    complaint = advance(complaint, to=Stage.SOLVING)
    data = form_data(
        "resolve",
        outcome="not_upheld",
        request_domain="future",
        balance="customer_loses",
        alternatives_offered="Overstappen naar een goedkoper abonnement.",
    )
    response = client_as(agent).post(step_url(complaint, "resolve"), data)
    assert response.status_code == 302
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert (fresh.stage, fresh.outcome, fresh.request_domain, fresh.balance) == (
        Stage.RESOLVED,
        "not_upheld",
        "future",
        "customer_loses",
    )


def test_the_manager_can_take_a_step_on_the_teams_complaint(client_as, manager, complaint):
    response = client_as(manager).post(step_url(complaint, "understand"), form_data("understand"))
    assert response.status_code == 302
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.stage == Stage.UNDERSTOOD
    assert fresh.understanding.recorded_by == manager


# --- The triad, refusals -------------------------------------------------------------------------


def test_missing_step_data_is_shown_next_to_the_field_and_nothing_is_written(
    client_as, agent, complaint
):
    before = db_snapshot()
    response = client_as(agent).post(
        step_url(complaint, "understand"), form_data("understand", acknowledgement="")
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This field is required." in field_html(content, "understand-acknowledgement")
    assert 'value="angry" selected' in content  # what was typed stays
    assert db_changes(before, db_snapshot()) == {}


def test_a_no_without_domain_balance_and_alternatives_is_refused_by_the_workflow(
    client_as, agent, complaint
):
    complaint = advance(complaint, to=Stage.SOLVING)
    before = db_snapshot()
    response = client_as(agent).post(
        step_url(complaint, "resolve"), form_data("resolve", outcome="partly_upheld")
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This field is required." in field_html(content, "resolve-request_domain")
    assert "This field is required." in field_html(content, "resolve-balance")
    assert "When the answer is (partly) no, record the alternatives offered." in field_html(
        content, "resolve-alternatives_offered"
    )
    assert db_changes(before, db_snapshot()) == {}


def test_a_promise_in_the_past_is_refused_in_words(client_as, agent, complaint):
    complaint = advance(complaint, to=Stage.APOLOGISED)
    before = db_snapshot()
    response = client_as(agent).post(
        step_url(complaint, "solve"),
        form_data("solve", promised_at=local(timezone.now() - timedelta(hours=2))),
    )
    content = response.content.decode()
    assert "The promised moment must lie in the future." in field_html(content, "solve-promised_at")
    assert db_changes(before, db_snapshot()) == {}


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "This complaint is already resolved."), ("nl", "Deze klacht is al afgehandeld.")],
)
def test_a_refused_transition_is_explained_in_words(client_as, agent, complaint, language, message):
    complaint = advance(complaint, to=Stage.RESOLVED)
    client = client_as(agent, language=language)
    before = db_snapshot()
    response = client.post(step_url(complaint, "understand"), form_data("understand"), follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    # Nothing written but the record that the page it returned to was viewed.
    changes = db_changes(before, db_snapshot())
    assert list(changes) == ["complaints.DataAccess"]
    assert [row["kind"] for row in changes["complaints.DataAccess"]["added"]] == [
        "complaint_viewed"
    ]


def test_a_colleague_who_may_not_work_the_complaint_gets_403(client_as, other_agent, complaint):
    before = db_snapshot()
    response = client_as(other_agent).post(
        step_url(complaint, "understand"), form_data("understand")
    )
    assert response.status_code == 403
    assert "Only the owner of this complaint or their manager may do this." in (
        response.content.decode()
    )
    assert db_changes(before, db_snapshot()) == {}


def test_htmx_forbidden_step_is_403_with_the_reason_in_the_fragment(
    client_as, other_agent, complaint
):
    before = db_snapshot()
    response = client_as(other_agent).post(
        step_url(complaint, "understand"), form_data("understand"), **HTMX
    )
    assert response.status_code == 403
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="complaint-main"')
    assert "Only the owner of this complaint or their manager may do this." in content
    assert db_changes(before, db_snapshot()) == {}


def test_an_unknown_step_is_404(client_as, agent, complaint):
    assert client_as(agent).post(step_url(complaint, "teleport"), {}).status_code == 404


def test_steps_need_post(client_as, agent, complaint):
    assert client_as(agent).get(step_url(complaint, "understand")).status_code == 405


# --- htmx ----------------------------------------------------------------------------------------


def test_htmx_step_returns_the_changed_part_with_the_next_form(client_as, agent, complaint):
    response = client_as(agent).post(
        step_url(complaint, "understand"), form_data("understand"), **HTMX
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="complaint-main"')
    assert "<html" not in content
    assert 'id="form-apologise"' in content
    assert 'hx-swap-oob="innerHTML"' in content
    assert "Understanding recorded." in content
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.UNDERSTOOD


def test_htmx_step_with_errors_returns_the_form_with_messages(client_as, agent, complaint):
    before = db_snapshot()
    response = client_as(agent).post(step_url(complaint, "understand"), {"emotion": ""}, **HTMX)
    assert response.status_code == 200  # htmx swaps only successful responses
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="complaint-main"')
    assert "This field is required." in field_html(content, "understand-emotion")
    assert db_changes(before, db_snapshot()) == {}


def test_htmx_refusal_is_shown_in_the_fragment(client_as, agent, complaint):
    complaint = advance(complaint, to=Stage.CLOSED)
    response = client_as(agent).post(step_url(complaint, "close"), {}, **HTMX)
    content = response.content.decode()
    assert 'data-testid="refusal"' in content
    assert "This complaint is already closed." in content


# --- Transfer, contacts --------------------------------------------------------------------------


def test_transfer_to_a_colleague_with_a_reason(client_as, agent, other_agent, complaint):
    response = client_as(agent).post(
        reverse("complaint-page-transfer", args=[complaint.reference]),
        {"to_user": other_agent.pk, "reason": "Bram kent deze klant."},
    )
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).owner == other_agent
    transfer = OwnershipTransfer.objects.get(complaint=complaint)
    assert (transfer.from_user, transfer.reason) == (agent, "Bram kent deze klant.")


def test_transfer_without_a_reason_or_to_the_owner_is_explained(client_as, agent, complaint):
    url = reverse("complaint-page-transfer", args=[complaint.reference])
    client = client_as(agent)
    before = db_snapshot()
    no_reason = client.post(url, {"to_user": agent.pk, "reason": ""}).content.decode()
    assert "This field is required." in field_html(no_reason, "transfer-reason")
    same = client.post(url, {"to_user": agent.pk, "reason": "Waarom niet"}).content.decode()
    assert "This person already owns the complaint." in field_html(same, "transfer-to_user")
    assert db_changes(before, db_snapshot()) == {}


def test_add_a_call_to_the_contacts(client_as, agent, complaint):
    url = reverse("complaint-page-contact", args=[complaint.reference])
    response = client_as(agent).post(
        url, {"kind": "call", "direction": "outbound", "summary": "Klant teruggebeld."}
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get(complaint=complaint)
    assert (interaction.kind, interaction.author) == ("call", agent)
    page = client_as(agent).get(page_url(complaint)).content.decode()
    assert "Klant teruggebeld." in page.split('id="interactions"')[1]


def test_a_note_without_text_is_refused(client_as, agent, complaint):
    before = db_snapshot()
    url = reverse("complaint-page-contact", args=[complaint.reference])
    content = client_as(agent).post(url, {"kind": "note", "direction": "internal"}).content
    assert "This field is required." in field_html(content.decode(), "interaction-summary")
    assert db_changes(before, db_snapshot()) == {}


def test_closing_waits_for_the_follow_up_and_a_manager_may_close_early_with_a_reason(
    client_as, agent, manager, complaint
):
    complaint = advance(complaint, to=Stage.RESOLVED)
    page = client_as(agent).get(page_url(complaint), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="closing-waits"' in page
    assert "Closing waits for the follow-up due on" in page
    assert 'id="form-close"' not in page  # the owner waits for the follow-up

    refused = client_as(agent).post(step_url(complaint, "close"), {"note": "Klaar"}, follow=True)
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.RESOLVED
    assert "follow-up" in refused.content.decode() or "nazorg" in refused.content.decode()

    as_manager = client_as(manager)
    page = as_manager.get(page_url(complaint)).content.decode()
    assert 'id="form-close"' in page
    assert 'name="waive_reason"' in page
    as_manager.post(step_url(complaint, "close"), {"note": ""})
    assert Complaint.objects.get(pk=complaint.pk).stage == Stage.RESOLVED  # no reason: no close
    reason = "Klant vraagt uitdrukkelijk om niet meer benaderd te worden."
    response = as_manager.post(step_url(complaint, "close"), {"waive_reason": reason})
    assert response.status_code == 302
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.stage == Stage.CLOSED
    assert fresh.follow_ups.get().waive_reason == reason
    page = as_manager.get(page_url(complaint), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="follow-up-result"' in page
    assert reason in page
