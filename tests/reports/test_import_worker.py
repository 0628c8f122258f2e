"""The CSV import with real Celery workers (child processes) on the configured broker and
PostgreSQL: progress shows while it runs, Cancel stops it between chunks with the committed
chunks kept, and a worker killed mid-import (kill -9) loses nothing and doubles nothing: the
sweep queues the job again and another worker goes on after the last committed chunk."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from complaints.models import Complaint
from config.celery import app
from reports.models import ImportedComplaint, ImportJob, ImportState
from tests.promises.cluster import Cluster, running, wait_until
from tests.reports.test_import_jobs import _file, _upload

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the workers are other processes (set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT = 120  # seconds; a guard against a hang, not a timing assertion
CHUNK = 20


@pytest.fixture
def cluster(tmp_path) -> Iterator[Cluster]:
    app.control.purge()  # no message of an earlier run may reach these workers
    workers = Cluster(
        workdir=tmp_path / "cluster",
        database=settings.DATABASES["default"],
        broker_url=settings.CELERY_BROKER_URL,
        extra_env={
            # The test process and the workers share the embedded broker's folder, if it is used.
            "KLACHTWIJZER_VAR_DIR": str(settings.VAR_DIR),
            "IMPORT_CHUNK_ROWS": str(CHUNK),
            "IMPORT_STALE_SECONDS": "3",
            "IMPORT_MAX_ATTEMPTS": "20",
        },
    )
    with running(workers):
        yield workers


def _job() -> ImportJob:
    return ImportJob.objects.select_related("run").get()


def test_progress_shows_while_a_worker_imports_and_cancel_keeps_the_committed_chunks(
    client, quality, cluster
):
    client.force_login(quality)
    assert _upload(client, _file(6000)).status_code == 302
    job = _job()
    progress = reverse("import-job-progress", args=[job.pk])
    cluster.worker("worker")

    wait_until(
        lambda: _job().rows_done >= 2 * CHUNK, timeout=TIMEOUT, what="two chunks", cluster=cluster
    )
    partial = client.get(progress, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    found = re.search(r"(\d+) of 6000 rows done", partial)
    assert found is not None, partial
    assert 0 < int(found.group(1)) < 6000
    assert "Importing" in partial
    assert "hx-trigger" in partial
    assert client.post(reverse("import-job-cancel", args=[job.pk])).status_code == 302

    wait_until(
        lambda: _job().state == ImportState.CANCELLED,
        timeout=TIMEOUT,
        what="the job cancelled",
        cluster=cluster,
    )
    job = _job()
    assert job.run is not None
    assert 0 < job.rows_done < 6000
    assert job.rows_done % CHUNK == 0  # whole chunks only
    # What was committed stays, and is exactly what the page says was imported.
    assert job.run.imported == job.rows_done == ImportedComplaint.objects.count()
    assert Complaint.objects.count() == job.rows_done
    page = client.get(reverse("import-job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        f"Cancelled after {job.rows_done} of 6000 rows; {job.rows_done} complaints were imported"
        in page.content.decode()
    )


def test_a_worker_killed_mid_import_loses_nothing_and_doubles_nothing(client, quality, cluster):
    client.force_login(quality)
    assert _upload(client, _file(3000, refused_every=100)).status_code == 302
    cluster.worker("first")
    wait_until(
        lambda: _job().rows_done >= 5 * CHUNK, timeout=TIMEOUT, what="five chunks", cluster=cluster
    )
    cluster.kill("first")  # no warm shutdown: the chunk it was writing is rolled back
    stopped = _job()
    assert stopped.state == ImportState.RUNNING
    assert stopped.rows_done < 3000, "the import finished before the kill; use a larger file"

    cluster.worker("second")
    cluster.beat("beat")  # its sweep finds the job without progress and queues it again
    wait_until(
        lambda: _job().state == ImportState.DONE,
        timeout=TIMEOUT,
        what="the import",
        cluster=cluster,
    )
    job = _job()
    assert job.attempts >= 2
    assert job.run is not None
    assert (job.rows_done, job.run.rows) == (3000, 3000)
    # Every valid row once, every refused row listed once, nothing skipped as "imported before".
    assert (job.run.imported, len(job.run.rejected), job.run.skipped) == (2970, 30, 0)
    assert sorted(r["row"] for r in job.run.rejected) == [n * 100 + 1 for n in range(1, 31)]
    assert ImportedComplaint.objects.count() == 2970 == Complaint.objects.count()
    assert ImportedComplaint.objects.values("external_id").distinct().count() == 2970  # no id twice
