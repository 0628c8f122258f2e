"""Two decisions, sends or deliveries of the same coulance at the same moment, each on its own
connection: exactly one wins. PostgreSQL only (SQLite serialises whole-database writes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from accounts.models import User
from common.errors import DomainError, TransitionNotAllowed
from complaints.coulance import letter_services
from complaints.coulance import services as coulance
from complaints.models import (
    ComplaintEvent,
    CoulanceLetter,
    CoulanceRequest,
    CoulanceStatus,
    EventType,
    LetterStatus,
)
from tests.complaints.test_concurrency import _migrated_rows_back_afterwards, race
from tests.coulance.conftest import ask

__all__ = ["_migrated_rows_back_afterwards"]  # the module fixture that restores migrated rows

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: row locks across connections (set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def lock(model: Any, pk: int) -> Callable[[], Any]:
    return lambda: model.objects.select_for_update().get(pk=pk)


def approve(pk: int, actor: User) -> Callable[[], Any]:
    def call() -> Any:
        return coulance.coulance_request_approve(
            coulance_request=CoulanceRequest.objects.get(pk=pk), actor=actor
        )

    return call


def reject(pk: int, actor: User) -> Callable[[], Any]:
    def call() -> Any:
        return coulance.coulance_request_reject(
            coulance_request=CoulanceRequest.objects.get(pk=pk), actor=actor, comment="Nee."
        )

    return call


def split(outcomes: list[Any]) -> tuple[list[Any], list[Exception]]:
    refused = [o for o in outcomes if isinstance(o, Exception)]
    unexpected = [o for o in refused if not isinstance(o, DomainError)]
    assert not unexpected, f"a call crashed: {unexpected!r}"
    return [o for o in outcomes if not isinstance(o, Exception)], refused


def decisions(request: CoulanceRequest) -> list[str]:
    return list(
        ComplaintEvent.objects.filter(
            complaint_id=request.complaint_id,
            type__in=[EventType.COULANCE_APPROVED, EventType.COULANCE_REJECTED],
        ).values_list("type", flat=True)
    )


def test_two_managers_approving_at_once_leave_one_decision_and_one_letter(
    complaint, agent, manager, director
):
    request = ask(complaint, agent, amount="100")

    outcomes = race(
        approve(request.pk, manager),
        approve(request.pk, director),
        hold=lock(CoulanceRequest, request.pk),
    )

    done, refused = split(outcomes)
    assert len(done) == 1
    assert [type(e) for e in refused] == [TransitionNotAllowed]
    request.refresh_from_db()
    assert request.status == CoulanceStatus.APPROVED
    assert request.decided_by == done[0].decided_by
    assert decisions(request) == [EventType.COULANCE_APPROVED]
    assert CoulanceLetter.objects.filter(request=request).count() == 1


def test_approve_and_reject_at_once_leave_exactly_one_decision(complaint, agent, manager, director):
    request = ask(complaint, agent, amount="100")

    outcomes = race(
        approve(request.pk, director),
        reject(request.pk, manager),
        hold=lock(CoulanceRequest, request.pk),
    )

    done, refused = split(outcomes)
    assert len(done) == 1
    assert len(refused) == 1
    request.refresh_from_db()
    assert request.status == done[0].status
    assert len(decisions(request)) == 1
    letters = CoulanceLetter.objects.filter(request=request).count()
    assert letters == (1 if request.status == CoulanceStatus.APPROVED else 0)


def test_a_double_click_on_approve_decides_once(complaint, agent, manager):
    request = ask(complaint, agent, amount="100")

    outcomes = race(
        approve(request.pk, manager),
        approve(request.pk, manager),
        hold=lock(CoulanceRequest, request.pk),
    )

    done, refused = split(outcomes)
    assert (len(done), len(refused)) == (1, 1)
    assert decisions(request) == [EventType.COULANCE_APPROVED]


def test_two_sends_at_once_freeze_and_queue_the_letter_once(complaint, agent, manager):
    request = ask(complaint, agent)
    coulance.coulance_request_approve(coulance_request=request, actor=manager)
    letter = CoulanceLetter.objects.get(request=request)

    def send() -> Any:
        return letter_services.coulance_letter_send(
            letter=CoulanceLetter.objects.get(pk=letter.pk), actor=agent
        )

    outcomes = race(send, send, hold=lock(CoulanceLetter, letter.pk))

    done, refused = split(outcomes)
    assert (len(done), [type(e) for e in refused]) == (1, [TransitionNotAllowed])
    frozen = ComplaintEvent.objects.filter(
        complaint=complaint, type=EventType.COULANCE_LETTER_FROZEN
    )
    assert frozen.count() == 1


def test_two_workers_delivering_the_same_letter_send_one_email(complaint, agent, manager):
    request = ask(complaint, agent)
    coulance.coulance_request_approve(coulance_request=request, actor=manager)
    letter = CoulanceLetter.objects.get(request=request)
    letter_services.coulance_letter_send(letter=letter, actor=agent)

    def deliver() -> Any:
        return letter_services.coulance_letter_deliver(letter_id=letter.pk)

    outcomes = race(deliver, deliver, hold=lock(CoulanceLetter, letter.pk))

    assert sorted(outcomes) == [False, True]
    assert len(mail.outbox) == 1
    letter.refresh_from_db()
    assert (letter.status, letter.send_attempts) == (LetterStatus.SENT, 1)
