"""Import historical complaints from a CSV file: ``manage.py import_complaints FILE --source
cfpb --mapping cfpb --owner quinten``. Prints a progress bar, then the counts and every
rejected row with its reason. Running it again on the same file imports nothing twice."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from common.errors import InvalidData
from reports import import_mappings, imports


class Command(BaseCommand):
    help = "Import historical complaints from CSV through a column mapping."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file (UTF-8)")
        parser.add_argument("--mapping", choices=sorted(import_mappings.MAPPINGS), default="cfpb")
        parser.add_argument(
            "--source", help="name of the source, the scope of its ids (default: the mapping)"
        )
        parser.add_argument("--owner", required=True, help="username who owns the complaints")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--import-again",
            action="store_true",
            help="import rows imported before under another source name (same id and content)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        owner = User.objects.filter(username=options["owner"], is_active=True).first()
        if owner is None:
            raise CommandError(f"No active user {options['owner']!r}.")
        mapping = import_mappings.MAPPINGS[options["mapping"]]
        show = not options["quiet_progress"]
        try:
            run = imports.import_csv(
                text=text,
                mapping=mapping,
                source=options["source"] or mapping.name,
                actor=None,
                owner=owner,
                file_name=path.name,
                progress=self._bar if show else None,
                import_again=options["import_again"],
            )
        except imports.ImportRefused as error:
            raise CommandError(str(error)) from error
        except InvalidData as error:
            messages = "; ".join(str(m) for ms in error.errors.values() for m in ms)
            raise CommandError(messages) from error
        if show:
            sys.stderr.write("\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.rows} rows: {run.imported} imported, {run.skipped} imported before, "
                f"{len(run.rejected)} rejected."
            )
        )
        for rejection in run.rejected:
            self.stdout.write(
                f"  row {rejection['row']} ({rejection['external_id'] or '-'}): "
                f"{rejection['reason']}"
            )
        statuses = imports.source_statuses(run)
        if statuses:
            counts = ", ".join(
                f"{item['status'] or '(empty)'}{' (open there)' if item['open'] else ''}: "
                f"{item['count']}"
                for item in statuses
            )
            self.stdout.write(
                f"Closed in their source (no resolution moment, never overdue): {counts}."
            )
        dominant = imports.dominant_cause(run)
        if dominant:
            self.stdout.write(
                self.style.WARNING(
                    f"One root cause, {dominant['code']}, takes {dominant['count']} of the "
                    f"{dominant['total']} imported complaints ({dominant['percent']} %): "
                    "check the mapping."
                )
            )

    @staticmethod
    def _bar(done: int, total: int, width: int = 40) -> None:
        if done != total and done % 25:
            return  # redrawing every row costs more than the row itself
        share = done / total if total else 1.0
        filled = int(width * share)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {share:4.0%}")
        sys.stderr.flush()
