"""The CSV import in the background: the upload becomes a job stored in the database, a worker
imports it in chunks that each commit with their progress, the page shows it and can cancel
it, and a job whose worker or message was lost is picked up again by the sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from common.errors import ActionForbidden, TransitionNotAllowed
from complaints.models import Complaint
from reports import import_jobs
from reports.models import ImportedComplaint, ImportJob, ImportRun, ImportState
from reports.tasks import run_import_job, sweep_import_jobs
from tests.reports.test_imports import _own

LINE = "{id},2026-03-02,phone,Te laat,Feiten,Post,{cause},upheld,,2026-03-04,,,"


def _file(count: int, *, refused_every: int = 0, prefix: str = "j") -> str:
    """``count`` rows of our own columns; every ``refused_every``-th names an unknown cause."""
    return _own(
        *(
            LINE.format(
                id=f"{prefix}{i}",
                cause="nope" if refused_every and i % refused_every == 0 else "delivery-late",
            )
            for i in range(1, count + 1)
        )
    )


def _job(user, text: str, *, source: str = "legacy", **extra) -> ImportJob:
    return import_jobs.import_job_create(
        content=text.encode(),
        file_name="legacy.csv",
        mapping="klachtwijzer",
        source=source,
        import_again=extra.pop("import_again", False),
        actor=user,
        **extra,
    )


def _upload(client, text: str, **data):
    upload = SimpleUploadedFile("legacy.csv", text.encode(), content_type="text/csv")
    return client.post(
        reverse("import-page"),
        {"file": upload, "mapping": "klachtwijzer", "source": "legacy", **data},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_an_upload_is_stored_as_a_queued_job_and_imported_in_chunks(quality):
    job = _job(quality, _file(7, refused_every=3))
    assert (job.state, job.rows_total, job.rows_done, job.run) == (ImportState.QUEUED, 7, 0, None)
    assert bytes(ImportJob.objects.get(pk=job.pk).content).startswith(b"id,received_at")
    assert not Complaint.objects.exists()  # nothing is imported in the request

    done = import_jobs.import_job_run(job_id=job.pk, chunk_rows=3)

    assert done is not None
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.attempts) == (ImportState.DONE, 7, 1)
    assert job.run is not None
    assert (job.run.rows, job.run.imported, job.run.skipped) == (7, 5, 0)
    assert [(r["row"], r["external_id"]) for r in job.run.rejected] == [(4, "j3"), (7, "j6")]
    assert "unknown root cause “nope”" in job.run.rejected[0]["reason"]
    assert job.run.finished_at is not None
    assert job.finished_at is not None
    assert bytes(job.content) == b""  # done: the file's bytes are dropped
    assert ImportedComplaint.objects.filter(run=job.run).count() == 5
    # A duplicate message (or a second run) finds the job finished and writes nothing.
    assert run_import_job(job.pk) is None
    assert Complaint.objects.count() == 5


def test_the_same_file_again_skips_what_was_imported(quality):
    first = _job(quality, _file(4))
    import_jobs.import_job_run(job_id=first.pk, chunk_rows=2)
    again = _job(quality, _file(6))
    import_jobs.import_job_run(job_id=again.pk, chunk_rows=4)
    again.refresh_from_db()
    assert again.run is not None
    assert (again.run.imported, again.run.skipped) == (2, 4)
    assert Complaint.objects.count() == 6


def test_a_file_imported_under_another_source_fails_the_job_and_writes_nothing(quality):
    job = _job(quality, _file(3), source="legacy")
    import_jobs.import_job_run(job_id=job.pk)
    other = _job(quality, _file(3), source="legacy-2")

    import_jobs.import_job_run(job_id=other.pk)

    other.refresh_from_db()
    assert other.state == ImportState.FAILED
    assert other.error == (
        "These 3 rows were imported before as source “legacy”; tick “Import again” (and "
        "choose the file again) to import them anyway."
    )
    assert other.run is None
    assert ImportRun.objects.count() == 1
    assert Complaint.objects.count() == 3
    assert bytes(other.content)  # kept with a failed job
    confirmed = _job(quality, _file(3), source="legacy-2", import_again=True)
    import_jobs.import_job_run(job_id=confirmed.pk)
    confirmed.refresh_from_db()
    assert confirmed.run is not None
    assert confirmed.run.imported == 3


def test_the_upload_refuses_at_once_what_it_can_see(client, quality):
    client.force_login(quality)
    with override_settings(IMPORT_MAX_BYTES=100):
        page = _upload(client, _file(5))
    assert page.status_code == 400
    assert "The file is larger than 100 bytes, the most an import takes." in page.content.decode()
    page = _upload(client, "just,some\n1,2\n")
    assert page.status_code == 400
    assert "lacks the columns" in page.content.decode()
    upload = SimpleUploadedFile("latin.csv", _file(1).encode() + "é".encode("latin-1"))
    page = client.post(
        reverse("import-page"),
        {"file": upload, "mapping": "klachtwijzer", "source": "legacy"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 400
    assert "The file is not UTF-8 text." in page.content.decode()
    page = _upload(client, _file(1), source="Legacy")
    assert page.status_code == 400
    assert "Name the source in lower-case letters" in page.content.decode()
    assert not ImportJob.objects.exists()


def test_agents_may_not_start_or_see_imports(client, agent, quality):
    with pytest.raises(ActionForbidden):
        _job(agent, _file(1))
    job = _job(quality, _file(1))
    client.force_login(agent)
    assert client.get(reverse("import-job", args=[job.pk])).status_code == 403
    assert client.post(reverse("import-job-cancel", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.state == ImportState.QUEUED


def test_the_job_page_refreshes_its_progress_until_the_import_is_done(client, quality):
    client.force_login(quality)
    page = _upload(client, _file(4, refused_every=2))
    job = ImportJob.objects.get()
    assert page.status_code == 302
    assert page["Location"] == reverse("import-job", args=[job.pk])
    html = client.get(page["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    progress = reverse("import-job-progress", args=[job.pk])
    assert f'hx-get="{progress}" hx-trigger="every 2s"' in html
    assert "Waiting for a worker" in html
    assert "0 of 4 rows done" in html
    assert 'id="form-import-cancel"' in html
    assert "<script>" not in html  # refreshing needs no inline script

    import_jobs.import_job_run(job_id=job.pk, chunk_rows=3)

    partial = client.get(progress, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert partial.startswith('<section id="import-job-progress"')
    assert "hx-trigger" not in partial  # finished: it stops asking
    assert "4 of 4 rows done" in partial
    assert '<dd data-testid="imported">2</dd>' in partial
    assert '<dd data-testid="rejected">2</dd>' in partial
    assert "unknown root cause “nope”" in partial
    assert 'id="form-import-cancel"' not in partial
    listing = client.get(reverse("import-page"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("import-job", args=[job.pk]) in listing
    assert "4/4" in listing


def test_a_queued_job_is_cancelled_at_once_and_never_runs(client, quality):
    job = _job(quality, _file(3))
    client.force_login(quality)
    answer = client.post(reverse("import-job-cancel", args=[job.pk]))
    assert answer.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.cancelled_by, bytes(job.content)) == (
        ImportState.CANCELLED,
        quality,
        b"",
    )

    assert import_jobs.import_job_run(job_id=job.pk) is None
    assert not Complaint.objects.exists()
    with pytest.raises(TransitionNotAllowed, match="finished already"):
        import_jobs.import_job_cancel(job=job, actor=quality)
    page = client.post(
        reverse("import-job-cancel", args=[job.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "This import has finished already." in page.content.decode()


def test_a_running_job_asked_to_cancel_stops_before_its_next_chunk(quality):
    job = _job(quality, _file(6))
    # The request comes while the worker runs; it finds it before its first chunk.
    ImportJob.objects.filter(pk=job.pk).update(
        cancel_requested_at=timezone.now(), cancelled_by=quality
    )

    import_jobs.import_job_run(job_id=job.pk, chunk_rows=2)

    job.refresh_from_db()
    assert (job.state, job.rows_done) == (ImportState.CANCELLED, 0)
    assert job.run is not None
    assert job.run.finished_at is not None
    assert not Complaint.objects.exists()


@override_settings(IMPORT_STALE_SECONDS=300, IMPORT_MAX_ATTEMPTS=2)
def test_the_sweep_queues_again_a_job_whose_worker_died_and_fails_it_at_the_limit(quality):
    job = _job(quality, _file(2))
    later = timezone.now() + timedelta(seconds=301)
    # A queued job whose message was lost goes to the broker again.
    assert import_jobs.import_jobs_sweep(now=later)["enqueued"] == [job.pk]
    # Claimed by a worker that died at once: after the timeout, queued again.
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    assert import_jobs.import_jobs_sweep(now=timezone.now())["requeued"] == []  # not yet
    assert import_jobs.import_jobs_sweep(now=later)["requeued"] == [job.pk]
    job.refresh_from_db()
    assert job.state == ImportState.QUEUED
    # The second worker dies too: that was the last attempt.
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.RUNNING, attempts=2, heartbeat_at=timezone.now()
    )
    assert import_jobs.import_jobs_sweep(now=later)["failed"] == [job.pk]
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert "stopped 2 times; 0 of 2 rows were imported before" in job.error
    assert sweep_import_jobs() == 0  # the beat task: nothing left to do


def test_a_worker_that_lost_its_claim_writes_nothing(quality):
    """The sweep gave the job to another worker (claim 2): the first, waking up, stops."""
    job = _job(quality, _file(2))
    claimed = import_jobs._claim(job.pk, timezone.now())
    assert claimed is not None
    ImportJob.objects.filter(pk=job.pk).update(attempts=2)

    assert import_jobs._run(claimed, 1) is None

    assert not Complaint.objects.exists()
    assert ImportJob.objects.get(pk=job.pk).rows_done == 0
