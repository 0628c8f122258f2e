"""Corrective actions, reports and imports in the admin: read-only (the services write them)."""

from __future__ import annotations

from django.contrib import admin

from complaints.admin import ReadOnlyAdminMixin
from reports.models import (
    CorrectiveAction,
    CorrectiveActionEvent,
    ImportJob,
    ImportRun,
    RootCauseReport,
)


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CorrectiveAction]):
    list_display = ["title", "root_cause", "owner", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["title"]


@admin.register(CorrectiveActionEvent)
class CorrectiveActionEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CorrectiveActionEvent]):
    list_display = ["action", "type", "actor", "created_at"]


@admin.register(RootCauseReport)
class RootCauseReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[RootCauseReport]):
    list_display = ["period_start", "period_end", "kind", "generated_at", "generated_by"]
    list_filter = ["kind"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ImportRun]):
    list_display = ["file_name", "source", "mapping", "started_at", "imported", "skipped"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ImportJob]):
    list_display = ["file_name", "source", "state", "created_at", "rows_done", "rows_total"]
    list_filter = ["state"]
    exclude = ["content"]
