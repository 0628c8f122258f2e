"""Corrective actions in the web interface: the list (with the overdue ones flagged) and a form
to raise one for Quality; an action's page with its complaints, effect and history, where
Quality edits it and Quality or its owner starts, completes or drops it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import ActionForbidden, DomainError, InvalidData
from common.web import actor, add_domain_errors
from complaints.models import Complaint
from reports import actions, policies
from reports.forms import ActionForm, ActionStepForm
from reports.models import ActionStatus, CorrectiveAction


def _complaints(form: ActionForm, references: list[str]) -> list[Complaint] | None:
    found = list(Complaint.objects.filter(reference__in=set(references)))
    missing = sorted(set(references) - {c.reference for c in found})
    if missing:
        form.add_error(
            "complaints",
            _("No complaint with these references: %(refs)s.") % {"refs": ", ".join(missing)},
        )
        return None
    return found


def _get(request: HttpRequest, pk: int) -> CorrectiveAction:
    item = actions.action_list(user=actor(request)).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "POST"])
def action_list_page(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    may_raise = policies.may_manage(user)
    form = ActionForm(request.POST or None) if may_raise else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only Quality and administrators may do this."))
        if form.is_valid():
            data = dict(form.cleaned_data)
            linked = _complaints(form, data.pop("complaints"))
            if linked is not None:
                try:
                    made = actions.action_create(actor=user, complaints=linked, **data)
                except InvalidData as error:
                    add_domain_errors(form, error)
                else:
                    messages.success(request, _("The corrective action has been raised."))
                    return redirect("action-page", pk=made.pk)
    status = request.GET.get("status") or ""
    overdue = request.GET.get("overdue") == "1"
    filters: dict[str, Any] = {
        "status": status if status in ActionStatus.values else None,
        "overdue": overdue,
    }
    today = actions.local_today()
    rows = [
        (item, item.is_overdue(today)) for item in actions.action_list(user=user, filters=filters)
    ]
    return render(
        request,
        "reports/actions.html",
        {
            "rows": rows,
            "form": form,
            "statuses": ActionStatus.choices,
            "status": status,
            "overdue": overdue,
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    item = _get(request, pk)
    may_edit = policies.may_manage(user) and item.status in (
        ActionStatus.OPEN,
        ActionStatus.IN_PROGRESS,
    )
    initial = {
        "title": item.title,
        "description": item.description,
        "owner": item.owner,
        "due_on": item.due_on,
    }
    form = ActionForm(request.POST or None, initial=initial, editing=True) if may_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only Quality and administrators may do this."))
        if form.is_valid():
            try:
                actions.action_update(action=item, actor=user, **form.cleaned_data)
            except InvalidData as error:
                add_domain_errors(form, error)
            except DomainError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("The corrective action has been saved."))
                return redirect("action-page", pk=item.pk)
    may_step = item.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS) and (
        policies.may_manage(user) or item.owner_id == user.pk
    )
    return render(
        request,
        "reports/action.html",
        {
            "item": item,
            "overdue": item.is_overdue(actions.local_today()),
            "effect": actions.action_effect(action=item),
            "form": form,
            "step_form": ActionStepForm() if may_step else None,
            "events": item.events.select_related("actor"),
            "linked": item.complaints.order_by("reference"),
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def action_step_page(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Start, complete or drop; a refusal is said in words on the action's page."""
    if step not in actions.STEPS:
        raise Http404
    item = _get(request, pk)
    form = ActionStepForm(request.POST)
    text = form.data.get("text", "")
    try:
        actions.action_step(
            action=item,
            step=step,
            actor=actor(request),
            reason=text if step == "drop" else "",
            result=text if step == "complete" else "",
        )
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error
    except InvalidData:
        messages.error(request, _("Say why the action is dropped."))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The corrective action is now “%(status)s”.")
            % {"status": ActionStatus(actions.STEPS[step][1]).label},
        )
    return redirect("action-page", pk=item.pk)
