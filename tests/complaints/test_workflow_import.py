"""Imported history through the workflow: ``import_historical`` creates a complaint closed (with
its source's moments) or open, and writes the received event naming the source; the importer
uses it, at the same number of queries per row as before."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import workflow
from complaints.models import Complaint, ComplaintEvent, EventType
from complaints.states import Stage
from reports import import_mappings, imports
from tests.factories import CustomerFactory, root_cause

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RECEIVED = datetime(2025, 3, 3, 10, 0, tzinfo=AMSTERDAM)
NOW = datetime(2026, 11, 30, 9, 40, tzinfo=AMSTERDAM)
DETAILS = {"channel": "phone", "subject": "Te laat", "facts": "Pakket te laat", "category": ""}


def historical(owner, **overrides):
    arguments = {
        "customer": CustomerFactory(),
        "owner": owner,
        "actor": owner,
        "source": "legacy",
        "received_at": RECEIVED,
        "acknowledged_at": RECEIVED + timedelta(hours=2),
        "resolved_at": RECEIVED + timedelta(days=3),
        "closed": True,
        "details": DETAILS | {"outcome": "upheld", "root_cause": root_cause("delivery-late")},
        "now": NOW,
    }
    return workflow.import_historical(**(arguments | overrides))


def test_a_resolved_record_is_created_closed_with_its_moments_and_the_event(quality):
    complaint = historical(quality)
    assert complaint.stage == Stage.CLOSED
    assert complaint.resolved_at == complaint.closed_at == RECEIVED + timedelta(days=3)
    assert complaint.acknowledged_at == RECEIVED + timedelta(hours=2)
    assert complaint.reference.startswith("KL-2025-")  # the year it was received
    event = ComplaintEvent.objects.get(complaint=complaint)
    assert (event.type, event.to_stage, event.actor) == (EventType.RECEIVED, "closed", quality)
    assert event.created_at == NOW
    assert event.payload["imported_from"] == "legacy"
    assert event.payload["reference"] == complaint.reference


def test_a_record_still_open_can_be_created_open_with_its_deadlines(quality):
    complaint = historical(
        quality, resolved_at=None, acknowledged_at=None, closed=False, details=DETAILS
    )
    assert complaint.stage == Stage.RECEIVED
    assert complaint.is_open
    assert complaint.closed_at is None
    assert complaint.resolve_due_at == RECEIVED + timedelta(hours=336)  # normal: 14 days
    event = ComplaintEvent.objects.get(complaint=complaint)
    assert event.to_stage == "received"


def test_closed_in_its_source_has_no_resolution_moment(quality):
    complaint = historical(
        quality, resolved_at=None, closed_in_source=True, details=DETAILS | {"outcome": ""}
    )
    assert complaint.stage == Stage.CLOSED
    assert complaint.closed_in_source
    assert complaint.resolved_at is None
    assert complaint.closed_at is None


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"resolved_at": None}, "needs its resolution moment"),
        ({"closed": False}, "an open complaint has no resolution"),
        ({"closed": False, "closed_in_source": True}, "closed here too"),
        ({"acknowledged_at": RECEIVED - timedelta(hours=1)}, "acknowledged before"),
        ({"details": DETAILS | {"stage": Stage.RESOLVED}}, "the workflow's"),
    ],
)
def test_an_inconsistent_record_is_refused_and_nothing_is_written(quality, overrides, reason):
    with pytest.raises(ValueError, match=reason):
        historical(quality, **overrides)
    assert not Complaint.objects.exists()
    assert not ComplaintEvent.objects.exists()


HEADER = (
    "id,received_at,channel,subject,facts,category,root_cause,outcome,acknowledged_at,"
    "resolved_at,emotion_at_intake,emotion_at_resolution,alternatives_offered\n"
)
LINE = "r{n},2026-03-02,phone,Te laat,Feiten,Post,delivery-late,upheld,,2026-03-05,,,\n"


def test_the_importer_creates_through_the_workflow_with_the_sources_name(quality):
    run = imports.import_csv(
        text=HEADER + LINE.format(n=1),
        mapping=import_mappings.KLACHTWIJZER,
        source="legacy",
        actor=quality,
        owner=quality,
    )
    assert run.imported == 1
    complaint = Complaint.objects.get(import_record__external_id="r1")
    assert complaint.stage == Stage.CLOSED
    assert complaint.closed_at == complaint.resolved_at
    event = ComplaintEvent.objects.get(complaint=complaint)
    assert event.payload["imported_from"] == "legacy"
    assert event.to_stage == "closed"


def test_each_imported_row_costs_the_same_six_queries(quality):
    """Thousands of rows: a savepoint, the reference counter, the complaint, its import record
    and its event, release: no second savepoint for the workflow's part."""
    text = HEADER + "".join(LINE.format(n=n) for n in range(1, 6))
    importer = imports.import_start(
        text=text,
        mapping=import_mappings.KLACHTWIJZER,
        source="legacy",
        actor=quality,
        owner=quality,
    )
    importer.write(importer.records[:1])  # the first row (the reference year's counter row)
    with CaptureQueriesContext(connection) as queries:
        importer.write(importer.records[1:])
    assert importer.run.imported == 5
    assert len(queries) == 4 * 6
