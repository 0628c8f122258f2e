"""Make a root-cause report now: ``manage.py root_cause_report --month 2026-05`` or
``--start 2026-01-01 --end 2026-03-31``; ``--monthly`` stores it as the month's scheduled
report (once), ``--email`` sends it to the subscribers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from common.errors import InvalidData
from reports import services


def _month(value: str) -> date:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise CommandError(f"--month must look like 2026-05, not {value!r}") from None


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Dates look like 2026-05-31, not {value!r}") from None


class Command(BaseCommand):
    help = "Make (and optionally email) the root-cause report for a month or a date range."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--start", help="YYYY-MM-DD, with --end")
        parser.add_argument("--end", help="YYYY-MM-DD (inclusive)")
        parser.add_argument(
            "--monthly", action="store_true", help="store it as the month's scheduled report"
        )
        parser.add_argument("--email", action="store_true", help="email it to the subscribers")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["start"] or options["end"]:
            if options["month"] or options["monthly"]:
                raise CommandError("Give either --month or --start and --end.")
            if not (options["start"] and options["end"]):
                raise CommandError("Give both --start and --end.")
            start, end = _date(options["start"]), _date(options["end"])
        else:
            start = _month(options["month"]) if options["month"] else services.previous_month(now)
            end = services.month_end(start)
        try:
            if options["monthly"]:
                report = services.report_generate_monthly(month=start, now=now)
            else:
                report = services.report_generate(
                    start=start, end=end, actor=None, email=options["email"], now=now
                )
        except InvalidData as error:
            messages = "; ".join(str(m) for ms in error.errors.values() for m in ms)
            raise CommandError(messages) from error
        figures = report.figures
        self.stdout.write(
            self.style.SUCCESS(
                f"Report {report.pk}: {report.period_start} – {report.period_end}, "
                f"{figures['volumes']['received']['total']} received, "
                f"{figures['volumes']['resolved']['total']} resolved."
            )
        )
