"""The monthly root-cause report, started by Celery beat on the first of the month."""

from __future__ import annotations

from django.utils import timezone

from config.celery import app
from reports import import_jobs, services


@app.task(name="reports.monthly_report", ignore_result=True)
def monthly_report() -> int:
    """Make (once) and email last month's report; safe to run twice."""
    now = timezone.now()
    return services.report_generate_monthly(month=services.previous_month(now), now=now).pk


@app.task(name="reports.run_import_job", ignore_result=True, acks_late=True)
def run_import_job(job_id: int) -> int | None:
    """Import an uploaded file in chunks; a second run finds the job claimed and does nothing."""
    job = import_jobs.import_job_run(job_id=job_id)
    return job.pk if job is not None else None


@app.task(name="reports.sweep_import_jobs", ignore_result=True)
def sweep_import_jobs() -> int:
    """Beat's sweep: jobs whose message or worker was lost go again (or fail)."""
    return sum(len(ids) for ids in import_jobs.import_jobs_sweep().values())
