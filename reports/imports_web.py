"""The upload page for Quality: import historical complaints from CSV and read the result,
rejected rows with their row number and reason."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.errors import ActionForbidden, InvalidData
from common.web import actor, add_domain_errors
from reports import import_mappings, imports, policies
from reports.forms import ImportForm
from reports.models import ImportRun

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _manager(request: HttpRequest) -> None:
    try:
        policies.ensure_may_manage(actor(request))
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"source": "cfpb"})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        text = None
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 20 MB; use the import command."))
        else:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
        if text is not None:
            try:
                run = imports.import_csv(
                    text=text,
                    mapping=import_mappings.MAPPINGS[form.cleaned_data["mapping"]],
                    source=form.cleaned_data["source"],
                    actor=actor(request),
                    owner=actor(request),
                    file_name=upload.name or "",
                    import_again=form.cleaned_data["import_again"],
                )
            except imports.ImportRefused as error:
                form.add_error("file", str(error))
            except InvalidData as error:
                add_domain_errors(form, error)
            else:
                return redirect("import-result", pk=run.pk)
    return render(
        request,
        "reports/import.html",
        {"form": form, "runs": ImportRun.objects.select_related("started_by")[:10]},
        status=400 if form.is_bound and form.errors else 200,
    )


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
