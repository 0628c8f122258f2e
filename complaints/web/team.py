"""The manager's views: the team's open complaints with owner, stage and age, and reassigning
(one complaint, or several at once)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.models import SavedFilter
from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from common.web import actor, add_domain_errors, is_htmx
from complaints import policies, selectors, services, transfers
from complaints.web import queries
from complaints.web.forms import TransferForm
from complaints.web.saved_filters import saved_filters_context
from complaints.web.team_forms import BulkTransferForm, TeamFilterForm, team_members

View = Callable[..., HttpResponse]


def manager_required(view: View) -> View:
    """403 for anyone who does not supervise a team."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not queries.supervises_a_team(actor(request)):
            raise PermissionDenied(_("Only a team's manager can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def _team_page(
    request: HttpRequest, *, bulk: BulkTransferForm | None = None, refusals: Any = ()
) -> HttpResponse:
    user = actor(request)
    now = timezone.now()
    filters = TeamFilterForm(request.GET or None, members=team_members(user))
    rows = list(
        queries.team_open_complaints(user=user, now=now, filters=filters.selector_filters())
    )
    overdue = [c for c in rows if c.urgency == queries.OVERDUE]  # type: ignore[attr-defined]
    bulk = bulk or BulkTransferForm()
    context = {
        "complaints": rows,
        "overdue": overdue,
        "now": now,
        "OVERDUE": queries.OVERDUE,
        "filter_form": filters,
        "filtered": bool(request.GET),
        "bulk_form": bulk,
        "ticked": bulk.ticked(),
        "refusals": refusals,
        **saved_filters_context(request, SavedFilter.Page.TEAM),
    }
    return render(request, "team/complaints.html", context, status=400 if refusals else 200)


@login_required
@manager_required
@require_GET
def team_complaints(request: HttpRequest) -> HttpResponse:
    """The team's open complaints, the overdue ones first and also on their own, with filters."""
    return _team_page(request)


@login_required
@manager_required
@require_POST
def team_bulk_reassign(request: HttpRequest) -> HttpResponse:
    """Give the ticked complaints to one new owner with one reason: all of them, or none."""
    form = BulkTransferForm(request.POST)
    if not form.is_valid():
        return _team_page(request, bulk=form)
    try:
        done = transfers.complaint_transfer_many(
            references=form.cleaned_data["references"],
            actor=actor(request),
            to_user=form.cleaned_data["to_user"],
            reason=form.cleaned_data["reason"],
        )
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error
    except transfers.BulkTransferRefused as error:
        return _team_page(request, bulk=form, refusals=error.refusals)
    except InvalidData as error:
        add_domain_errors(form, error)
        return _team_page(request, bulk=form)
    messages.success(
        request,
        ngettext(
            "%(count)d complaint now belongs to %(owner)s: %(references)s.",
            "%(count)d complaints now belong to %(owner)s: %(references)s.",
            len(done),
        )
        % {
            "count": len(done),
            "owner": form.cleaned_data["to_user"],
            "references": ", ".join(c.reference for c in done),
        },
    )
    query = request.GET.urlencode()
    return redirect(reverse("team-complaints") + (f"?{query}" if query else ""))


@login_required
@manager_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def team_reassign(request: HttpRequest, reference: str) -> HttpResponse:
    """Give one of the team's complaints to another owner, with a reason."""
    user = actor(request)
    complaint = selectors.complaint_get_for_user(user=user, reference=reference)
    if not policies.supervises(user, complaint):
        raise PermissionDenied(_("Only the manager of the owner's team can reassign this."))
    form = TransferForm(request.POST or None, auto_id="transfer-%s")
    form.fields["to_user"].widget.attrs["autofocus"] = True  # the one thing to do here
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_transfer(
                complaint=complaint,
                actor=user,
                to_user=form.cleaned_data["to_user"],
                reason=form.cleaned_data["reason"],
            )
        except ActionForbidden as error:
            raise PermissionDenied(str(error.message)) from error
        except TransitionNotAllowed as error:
            refusal = str(error.message)
        except InvalidData as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s now belongs to %(owner)s.")
                % {"reference": complaint.reference, "owner": form.cleaned_data["to_user"]},
            )
            return redirect(reverse("team-complaints"))
    # htmx loads the form into the list page; a plain browser opens it on its own page.
    template = "team/_reassign_form.html" if is_htmx(request) else "team/reassign.html"
    return render(
        request,
        template,
        {"complaint": complaint, "form": form, "refusal": refusal},
    )
