"""Producing root-cause reports: on demand for any past range, and monthly by the schedule.

A report is computed once (``reports.figures``) and stored as a snapshot; it is then emailed
to the subscribers (``ROOT_CAUSE_REPORT_RECIPIENTS``) with a link, through the outbox.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ErrorCollector
from complaints.scheduling.outbox import email_build, email_queue
from reports import figure_parts, figures, policies
from reports.models import ReportKind, RootCauseReport

# A longer range would stop being a report and start being a data export.
MAX_RANGE_DAYS = 731


def previous_month(now: datetime) -> date:
    """The first day of the month before the one ``now`` falls in, in local (Amsterdam) time."""
    return figure_parts.month_start(timezone.localdate(now), 1)


def month_end(first: date) -> date:
    return figure_parts.month_start(first, -1) - timedelta(days=1)


def check_period(
    errors: ErrorCollector, start: date | None, end: date | None, *, today: date
) -> None:
    """The period must be given, not empty, not beyond today, and not longer than two years."""
    errors.require("start", start)
    errors.require("end", end)
    if start is None or end is None:
        return
    if end < start:
        errors.add("end", _("The period is empty: its end lies before its start."))
    elif end > today:
        errors.add("end", _("The period cannot end in the future."))
    elif (end - start).days >= MAX_RANGE_DAYS:
        errors.add("end", _("A report covers at most two years."))


def report_generate(
    *,
    start: date | None,
    end: date | None,
    actor: User | None,
    kind: str = ReportKind.ON_DEMAND,
    email: bool = False,
    now: datetime | None = None,
) -> RootCauseReport:
    """Compute and store the report for the local dates ``start``–``end`` (inclusive).

    ``actor`` is None only for the schedule. Refuses 403 (not Quality or admin), then 400.
    """
    now = now or timezone.now()
    if actor is not None:
        policies.ensure_may_manage(actor)
    errors = ErrorCollector()
    check_period(errors, start, end, today=timezone.localdate(now))
    errors.raise_if_any()
    if start is None:
        raise ValueError("start is missing")
    if end is None:
        raise ValueError("end is missing")
    with transaction.atomic():
        report = RootCauseReport.objects.create(
            kind=kind,
            period_start=start,
            period_end=end,
            figures=figures.compute(start=start, end=end, now=now),
            generated_at=now,
            generated_by=actor,
        )
        if email:
            report_email(report=report, now=now)
    return report


def report_generate_monthly(*, month: date, now: datetime | None = None) -> RootCauseReport:
    """The schedule's report for ``month`` (its first day), made once however often it runs."""
    now = now or timezone.now()
    existing = RootCauseReport.objects.filter(kind=ReportKind.MONTHLY, period_start=month).first()
    if existing is not None:
        return existing
    try:
        return report_generate(
            start=month,
            end=month_end(month),
            actor=None,
            kind=ReportKind.MONTHLY,
            email=True,
            now=now,
        )
    except IntegrityError:  # another worker stored the month's report first
        return RootCauseReport.objects.get(kind=ReportKind.MONTHLY, period_start=month)


def report_email(*, report: RootCauseReport, now: datetime) -> int:
    """Queue the report's email to every subscriber (once per report and address)."""
    recipients = list(getattr(settings, "ROOT_CAUSE_REPORT_RECIPIENTS", []))
    link = settings.SITE_URL + reverse("report-page", args=[report.pk])
    context = {"report": report, "link": link, "figures": report.figures}
    language = settings.LANGUAGE_CODE[:2]
    email_queue(
        [
            email_build(
                key=f"root_cause_report:{report.pk}:{address}"[:100],
                template="root_cause_report",
                to=address,
                language=language,
                context=context,
                now=now,
            )
            for address in recipients
        ]
    )
    RootCauseReport.objects.filter(pk=report.pk).update(emailed_at=now)
    return len(recipients)
