"""The manager's views: the team's open complaints with owner, stage and age, and reassigning."""

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
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from common.web import actor, add_domain_errors, is_htmx
from complaints import policies, selectors, services
from complaints.web import queries
from complaints.web.forms import TransferForm

View = Callable[..., HttpResponse]


def manager_required(view: View) -> View:
    """403 for anyone who does not supervise a team."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not queries.supervises_a_team(actor(request)):
            raise PermissionDenied(_("Only a team's manager can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@manager_required
@require_GET
def team_complaints(request: HttpRequest) -> HttpResponse:
    """The team's open complaints, the overdue ones first and also on their own."""
    now = timezone.now()
    rows = list(queries.team_open_complaints(user=actor(request), now=now))
    overdue = [c for c in rows if c.urgency == queries.OVERDUE]  # type: ignore[attr-defined]
    return render(
        request,
        "team/complaints.html",
        {"complaints": rows, "overdue": overdue, "now": now, "OVERDUE": queries.OVERDUE},
    )


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
