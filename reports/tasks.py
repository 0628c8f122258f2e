"""The monthly root-cause report, started by Celery beat on the first of the month."""

from __future__ import annotations

from django.utils import timezone

from config.celery import app
from reports import services


@app.task(name="reports.monthly_report", ignore_result=True)
def monthly_report() -> int:
    """Make (once) and email last month's report; safe to run twice."""
    now = timezone.now()
    return services.report_generate_monthly(month=services.previous_month(now), now=now).pk
