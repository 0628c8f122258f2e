"""Bulk import from CSV: the CFPB layout as a built-in mapping, rejections with row number and
reason that never stop the rest, a refused file that writes nothing, and idempotency."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from complaints.errors import ActionForbidden
from complaints.models import Complaint
from reports import figures, import_mappings, imports
from reports.models import ImportedComplaint, ImportRun
from tests.factories import root_cause
from tests.reports.conftest import snapshot as db_snapshot

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_CFPB = Path(__file__).resolve().parents[3] / "shared" / "data" / "cfpb_complaints_sample.csv"
OWN_HEADER = (
    "id,received_at,channel,subject,facts,category,root_cause,outcome,acknowledged_at,"
    "resolved_at,emotion_at_intake,emotion_at_resolution,alternatives_offered\n"
)


def _own(*lines: str) -> str:
    return OWN_HEADER + "".join(line + "\n" for line in lines)


def test_the_cfpb_excerpt_imports_and_a_second_run_creates_nothing(quality):
    text = (FIXTURES / "cfpb_excerpt.csv").read_text(encoding="utf-8")
    run = imports.import_csv(
        text=text, mapping=import_mappings.CFPB, source="cfpb", actor=quality, owner=quality
    )
    assert (run.rows, run.imported, run.skipped, run.rejected) == (40, 40, 0, [])
    closed = Complaint.objects.filter(stage="closed")
    assert closed.count() == 35  # "In progress" (4) and "Untimely response" (1) stay open
    assert not closed.filter(root_cause__isnull=True).exists()
    first = Complaint.objects.get(import_record__external_id="3571115")
    assert first.channel == "web_form" and first.outcome == "not_upheld"
    assert timezone.localdate(first.received_at) == date(2020, 3, 18)
    assert first.root_cause is not None and first.root_cause.code == "website-it-data"

    before = db_snapshot()
    again = imports.import_csv(
        text=text, mapping=import_mappings.CFPB, source="cfpb", actor=quality, owner=quality
    )
    assert (again.imported, again.skipped) == (0, 40)
    after = db_snapshot()
    assert after["complaints.Complaint"] == before["complaints.Complaint"]


def test_rejected_rows_are_reported_with_number_and_reason_and_the_rest_imports(quality):
    text = _own(
        "a1,2026-03-02,phone,Te laat,Pakket te laat,Post,delivery-late,upheld,2026-03-02,2026-03-05,angry,satisfied,",
        "a2,2026-03-02,phone,Onbekend,Feiten,Post,no-such-cause,upheld,,2026-03-05,,,",
        "a3,02/03/2026,phone,Datum,Feiten,Post,delivery-late,upheld,,2026-03-05,,,",
        "a4,2026-03-02,pigeon,Duif,Feiten,Post,,,,,,,",
        "a5,2026-03-02,email,Nog open,Feiten,Post,,,,,frustrated,,",
    )
    run = imports.import_csv(
        text=text,
        mapping=import_mappings.KLACHTWIJZER,
        source="legacy",
        actor=quality,
        owner=quality,
    )
    assert (run.imported, run.skipped) == (2, 0)
    assert [(r["row"], r["external_id"]) for r in run.rejected] == [(3, "a2"), (4, "a3"), (5, "a4")]
    assert "unknown root cause “no-such-cause”" in run.rejected[0]["reason"]
    assert "“02/03/2026” in received_at is not a date" in run.rejected[1]["reason"]
    assert "unknown channel “pigeon”" in run.rejected[2]["reason"]
    assert set(ImportedComplaint.objects.values_list("external_id", flat=True)) == {"a1", "a5"}
    resolved = Complaint.objects.get(import_record__external_id="a1")
    assert resolved.stage == "closed" and resolved.root_cause == root_cause("delivery-late")


def test_a_file_without_the_mappings_columns_is_refused_and_nothing_is_written(quality):
    before = db_snapshot()
    with pytest.raises(imports.ImportRefused, match="lacks the columns"):
        imports.import_csv(
            text="just,some\n1,2\n",
            mapping=import_mappings.CFPB,
            source="cfpb",
            actor=quality,
            owner=quality,
        )
    assert db_snapshot() == before
    assert not ImportRun.objects.exists()


def test_agents_may_not_import(agent):
    with pytest.raises(ActionForbidden):
        imports.import_csv(
            text="", mapping=import_mappings.CFPB, source="cfpb", actor=agent, owner=agent
        )


def test_the_command_shows_progress_and_the_rejections(quality, capsys, tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_text(
        _own("b1,2026-03-02,phone,Te laat,Feiten,Post,delivery-late,upheld,,yesterday,,,"),
        encoding="utf-8",
    )
    call_command("import_complaints", str(path), "--mapping", "klachtwijzer", "--owner", "quinten")
    captured = capsys.readouterr()
    assert "1/1 100%" in captured.err
    assert "1 rows: 0 imported, 0 imported before, 1 rejected." in captured.out
    assert "row 2 (b1): “yesterday” in resolved_at is not a date" in captured.out
    with pytest.raises(CommandError, match="lacks the columns"):
        path.write_text("x\n1\n", encoding="utf-8")
        call_command("import_complaints", str(path), "--owner", "quinten")


def test_the_upload_page_imports_and_shows_the_rejection_report(client, quality):
    client.force_login(quality)
    assert client.get(reverse("import-page")).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "legacy.csv",
        _own(
            "c1,2026-03-02,phone,Te laat,Feiten,Post,delivery-late,upheld,,2026-03-04,,,",
            "c2,2026-03-02,phone,Te laat,Feiten,Post,nope,upheld,,2026-03-04,,,",
        ).encode(),
        content_type="text/csv",
    )
    page = client.post(
        reverse("import-page"),
        {"file": upload, "mapping": "klachtwijzer", "source": "legacy"},
        follow=True,
    )
    html = page.content.decode()
    assert "unknown root cause “nope”" in html and ">3<" in html  # its row number
    assert ImportedComplaint.objects.count() == 1


def test_agents_do_not_get_the_upload_page(client, agent):
    client.force_login(agent)
    assert client.get(reverse("import-page")).status_code == 403


@pytest.mark.skipif(
    not SHARED_CFPB.exists(), reason="the shared CFPB sample (shared/data) is not on this machine"
)
def test_the_whole_cfpb_sample_imports_and_reports(quality):
    text = SHARED_CFPB.read_text(encoding="utf-8")
    run = imports.import_csv(
        text=text, mapping=import_mappings.CFPB, source="cfpb", actor=quality, owner=quality
    )
    assert run.rows == 4968 and run.imported + len(run.rejected) == 4968
    assert run.imported > 4900
    again = imports.import_csv(
        text=text, mapping=import_mappings.CFPB, source="cfpb", actor=quality, owner=quality
    )
    assert again.imported == 0 and again.skipped == run.imported
    april = figures.compute(start=date(2019, 4, 1), end=date(2019, 4, 30))
    received = april["volumes"]["received"]["total"]
    assert (
        received == Complaint.objects.filter(received_at__year=2019, received_at__month=4).count()
    )
    assert received > 1000 and april["pareto"]["causes"]
