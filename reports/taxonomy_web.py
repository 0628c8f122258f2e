"""The root-cause taxonomy in the web interface, for Quality: the tree with usage, a form for a
new group or cause, editing names and descriptions, retiring, reactivating, and deleting a
node nothing uses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import ActionForbidden, DomainError, InvalidData
from common.web import actor, add_domain_errors
from complaints.models import RootCause
from reports import taxonomy
from reports.forms import RootCauseEditForm, RootCauseForm


def _manager(request: HttpRequest) -> None:
    try:
        taxonomy.check_may_manage(actor(request))
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error


@login_required
@require_http_methods(["GET", "POST"])
def taxonomy_page(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = RootCauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = taxonomy.root_cause_create(actor=actor(request), **form.cleaned_data)
        except InvalidData as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” has been added.") % {"name": made.name_en})
            return redirect("taxonomy")
    return render(
        request,
        "reports/taxonomy.html",
        {"tree": taxonomy.taxonomy_tree(), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def taxonomy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    node = get_object_or_404(RootCause.objects.select_related("parent"), pk=pk)
    initial = {"name_nl": node.name_nl, "name_en": node.name_en, "description": node.description}
    form = RootCauseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            taxonomy.root_cause_update(root_cause=node, actor=actor(request), **form.cleaned_data)
        except InvalidData as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The root cause has been saved."))
            return redirect("taxonomy")
    return render(
        request,
        "reports/taxonomy_edit.html",
        {"node": node, "form": form, "in_use": taxonomy.in_use(node)},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def taxonomy_change(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    """Retire, reactivate or delete; a refusal comes back as a message in words."""
    _manager(request)
    node = get_object_or_404(RootCause, pk=pk)
    user = actor(request)
    try:
        if change == "retire":
            taxonomy.root_cause_set_active(root_cause=node, actor=user, active=False)
            messages.success(request, _("Retired: no longer offered for new complaints."))
        elif change == "reactivate":
            taxonomy.root_cause_set_active(root_cause=node, actor=user, active=True)
            messages.success(request, _("Offered again for new complaints."))
        elif change == "delete":
            taxonomy.root_cause_delete(root_cause=node, actor=user)
            messages.success(request, _("Deleted."))
        else:
            raise PermissionDenied
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("taxonomy")
