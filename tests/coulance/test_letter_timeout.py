"""A coulance letter left "sending" by a worker that died (after or before the mail server took
it) is sent again after a timeout, with the same Message-ID, a limited number of times; then it
is failed, its owner is told and may send it again from the complaint page or the API."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from complaints.coulance import letter_services
from complaints.models import (
    ComplaintEvent,
    CoulanceLetter,
    EventType,
    LetterStatus,
    Notification,
    NotificationKind,
)
from complaints.tasks import resend_lost_letters, send_coulance_letter
from tests.coulance.test_letters import approved, letter_of

TIMEOUT = 15 * 60


def _left_sending(complaint, agent, manager) -> CoulanceLetter:
    """A letter frozen and claimed once, whose worker died before recording the outcome."""
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    claimed = timezone.now() - timedelta(seconds=TIMEOUT + 5)
    CoulanceLetter.objects.filter(pk=letter.pk).update(
        status=LetterStatus.SENDING, send_attempts=1, claimed_at=claimed
    )
    return CoulanceLetter.objects.get(pk=letter.pk)


def _types(complaint) -> list[str]:
    return list(
        ComplaintEvent.objects.filter(complaint=complaint, type__startswith="coulance_letter")
        .order_by("id")
        .values_list("type", flat=True)
    )


def test_the_claim_records_when_sending_started(complaint, agent, manager):
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    before = timezone.now()
    assert send_coulance_letter(letter.pk) is True
    letter.refresh_from_db()
    assert letter.claimed_at is not None
    assert letter.claimed_at >= before
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == f"<coulance-letter.{letter.pk}@klachtwijzer>"


@override_settings(LETTER_SENDING_TIMEOUT_SECONDS=TIMEOUT)
def test_a_letter_sending_for_less_than_the_timeout_is_left_alone(complaint, agent, manager):
    letter = _left_sending(complaint, agent, manager)
    assert letter.claimed_at is not None
    early = letter.claimed_at + timedelta(seconds=TIMEOUT - 1)

    found = letter_services.coulance_letters_retry_unconfirmed(now=early)

    assert found == {"retried": [], "failed": []}
    letter.refresh_from_db()
    assert (letter.status, letter.unconfirmed_sends) == (LetterStatus.SENDING, 0)


@override_settings(LETTER_SENDING_TIMEOUT_SECONDS=TIMEOUT, LETTER_MAX_UNCONFIRMED_SENDS=3)
def test_an_unconfirmed_letter_goes_again_with_the_same_message_id(complaint, agent, manager):
    letter = _left_sending(complaint, agent, manager)

    assert resend_lost_letters() == 1  # the beat task runs this sweep

    letter.refresh_from_db()
    assert (letter.status, letter.unconfirmed_sends) == (LetterStatus.QUEUED, 1)
    assert _types(complaint)[-1] == EventType.COULANCE_LETTER_RETRIED
    assert send_coulance_letter(letter.pk) is True
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == f"<coulance-letter.{letter.pk}@klachtwijzer>"
    letter.refresh_from_db()
    assert (letter.status, letter.send_attempts) == (LetterStatus.SENT, 2)
    # A later sweep finds nothing: it is sent.
    assert letter_services.coulance_letters_retry_unconfirmed(
        now=timezone.now() + timedelta(days=1)
    ) == {"retried": [], "failed": []}


@override_settings(LETTER_SENDING_TIMEOUT_SECONDS=TIMEOUT, LETTER_MAX_UNCONFIRMED_SENDS=2)
def test_after_the_last_unconfirmed_send_it_fails_and_the_owner_is_told(
    client, complaint, agent, manager
):
    letter = _left_sending(complaint, agent, manager)
    assert letter_services.coulance_letters_retry_unconfirmed()["retried"] == [letter.pk]
    # The second worker dies too.
    CoulanceLetter.objects.filter(pk=letter.pk).update(
        status=LetterStatus.SENDING, claimed_at=timezone.now() - timedelta(seconds=TIMEOUT + 5)
    )

    assert letter_services.coulance_letters_retry_unconfirmed()["failed"] == [letter.pk]

    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert "not confirmed 2 times" in letter.last_error
    assert mail.outbox == []  # nothing went out from the test's own process
    assert _types(complaint)[-3:] == [
        EventType.COULANCE_LETTER_FROZEN,
        EventType.COULANCE_LETTER_RETRIED,
        EventType.COULANCE_LETTER_FAILED,
    ]
    [notice] = Notification.objects.filter(kind=NotificationKind.LETTER_FAILED)
    assert notice.recipient == agent
    client.force_login(agent)
    page = client.get(reverse("notifications"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Letter not sent: {complaint.reference}" in page
    assert "could not be sent: Sending was not confirmed 2 times" in page
    # A second sweep changes nothing more.
    assert letter_services.coulance_letters_retry_unconfirmed() == {"retried": [], "failed": []}


@override_settings(LETTER_SENDING_TIMEOUT_SECONDS=TIMEOUT, LETTER_MAX_UNCONFIRMED_SENDS=1)
def test_the_owner_resends_a_failed_letter_from_the_complaint_page(
    client, complaint, agent, manager
):
    letter = _left_sending(complaint, agent, manager)
    letter_services.coulance_letters_retry_unconfirmed()
    letter.refresh_from_db()
    assert (letter.status, letter.unconfirmed_sends) == (LetterStatus.FAILED, 1)
    frozen_hash = letter.content_hash

    client.force_login(agent)
    page = client.get(reverse("complaint-page", args=[complaint.reference]))
    html = page.content.decode()
    assert 'data-testid="letter-resend"' in html
    assert reverse("letter-page-send", args=[letter.pk]) in html

    answer = client.post(reverse("letter-page-send", args=[letter.pk]))
    assert answer.status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.unconfirmed_sends) == (LetterStatus.QUEUED, 0)
    assert letter.content_hash == frozen_hash  # sent as frozen, never re-rendered
    assert _types(complaint)[-1] == EventType.COULANCE_LETTER_FROZEN
    assert send_coulance_letter(letter.pk) is True
    page = client.get(reverse("complaint-page", args=[complaint.reference]))
    assert 'data-testid="letter-resend"' not in page.content.decode()


@override_settings(LETTER_SENDING_TIMEOUT_SECONDS=TIMEOUT, LETTER_MAX_UNCONFIRMED_SENDS=1)
def test_the_owner_resends_a_failed_letter_through_the_api(api_as, complaint, agent, manager):
    letter = _left_sending(complaint, agent, manager)
    letter_services.coulance_letters_retry_unconfirmed()

    answer = api_as(agent).post(f"/api/coulance-letters/{letter.pk}/send/", {}, format="json")

    assert answer.status_code == 202, answer.content
    assert answer.json()["status"] == "queued"
    again = api_as(agent).post(f"/api/coulance-letters/{letter.pk}/send/", {}, format="json")
    assert again.status_code == 409


@override_settings(LETTER_SENDING_TIMEOUT_SECONDS=TIMEOUT, LETTER_MAX_UNCONFIRMED_SENDS=1)
def test_only_who_works_the_complaint_may_resend(
    client, complaint, agent, manager, other_agent, quality
):
    letter = _left_sending(complaint, agent, manager)
    letter_services.coulance_letters_retry_unconfirmed()
    client.force_login(quality)  # sees every complaint, works none
    page = client.get(reverse("complaint-page", args=[complaint.reference]))
    assert page.status_code == 200
    assert 'data-testid="letter-resend"' not in page.content.decode()
    assert client.post(reverse("letter-page-send", args=[letter.pk])).status_code in (403, 404)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED


def test_a_transport_failure_after_the_last_retry_tells_the_owner(complaint, agent, manager):
    letter = letter_of(approved(complaint, agent, manager))
    letter_services.coulance_letter_send(letter=letter, actor=agent)
    CoulanceLetter.objects.filter(pk=letter.pk).update(send_attempts=9)

    assert letter_services.coulance_letter_delivery_failed(
        letter_id=letter.pk, error="SMTPServerDisconnected: gone"
    )

    [notice] = Notification.objects.filter(kind=NotificationKind.LETTER_FAILED)
    assert (notice.recipient, notice.payload["error"]) == (agent, "SMTPServerDisconnected: gone")
