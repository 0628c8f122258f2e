"""Bulk import from CSV: the CFPB layout as a built-in mapping, rejections with row number and
reason that never stop the rest, a refused file that writes nothing, and idempotency."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from common.errors import ActionForbidden, InvalidData
from complaints.models import Complaint
from reports import figures, import_jobs, import_mappings, imports
from reports.models import ImportedComplaint, ImportJob, ImportRun
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
    # Every row is closed in its source (the CFPB gives no resolution moment); "In progress"
    # (4) and "Untimely response" (1) keep that status and have no outcome.
    assert closed.count() == 40 == closed.filter(closed_in_source=True).count()
    assert closed.filter(outcome="").count() == 5
    assert not closed.filter(root_cause__isnull=True).exists()
    first = Complaint.objects.get(import_record__external_id="3571115")
    assert first.channel == "web_form"
    assert first.outcome == "not_upheld"
    assert timezone.localdate(first.received_at) == date(2020, 3, 18)
    assert first.root_cause is not None
    assert first.root_cause.code == "website-it-data"

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
    assert resolved.stage == "closed"
    assert resolved.root_cause == root_cause("delivery-late")


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
    path.write_text("x\n1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lacks the columns"):
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
    )
    # The upload is a job; a worker imports it (here: the task's work called directly).
    job = ImportJob.objects.get()
    assert page["Location"] == reverse("import-job", args=[job.pk])
    import_jobs.import_job_run(job_id=job.pk)
    html = client.get(page["Location"]).content.decode()
    assert "unknown root cause “nope”" in html
    assert ">3<" in html
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
    assert run.rows == 4968
    assert run.imported + len(run.rejected) == 4968
    assert run.imported > 4900
    again = imports.import_csv(
        text=text, mapping=import_mappings.CFPB, source="cfpb", actor=quality, owner=quality
    )
    assert again.imported == 0
    assert again.skipped == run.imported
    april = figures.compute(start=date(2019, 4, 1), end=date(2019, 4, 30))
    received = april["volumes"]["received"]["total"]
    assert (
        received == Complaint.objects.filter(received_at__year=2019, received_at__month=4).count()
    )
    assert received > 1000
    assert april["volumes"]["received"]["by_root_cause"]
    # The CFPB does not say when a complaint was resolved: none is counted as resolved in a
    # month, and none enters a timing figure (they were 0 h when the day sent was taken).
    assert april["volumes"]["resolved"]["total"] == 0
    assert april["pareto"]["causes"] == []
    assert april["timings"]["acknowledge"]["count"] == 0
    assert april["timings"]["resolve"] == {"count": 0, "median_hours": None, "p90_hours": None}
    # Most of the sample is credit reporting, which the rules send to one cause: the result
    # says so, so that the mapping can be checked.
    dominant = imports.dominant_cause(run)
    assert dominant is not None
    assert dominant["code"] == "website-it-data"
    assert dominant["percent"] >= 60
    assert not dominant["is_default"]


# --- Data a report can trust (issue 19, point 5) ------------------------------------------------


def _cfpb_excerpt(quality, *, source: str = "cfpb", **kwargs) -> ImportRun:
    return imports.import_csv(
        text=(FIXTURES / "cfpb_excerpt.csv").read_text(encoding="utf-8"),
        mapping=import_mappings.CFPB,
        source=source,
        actor=quality,
        owner=quality,
        **kwargs,
    )


def test_cfpb_rows_get_no_invented_moments_and_stay_out_of_the_timing_figures(quality):
    _cfpb_excerpt(quality)
    # "Date sent to company" is when the CFPB forwarded it: neither acknowledged nor resolved.
    imported = Complaint.objects.filter(import_record__source="cfpb")
    assert imported.count() == 40
    assert not imported.filter(acknowledged_at__isnull=False).exists()
    assert not imported.filter(resolved_at__isnull=False).exists()
    # One complaint of our own, resolved in 48 hours, in the same month as imported ones.
    imports.import_csv(
        text=_own(
            "t1,2019-04-10T09:00:00+02:00,phone,Te laat,Feiten,Post,delivery-late,upheld,"
            "2019-04-10T11:00:00+02:00,2019-04-12T09:00:00+02:00,,,"
        ),
        mapping=import_mappings.KLACHTWIJZER,
        source="legacy",
        actor=quality,
        owner=quality,
    )
    year = figures.compute(start=date(2015, 1, 1), end=date(2020, 12, 31))
    assert year["volumes"]["received"]["total"] == 41
    assert year["timings"]["acknowledge"] == {"count": 1, "median_hours": 2.0, "p90_hours": 2.0}
    assert year["timings"]["resolve"] == {"count": 1, "median_hours": 48.0, "p90_hours": 48.0}
    resolve_step = next(s for s in year["triad"]["steps"] if s["step"] == "resolve")
    assert resolve_step["count"] == 0  # no triad steps in any imported record: no 0 h either


def test_rows_still_open_in_the_source_are_closed_there_and_never_overdue(client, quality):
    run = _cfpb_excerpt(quality)
    in_progress = Complaint.objects.filter(import_record__source_status="In progress")
    assert in_progress.count() == 4
    assert set(in_progress.values_list("stage", "closed_in_source", "outcome")) == {
        ("closed", True, "")
    }
    assert not Complaint.objects.open().exists()
    assert not Complaint.objects.overdue(now=timezone.now()).exists()
    # Our own columns: a row without an outcome is closed in its source in the same way.
    imports.import_csv(
        text=_own("o1,2020-01-06,email,Nog open,Feiten,Post,,,,,frustrated,,"),
        mapping=import_mappings.KLACHTWIJZER,
        source="legacy",
        actor=quality,
        owner=quality,
    )
    still_open = Complaint.objects.get(import_record__external_id="o1")
    assert (still_open.stage, still_open.closed_in_source, still_open.resolved_at) == (
        "closed",
        True,
        None,
    )
    client.force_login(quality)
    page = client.get(reverse("import-result", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Rows still open in their source" in html
    assert "never overdue here" in html
    assert 'In progress <span class="muted">(open there)</span></th><td class="num">4<' in html


def test_the_same_rows_under_another_source_name_are_refused_until_confirmed(client, quality):
    _cfpb_excerpt(quality)
    # One record changed since: not the same content, so not counted as imported before.
    text = (FIXTURES / "cfpb_excerpt.csv").read_text(encoding="utf-8")
    text = text.replace("2020-03-18,", "2020-03-17,", 1)
    before = db_snapshot()
    with pytest.raises(InvalidData) as refused:
        imports.import_csv(
            text=text,
            mapping=import_mappings.CFPB,
            source="cfpb-2020",
            actor=quality,
            owner=quality,
        )
    assert [str(m) for m in refused.value.errors["import_again"]] == [
        "These 39 rows were imported before as source “cfpb”; tick “Import again” (and choose "
        "the file again) to import them anyway."
    ]
    assert db_snapshot() == before

    client.force_login(quality)
    upload = SimpleUploadedFile("cfpb.csv", text.encode(), content_type="text/csv")
    page = client.post(
        reverse("import-page"),
        {"file": upload, "mapping": "cfpb", "source": "cfpb-2020"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # Refused by the job (the whole file is read there), which says why on its page.
    refused_job = ImportJob.objects.get()
    import_jobs.import_job_run(job_id=refused_job.pk)
    page = client.get(page["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "These 39 rows were imported before as source “cfpb”" in page.content.decode()
    after = db_snapshot()
    assert [job["state"] for job in after.pop("reports.ImportJob")] == ["failed"]
    before.pop("reports.ImportJob")
    assert after == before

    upload = SimpleUploadedFile("cfpb.csv", text.encode(), content_type="text/csv")
    page = client.post(
        reverse("import-page"),
        {"file": upload, "mapping": "cfpb", "source": "cfpb-2020", "import_again": "on"},
    )
    assert page.status_code == 302
    import_jobs.import_job_run(job_id=ImportJob.objects.exclude(pk=refused_job.pk).get().pk)
    assert ImportedComplaint.objects.filter(source="cfpb-2020").count() == 40


def test_a_repeated_id_in_one_file_is_rejected_with_its_row_number(quality):
    run = imports.import_csv(
        text=_own(
            "d1,2026-03-02,phone,Te laat,Feiten,Post,delivery-late,upheld,,2026-03-04,,,",
            "d2,2026-03-02,phone,Kapot,Feiten,Post,delivery-late,upheld,,2026-03-04,,,",
            "d1,2026-03-03,email,Anders,Andere feiten,Post,delivery-late,upheld,,2026-03-05,,,",
        ),
        mapping=import_mappings.KLACHTWIJZER,
        source="legacy",
        actor=quality,
        owner=quality,
    )
    assert (run.rows, run.imported, run.skipped) == (3, 2, 0)
    assert run.rejected == [
        {
            "row": 4,
            "external_id": "d1",
            "reason": "the id “d1” appears before in this file, in row 2",
        }
    ]
    assert Complaint.objects.get(import_record__external_id="d1").subject == "Te laat"


def test_an_import_that_one_cause_dominates_says_so_on_its_result(client, quality):
    line = "{id},2026-03-02,phone,Te laat,Feiten,Post,{cause},upheld,,2026-03-04,,,"
    causes = ["delivery-late", "delivery-late", "delivery-late", "billing-incorrect-amount"]
    run = imports.import_csv(
        text=_own(*(line.format(id=f"m{i}", cause=c) for i, c in enumerate(causes))),
        mapping=import_mappings.KLACHTWIJZER,
        source="legacy",
        actor=quality,
        owner=quality,
    )
    assert imports.dominant_cause(run) == {
        "code": "delivery-late",
        "name_nl": root_cause("delivery-late").name_nl,
        "name_en": root_cause("delivery-late").name_en,
        "count": 3,
        "total": 4,
        "percent": 75,
        "is_default": False,
    }
    client.force_login(quality)
    html = client.get(reverse("import-result", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "one root cause takes 3 of the 4 imported complaints (75 %, at least 60 %)"
        in html.content.decode()
    )
    # Half and half is no warning.
    balanced = imports.import_csv(
        text=_own(
            line.format(id="n1", cause="delivery-late"),
            line.format(id="n2", cause="billing-incorrect-amount"),
        ),
        mapping=import_mappings.KLACHTWIJZER,
        source="legacy",
        actor=quality,
        owner=quality,
    )
    assert imports.dominant_cause(balanced) is None
    page = client.get(reverse("import-result", args=[balanced.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="dominant-cause"' not in page.content.decode()


def test_the_command_refuses_rows_imported_before_unless_told_to_import_again(quality, tmp_path):
    path = tmp_path / "cfpb.csv"
    path.write_text((FIXTURES / "cfpb_excerpt.csv").read_text(encoding="utf-8"), encoding="utf-8")
    call_command("import_complaints", str(path), "--owner", "quinten", "--quiet-progress")
    before = db_snapshot()
    with pytest.raises(CommandError, match="These 40 rows were imported before as source “cfpb”"):
        call_command("import_complaints", str(path), "--source", "old-cfpb", "--owner", "quinten")
    assert db_snapshot() == before
    call_command(
        "import_complaints",
        str(path),
        "--source",
        "old-cfpb",
        "--owner",
        "quinten",
        "--import-again",
        "--quiet-progress",
    )
    assert ImportedComplaint.objects.filter(source="old-cfpb").count() == 40
