"""The complaint list's rows, read as plain values: the API's busiest answer, kept cheap.

The page is chosen on the complaint table alone (visibility, filters, cursor order), then its
rows are read with their customer, owner, team and root cause in one query of plain values, and
shaped here exactly as ``ComplaintListSerializer`` would (a test holds the two together).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from complaints.models import Complaint
from complaints.models.complaint import is_overdue

COLUMNS = (
    "pk",
    "reference",
    "channel",
    "received_at",
    "subject",
    "category",
    "priority",
    "stage",
    "acknowledge_due_at",
    "resolve_due_at",
    "acknowledged_at",
    "outcome",
    "customer_id",
    "customer__name",
    "customer__customer_number",
    "customer__language",
    "owner_id",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "owner__team__name",
    "root_cause_id",
    "root_cause__code",
    "root_cause__name_nl",
    "root_cause__name_en",
)


def complaint_rows(ids: Sequence[int], *, now: datetime | None = None) -> list[dict[str, Any]]:
    """The list items of the complaints ``ids``, in that order."""
    if not ids:
        return []
    now = now or timezone.now()
    zone = timezone.get_current_timezone()

    def moment(value: datetime | None) -> str | None:
        """As DRF's DateTimeField writes it: ISO 8601 in the current time zone, UTC as Z."""
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    by_id = {row["pk"]: row for row in Complaint.objects.filter(pk__in=ids).values(*COLUMNS)}
    return [_item(by_id[pk], now, moment) for pk in ids if pk in by_id]


def _item(row: dict[str, Any], now: datetime, moment: Any) -> dict[str, Any]:
    full_name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    return {
        "reference": row["reference"],
        "customer": {
            "id": row["customer_id"],
            "name": row["customer__name"],
            "customer_number": row["customer__customer_number"],
            "language": row["customer__language"],
        },
        "channel": row["channel"],
        "received_at": moment(row["received_at"]),
        "subject": row["subject"],
        "category": row["category"],
        "priority": row["priority"],
        "owner": {
            "id": row["owner_id"],
            "username": row["owner__username"],
            "name": full_name or row["owner__username"],
            "team": row["owner__team__name"],
        },
        "stage": row["stage"],
        "acknowledge_due_at": moment(row["acknowledge_due_at"]),
        "resolve_due_at": moment(row["resolve_due_at"]),
        "is_overdue": is_overdue(
            stage=row["stage"],
            resolve_due_at=row["resolve_due_at"],
            acknowledged_at=row["acknowledged_at"],
            acknowledge_due_at=row["acknowledge_due_at"],
            now=now,
        ),
        "outcome": row["outcome"],
        "root_cause": None
        if row["root_cause_id"] is None
        else {
            "id": row["root_cause_id"],
            "code": row["root_cause__code"],
            "name_nl": row["root_cause__name_nl"],
            "name_en": row["root_cause__name_en"],
        },
    }
