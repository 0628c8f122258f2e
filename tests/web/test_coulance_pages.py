"""Coulance in the web interface: request on the complaint page, approval queue, letter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from complaints.coulance import letter_services
from complaints.coulance import services as coulance
from complaints.models import Complaint, CoulanceLetter, CoulanceRequest
from complaints.states import Stage
from complaints.tasks import send_coulance_letter
from tests.complaints.dbstate import db_snapshot
from tests.factories import CustomerFactory, UserFactory, advance, make_complaint
from tests.web.conftest import field_html

REQUEST = {
    "kind": "voucher",
    "description": "Een tegoedbon van € 25 voor de volgende bestelling",
    "amount": "25.00",
    "currency": "EUR",
    "reason": "Trouwe klant; de bundelkeuze was de klant zelf.",
    "liability": "not_liable",
    "request_domain": "past",
    "assessment": "Redelijk en billijk.",
    "balance": "win_win",
}


@pytest.fixture
def complaint(agent: User, manager: User) -> Complaint:
    customer = CustomerFactory(name="Jan Evers", email="jan.evers@example.nl", language="nl")
    return advance(make_complaint(owner=agent, customer=customer), to=Stage.RESOLVED)


def _ask(complaint: Complaint, actor: User, **changes: Any) -> CoulanceRequest:
    return coulance.coulance_request_create(complaint=complaint, actor=actor, **(REQUEST | changes))


def _page(complaint: Complaint) -> str:
    return reverse("complaint-page", args=[complaint.reference])


def test_the_agent_asks_for_a_gesture_on_the_complaint_page(client_as, agent, manager, complaint):
    client = client_as(agent)
    page = client.get(_page(complaint)).content.decode()
    assert 'id="form-coulance"' in page
    assert "compensation, not coulance" in page

    response = client.post(
        reverse("complaint-page-coulance", args=[complaint.reference]), REQUEST, follow=True
    )

    made = CoulanceRequest.objects.get()
    assert (made.amount, made.waiting_for, made.requested_by) == (Decimal("25.00"), manager, agent)
    text = response.content.decode()
    assert "waits for the approval of" in text
    assert 'id="coulance-requests"' in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-5"}, "coulance-amount", ""),
        ({"amount": "12.345"}, "coulance-amount", ""),
        ({"currency": "XYZ"}, "coulance-currency", ""),
        ({"liability": "liable"}, "coulance-liability", "compensation"),
        ({"assessment": ""}, "coulance-assessment", "required"),
    ],
)
def test_bad_requests_show_the_message_next_to_the_field_and_write_nothing(
    client_as, agent, complaint, changes, field, message
):
    client = client_as(agent)
    before = db_snapshot()

    response = client.post(
        reverse("complaint-page-coulance", args=[complaint.reference]), REQUEST | changes
    )

    assert response.status_code == 200
    group = field_html(response.content.decode(), field)
    assert 'class="errorlist' in group
    assert message in group
    assert db_snapshot() == before


def test_a_colleague_may_not_ask_on_someone_elses_complaint(client_as, other_agent, complaint):
    response = client_as(other_agent).post(
        reverse("complaint-page-coulance", args=[complaint.reference]), REQUEST
    )
    assert response.status_code == 403
    assert not CoulanceRequest.objects.exists()


def test_the_manager_sees_the_queue_with_a_badge_and_approves(client_as, agent, manager, complaint):
    item = _ask(complaint, agent)
    client = client_as(manager)

    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="coulance-badge">1' in home
    queue = client.get(reverse("coulance-queue")).content.decode()
    assert complaint.reference in queue
    assert "Redelijk en billijk." in queue

    response = client.post(
        reverse("coulance-decide", args=[item.pk, "approve"]), {"comment": "Akkoord."}, follow=True
    )

    item.refresh_from_db()
    assert (item.status, item.decided_by, item.decision_comment) == (
        "approved",
        manager,
        "Akkoord.",
    )
    assert CoulanceLetter.objects.filter(request=item, version=1, status="draft").exists()
    assert "Nothing waits for your approval." in response.content.decode()


def test_rejecting_needs_a_comment_in_words(client_as, agent, manager, complaint):
    item = _ask(complaint, agent)
    before = db_snapshot()
    response = client_as(manager).post(
        reverse("coulance-decide", args=[item.pk, "reject"]), {"comment": ""}, follow=True
    )
    assert "This field is required." in response.content.decode()
    assert db_snapshot() == before


def test_the_requester_never_decides_even_as_admin(client_as, admin_user, complaint, manager):
    item = _ask(complaint, admin_user)
    before = db_snapshot()
    response = client_as(admin_user).post(
        reverse("coulance-decide", args=[item.pk, "approve"]), {}, follow=True
    )
    assert "another manager must decide" in response.content.decode()
    assert db_snapshot() == before


def test_an_agent_has_no_queue(client_as, agent):
    assert client_as(agent).get(reverse("coulance-queue")).status_code == 403
    assert 'data-testid="coulance-badge"' not in client_as(agent).get("/").content.decode()


def test_above_the_limit_it_waits_for_the_manager_above(client_as, agent, manager, complaint):
    boss = UserFactory(username="dirk", role=Role.MANAGER, approval_limit=Decimal("1000"))
    manager.reports_to = boss
    manager.save(update_fields=["reports_to"])
    item = _ask(complaint, agent, amount="400.00")

    assert item.waiting_for == boss
    assert (
        complaint.reference
        not in client_as(manager).get(reverse("coulance-queue")).content.decode()
    )
    assert complaint.reference in client_as(boss).get(reverse("coulance-queue")).content.decode()


def test_the_agent_reviews_edits_and_sends_the_letter(
    client_as, agent, manager, complaint, django_capture_on_commit_callbacks
):
    item = _ask(complaint, agent)
    coulance.coulance_request_approve(coulance_request=item, actor=manager)
    letter = CoulanceLetter.objects.get(request=item)
    client = client_as(agent)

    page = client.get(reverse("letter-page", args=[letter.pk])).content.decode()
    assert 'id="form-letter"' in page
    assert 'class="letter-preview"' in page
    preview = client.get(reverse("letter-page-preview", args=[letter.pk]))
    assert "Jan Evers" in preview.content.decode()
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    draft_pdf = client.get(reverse("letter-page-pdf", args=[letter.pk]))
    assert draft_pdf.content.startswith(b"%PDF")

    body = letter.body.replace("Met vriendelijke groet", "Met hartelijke groet")
    client.post(
        reverse("letter-page-edit", args=[letter.pk]), {"subject": letter.subject, "body": body}
    )
    letter.refresh_from_db()
    assert "Met hartelijke groet" in letter.body or letter.body == body

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("letter-page-send", args=[letter.pk]), follow=True)
    assert "on its way to jan.evers@example.nl" in response.content.decode()
    assert len(queued) == 1  # the worker is asked once the freeze has committed
    send_coulance_letter(letter.pk)  # what the worker runs

    letter.refresh_from_db()
    assert letter.status == "sent"
    assert letter.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jan.evers@example.nl"]
    page = client.get(reverse("letter-page", args=[letter.pk])).content.decode()
    assert 'data-testid="sent-at"' in page
    assert 'id="form-letter-new-version"' in page

    again = client.post(reverse("letter-page-send", args=[letter.pk]), follow=True)
    assert "already been sent" in again.content.decode()
    assert len(mail.outbox) == 1


def test_a_sent_letter_cannot_be_edited_and_a_correction_is_a_new_version(
    client_as, agent, manager, complaint, django_capture_on_commit_callbacks
):
    item = _ask(complaint, agent)
    coulance.coulance_request_approve(coulance_request=item, actor=manager)
    letter = CoulanceLetter.objects.get(request=item)
    with django_capture_on_commit_callbacks():
        letter_services.coulance_letter_send(letter=letter, actor=agent)
    send_coulance_letter(letter.pk)
    client = client_as(agent)
    before = db_snapshot()

    response = client.post(
        reverse("letter-page-edit", args=[letter.pk]),
        {"subject": "Anders", "body": "Anders"},
        follow=True,
    )
    assert "cannot change" in response.content.decode()
    assert db_snapshot() == before

    response = client.post(reverse("letter-page-new-version", args=[letter.pk]), follow=True)
    assert CoulanceLetter.objects.filter(request=item, version=2, status="draft").exists()
    assert "Version 2 is a new draft." in response.content.decode()


def test_strangers_get_404_for_letters_and_queue_decisions(
    client_as, agent, outsider, manager, complaint
):
    item = _ask(complaint, agent)
    coulance.coulance_request_approve(coulance_request=item, actor=manager)
    letter = CoulanceLetter.objects.get(request=item)
    client = client_as(outsider)
    assert client.get(reverse("letter-page", args=[letter.pk])).status_code == 404
    assert client.get(reverse("letter-page-pdf", args=[letter.pk])).status_code == 404


def test_the_panel_and_queue_speak_dutch(client_as, agent, manager, complaint):
    _ask(complaint, agent)
    page = client_as(agent, "nl").get(_page(complaint)).content.decode()
    assert "Coulance" in page or "coulance" in page
    queue = client_as(manager, "nl").get(reverse("coulance-queue")).content.decode()
    assert "Goedkeuren" in queue


def test_a_closed_complaint_offers_no_request_form(client_as, agent):
    closed = advance(make_complaint(owner=agent), to=Stage.CLOSED)
    page = client_as(agent).get(_page(closed)).content.decode()
    assert 'id="coulance"' in page
    assert 'id="form-coulance"' not in page


def test_the_request_form_asks_what_the_customer_contributed_and_the_pages_show_it(
    client_as, agent, manager, complaint
):
    client = client_as(agent)
    form = client.get(_page(complaint)).content.decode()
    assert "What the customer contributed" in field_html(form, "coulance-customer_contribution")

    client.post(
        reverse("complaint-page-coulance", args=[complaint.reference]),
        REQUEST | {"customer_contribution": " Zelf de bundel nooit opgezegd. "},
    )

    assert CoulanceRequest.objects.get().customer_contribution == "Zelf de bundel nooit opgezegd."
    page = client.get(_page(complaint)).content.decode()
    assert 'data-testid="coulance-contribution">What the customer contributed: Zelf de' in page
    queue = client_as(manager).get(reverse("coulance-queue")).content.decode()
    assert 'data-testid="coulance-contribution">Zelf de bundel nooit opgezegd.' in queue


def test_the_resolve_form_starts_from_the_approved_requests_contribution(client_as, agent, manager):
    customer = CustomerFactory(name="Jan Evers", email="jan.evers@example.nl", language="nl")
    solving = advance(make_complaint(owner=agent, customer=customer), to=Stage.SOLVING)
    client = client_as(agent)
    assert "Zelf" not in field_html(
        client.get(_page(solving)).content.decode(), "resolve-customer_contribution"
    )
    item = _ask(solving, agent, customer_contribution="Zelf de bundel nooit opgezegd.")
    coulance.coulance_request_approve(coulance_request=item, actor=manager)

    page = client.get(_page(solving)).content.decode()

    assert "Zelf de bundel nooit opgezegd." in field_html(page, "resolve-customer_contribution")


def test_a_letter_without_its_essentials_warns_and_the_send_is_refused_in_words(
    client_as, agent, manager, complaint, django_capture_on_commit_callbacks
):
    item = _ask(complaint, agent)
    coulance.coulance_request_approve(coulance_request=item, actor=manager)
    letter = CoulanceLetter.objects.get(request=item)
    client = client_as(agent)
    page = reverse("letter-page", args=[letter.pk])
    assert 'data-testid="letter-missing-essentials"' not in client.get(page).content.decode()
    body = "Geachte heer Evers,\n\nHierbij een gebaar van goodwill.\n"
    client.post(
        reverse("letter-page-edit", args=[letter.pk]), {"subject": letter.subject, "body": body}
    )
    letter.refresh_from_db()
    assert letter.body.replace("\r\n", "\n").strip() == body.strip()

    warned = client.get(page).content.decode()
    warning = warned.split('data-testid="letter-missing-essentials"')[1].split("</div>")[0]
    assert "no longer makes the gesture visible" in warning
    assert "no longer apologises" in warning
    assert warned.index("letter-missing-essentials") < warned.index('id="form-letter-send"')

    before = db_snapshot()
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("letter-page-send", args=[letter.pk]), follow=True)

    text = response.content.decode()
    assert "The letter no longer makes the gesture visible: it must name “waardebon”" in text
    assert "The letter no longer apologises" in text
    assert db_snapshot() == before
    assert queued == []
    assert mail.outbox == []
