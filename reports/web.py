"""The root-cause reports in the web interface: the list with a form to make one on demand,
the report page with its charts and tables, and its CSV and PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import ActionForbidden, InvalidData
from common.web import actor, add_domain_errors
from reports import exports, policies, presentation, selectors, services
from reports.forms import PeriodForm


def _readable(request: HttpRequest) -> None:
    try:
        policies.ensure_may_view_reports(actor(request))
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    """The stored reports; Quality can make one for any past month or range."""
    _readable(request)
    user = actor(request)
    may_generate = policies.may_manage(user)
    form = PeriodForm(request.POST or None)
    if request.method == "POST":
        if not may_generate:
            raise PermissionDenied(_("Only Quality and administrators may do this."))
        if form.is_valid():
            try:
                report = services.report_generate(
                    start=form.cleaned_data["start"], end=form.cleaned_data["end"], actor=user
                )
            except InvalidData as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, _("The report has been made."))
                return redirect("report-page", pk=report.pk)
    return render(
        request,
        "reports/list.html",
        {
            "reports": selectors.report_list(user=user),
            "form": form if may_generate else None,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _readable(request)
    report = selectors.report_get(user=actor(request), pk=pk)
    return render(request, "reports/detail.html", presentation.report_context(report))


@login_required
@require_GET
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    _readable(request)
    report = selectors.report_get(user=actor(request), pk=pk)
    return exports.download(report, "csv")


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _readable(request)
    report = selectors.report_get(user=actor(request), pk=pk)
    return exports.download(report, "pdf")
