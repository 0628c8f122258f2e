"""Fixtures for promises, follow-ups and the scheduler: a clock that stands still, complaints
at the stage a test needs, and mail that is sent when the transaction commits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from accounts.models import User
from complaints import workflow
from complaints.models import Complaint
from complaints.scheduling import dispatch, outbox
from complaints.states import Stage
from tests.factories import CustomerFactory, advance, make_complaint, step_data

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def mail_sends_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The after-commit kick sends the outbox here and now instead of through the broker."""
    monkeypatch.setattr(outbox, "kick_sender", lambda: outbox.send_pending())


def solving(owner: User, *, promised_at: datetime | None = None, **customer: Any) -> Complaint:
    """A complaint past the solve step, promised at ``promised_at`` (default: in a day)."""
    complaint = make_complaint(owner=owner, customer=CustomerFactory(**customer))
    complaint = advance(complaint, to=Stage.APOLOGISED)
    data = step_data("solve") | {"promised_at": promised_at or T0 + timedelta(days=1)}
    return workflow.solve(complaint, actor=owner, **data)


def resolved(owner: User, **customer: Any) -> Complaint:
    complaint = solving(owner, **customer)
    return workflow.resolve(complaint, actor=owner, **step_data("resolve"))


def run_due(at: datetime) -> int:
    """Run the dispatcher as the minute's tick would at ``at``."""
    with time_machine.travel(at, tick=False):
        return dispatch.dispatch_due(max_seconds=30)


def send_mail_at(at: datetime) -> int:
    """Send the pending emails as a worker would at ``at``."""
    with time_machine.travel(at, tick=False):
        return outbox.send_pending()
