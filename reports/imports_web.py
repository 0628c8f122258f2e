"""The upload page for Quality: import historical complaints from CSV in the background, follow
the job's progress, cancel it, and read the result, rejected rows with their row number and
reason."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from common.web import actor, add_domain_errors
from reports import import_jobs, import_mappings, imports, policies
from reports.forms import ImportForm
from reports.models import ImportRun

# Refused rows shown on the job page while it runs (all of them are on the result page).
REFUSED_SHOWN = 50


def _manager(request: HttpRequest) -> None:
    try:
        policies.ensure_may_manage(actor(request))
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a file: it is checked at once (size, UTF-8, columns) and imported in the
    background; the browser goes on to the job's page."""
    _manager(request)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"source": "cfpb"})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.IMPORT_MAX_BYTES:  # refused before it is read
                raise import_jobs.FileTooLarge(
                    _("The file is larger than %(limit)s, the most an import takes.")
                    % {"limit": import_jobs.max_size()}
                )
            job = import_jobs.import_job_create(
                content=upload.read(),
                file_name=upload.name or "",
                mapping=form.cleaned_data["mapping"],
                source=form.cleaned_data["source"],
                import_again=form.cleaned_data["import_again"],
                actor=actor(request),
            )
        except imports.ImportRefused as error:
            form.add_error("file", str(error))
        except InvalidData as error:
            add_domain_errors(form, error)
        else:
            return redirect("import-job", pk=job.pk)
    jobs = import_jobs.import_job_list(user=actor(request))[:10]
    return render(
        request,
        "reports/import.html",
        {
            "form": form,
            "jobs": jobs,
            "runs": ImportRun.objects.filter(job__isnull=True).select_related("started_by")[:10],
            "max_size": import_jobs.max_size(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _job_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    _manager(request)
    job = get_object_or_404(import_jobs.import_job_list(user=actor(request)), pk=pk)
    refused = job.run.rejected if job.run is not None else []
    return {
        "job": job,
        "refused_count": len(refused),
        "refused": refused[:REFUSED_SHOWN],
        "refused_more": max(len(refused) - REFUSED_SHOWN, 0),
    }


@login_required
@require_GET
def import_job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One job: its state and progress, refused rows with their reasons, and Cancel."""
    return render(request, "reports/import_job.html", _job_context(request, pk))


@login_required
@require_GET
def import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress alone, which the page fetches every 2 s (htmx) while it runs."""
    return render(request, "reports/_import_job_progress.html", _job_context(request, pk))


@login_required
@require_POST
def import_job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel: at once while queued, after the current chunk while running."""
    context = _job_context(request, pk)
    try:
        job = import_jobs.import_job_cancel(job=context["job"], actor=actor(request))
    except TransitionNotAllowed as error:
        messages.error(request, str(error.message))
    else:
        if job.finished:
            messages.success(request, _("The import was cancelled before it started."))
        else:
            messages.success(request, _("The import stops after the rows it is writing now."))
    return redirect("import-job", pk=pk)


@login_required
@require_GET
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=pk)
    mapping = import_mappings.MAPPINGS.get(run.mapping)
    return render(
        request,
        "reports/import_result.html",
        {
            "run": run,
            "dominant": imports.dominant_cause(run),
            "statuses": imports.source_statuses(run),
            "open_outcomes": [value for value in mapping.open_outcomes if value] if mapping else [],
            "share_percent": round(imports.DOMINANT_SHARE * 100),
        },
    )
