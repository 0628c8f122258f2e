"""Reads of stored reports, for the pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from reports import policies
from reports.models import RootCauseReport


def report_list(*, user: User) -> QuerySet[RootCauseReport]:
    """Every stored report, newest period first (the figures are left out of the list)."""
    policies.ensure_may_view_reports(user)
    return RootCauseReport.objects.select_related("generated_by").defer("figures")


def report_get(*, user: User, pk: int) -> RootCauseReport:
    """One report; 403 for who may not read reports, 404 when there is no such report."""
    policies.ensure_may_view_reports(user)
    report = RootCauseReport.objects.select_related("generated_by").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report
