"""A small fixed data set for May 2026 whose every report figure is computed by hand.

Times are local (Europe/Amsterdam, CEST = UTC+2 in May). The rows are written directly: the
report reads history, and history includes complaints that never went through today's workflow
(imports), e.g. one without an apology step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from complaints.models import (
    ApologyStep,
    CallbackPromise,
    Complaint,
    CoulanceRequest,
    FollowUp,
    SolutionStep,
    UnderstandingStep,
)
from reports.models import CorrectiveAction
from tests.factories import make_complaint, root_cause

AMS = ZoneInfo("Europe/Amsterdam")
A, B, C = "billing-incorrect-amount", "delivery-late", "product-defect"
MAY_START, MAY_END = date(2026, 5, 1), date(2026, 5, 31)
# When the fixed report is computed (the corrective action's effect is measured then).
COMPUTED_AT = datetime(2026, 6, 2, 8, 0, tzinfo=AMS)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMS)


@dataclass
class Row:
    received: datetime
    channel: str
    category: str
    ack_h: float | None = None
    resolved: datetime | None = None
    cause: str | None = None
    outcome: str = ""
    alternative: str = ""
    intake: str = ""
    resolution: str = ""
    apology: bool = True


H = timedelta(hours=1)
ROWS = {
    1: Row(at(5, 2), "phone", "Mobile", 2, at(5, 2) + 10 * H, A, "upheld", "", "angry", "satisfied"),
    2: Row(at(5, 3), "email", "Mobile", 4, at(5, 3) + 20 * H, A, "not_upheld", "Other bundle", "frustrated", "neutral"),
    3: Row(at(5, 4), "phone", "Internet", 6, at(5, 4) + 30 * H, A, "partly_upheld", "", "angry", "angry", apology=False),
    4: Row(at(5, 5), "chat", "Internet", 8, at(5, 5) + 40 * H, B, "upheld", "", "neutral", "satisfied"),
    5: Row(at(5, 6), "phone", "Mobile", 10, at(5, 6) + 50 * H, B, "not_upheld", "Pickup point", "disappointed", "satisfied"),
    6: Row(at(5, 7), "email", "TV", 12),
    # Received in April, resolved half an hour into May (22:30 UTC on 30 April).
    7: Row(at(4, 28), "letter", "TV", 1, at(5, 1, 0, 30), C, "upheld", "", "anxious", "neutral"),
    8: Row(at(5, 31, 23, 30), "web_form", ""),
    9: Row(at(6, 1, 0, 10), "phone", "Mobile"),
    10: Row(at(4, 25), "phone", "Mobile", 1, at(4, 30, 23, 50), A, "upheld", "", "angry", "neutral"),
}  # fmt: skip


def _complaint(owner: User, row: Row) -> Complaint:
    complaint = make_complaint(
        owner=owner, channel=row.channel, category=row.category, received_at=row.received
    )
    fields: dict[str, object] = {"emotion_at_intake": row.intake}
    if row.ack_h is not None:
        ack = row.received + row.ack_h * H
        fields.update(acknowledged_at=ack, stage="understood")
        UnderstandingStep.objects.create(
            complaint=complaint,
            recorded_by=owner,
            recorded_at=ack,
            emotion=row.intake or "neutral",
            intensity=3,
            acknowledgement="Ik begrijp het.",
        )
        if row.resolved:
            if row.apology:
                ApologyStep.objects.create(
                    complaint=complaint,
                    recorded_by=owner,
                    recorded_at=ack + H,
                    apology="Sorry.",
                    apologised_at=ack + H,
                )
            SolutionStep.objects.create(
                complaint=complaint,
                recorded_by=owner,
                recorded_at=ack + 2 * H,
                facts_summary="Feiten.",
                next_steps="Stappen.",
                promised_at=ack + 3 * H,
            )
            fields.update(
                stage="resolved",
                resolved_at=row.resolved,
                root_cause=root_cause(row.cause or A),
                outcome=row.outcome,
                alternatives_offered=row.alternative,
                emotion_at_resolution=row.resolution,
                resolution_summary="Opgelost.",
            )
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    complaint.refresh_from_db()
    return complaint


def _coulance(
    complaint: Complaint, requester: User, decider: User, amount: str, decided_at: datetime | None
) -> None:
    CoulanceRequest.objects.create(
        complaint=complaint,
        kind="voucher",
        amount=Decimal(amount),
        currency="EUR",
        amount_eur=Decimal(amount),
        reason="Gebaar.",
        liability="not_liable",
        request_domain="past",
        assessment="Redelijk.",
        balance="win_win",
        status="approved" if decided_at else "pending",
        requested_by=requester,
        requested_at=(decided_at or at(5, 20)) - H,
        decided_by=decider if decided_at else None,
        decided_at=decided_at,
    )


def _promise(complaint: Complaint, owner: User, due_at: datetime, state: str) -> None:
    CallbackPromise.objects.create(
        complaint=complaint,
        owner=owner,
        due_at=due_at,
        purpose="Terugbellen",
        state=state,
        created_by=owner,
        created_at=due_at - 24 * H,
    )


def _follow_up(
    complaint: Complaint, owner: User, nps: int, ended_at: datetime, emotion_now: str = ""
) -> None:
    FollowUp.objects.create(
        complaint=complaint,
        owner=owner,
        due_at=ended_at - H,
        created_at=ended_at - 30 * 24 * H,
        state="completed",
        nps=nps,
        ended_at=ended_at,
        answered_via="agent",
        emotion_now=emotion_now,
    )


def _action(title: str, cause: str, owner: User, quality: User, **fields: object) -> None:
    CorrectiveAction.objects.create(
        title=title, root_cause=root_cause(cause), owner=owner, created_by=quality, **fields
    )


@pytest.fixture
def may_data(agent, manager, outsider, quality) -> dict[int, Complaint]:
    made = {n: _complaint(agent, row) for n, row in ROWS.items()}
    # Coulance: approved in May on 1 (A), 2 (A), 4 (B) and 6 (no cause yet); not in May: others.
    _coulance(made[1], agent, manager, "50.00", at(5, 3))
    _coulance(made[2], agent, manager, "20.50", at(5, 4))
    _coulance(made[4], agent, manager, "30.00", at(5, 31, 23, 0))
    _coulance(made[6], agent, manager, "10.00", at(5, 8))
    _coulance(made[10], agent, manager, "99.00", at(4, 30, 23, 59))
    _coulance(made[5], agent, manager, "15.00", None)
    # Promises due in May: team Noord (anna) kept 2, broken 1; team Zuid (olaf) kept 1.
    _promise(made[1], agent, at(5, 2, 15), "kept")
    _promise(made[2], agent, at(5, 3, 15), "kept")
    _promise(made[3], agent, at(5, 4, 15), "broken")
    _promise(made[4], outsider, at(5, 5, 15), "kept")
    _promise(made[5], agent, at(5, 6, 15), "unreachable")
    _promise(made[6], agent, at(6, 1, 9), "broken")
    # Follow-ups completed in May: A 10 and 9, B 7 and 3, C 0; one in April. The feeling then:
    # 1 satisfied (as at resolution), 2 satisfied (better), 4 disappointed (worse), 5 not
    # asked, 7 neutral (as at resolution, better than at intake).
    _follow_up(made[1], agent, 10, at(5, 20), "satisfied")
    _follow_up(made[2], agent, 9, at(5, 21), "satisfied")
    _follow_up(made[4], agent, 7, at(5, 22), "disappointed")
    _follow_up(made[5], agent, 3, at(5, 23))
    _follow_up(made[7], agent, 0, at(5, 24), "neutral")
    _follow_up(made[10], agent, 10, at(4, 30, 12), "angry")
    # Corrective actions.
    _action("X", C, agent, quality, due_on=date(2026, 6, 30), created_at=at(5, 10))
    _action(
        "Y", B, agent, quality, due_on=date(2026, 5, 15), created_at=at(4, 1),
        status="in_progress", started_at=at(4, 2),
    )  # fmt: skip
    _action(
        "Z", A, manager, quality, due_on=date(2026, 5, 31), created_at=at(3, 1),
        status="done", started_at=at(3, 2), done_at=at(5, 2, 12),
    )  # fmt: skip
    _action(
        "W", A, agent, quality, due_on=date(2026, 6, 1), created_at=at(5, 5),
        status="dropped", dropped_at=at(5, 25), drop_reason="Not needed",
    )  # fmt: skip
    return made


@pytest.fixture(autouse=True)
def english(settings):
    """Messages and pages in English, whatever the default language."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def snapshot() -> dict[str, Any]:
    """Every row of the complaints app's and the reports app's tables (see db_snapshot)."""
    from django.apps import apps

    from tests.complaints.dbstate import db_snapshot

    rows: dict[str, Any] = db_snapshot()
    for model in apps.get_app_config("reports").get_models():
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return rows
