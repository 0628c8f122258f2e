"""My work (the agent's home) and logging a new complaint."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from accounts.models import SavedFilter
from common.errors import ActionForbidden, InvalidData
from common.web import actor, add_domain_errors, is_htmx
from complaints import privacy, selectors, services
from complaints.models import AccessVia, Customer
from complaints.states import Stage
from complaints.web import queries
from complaints.web.forms import NewComplaintForm, WorkFilterForm
from complaints.web.saved_filters import saved_filters_context

LIST_LIMIT = 200
SEARCH_LIMIT = selectors.SEARCH_LIMIT
SEARCH_TERM_MAX = 100  # as the API's ``search``


@login_required
@require_GET
@vary_on_headers("HX-Request")
def my_work(request: HttpRequest) -> HttpResponse:
    """My open complaints grouped by stage, overdue and due today first, with filters."""
    user = actor(request)
    now = timezone.now()
    form = WorkFilterForm(request.GET or None)
    filters = form.selector_filters(user=user)
    qs = queries.work_list(user=user, filters=filters, now=now)
    counts = queries.stage_counts(qs)
    rows = list(qs[: LIST_LIMIT + 1])
    truncated = len(rows) > LIST_LIMIT
    rows = rows[:LIST_LIMIT]
    groups = [
        {
            "stage": stage,
            "count": counts.get(stage.value, 0),
            "complaints": [c for c in rows if c.stage == stage.value],
        }
        for stage in Stage
        if stage.value in filters["stage"]
    ]
    context = {
        "form": form,
        "groups": groups,
        "total": sum(counts.values()),
        "truncated": truncated,
        "limit": LIST_LIMIT,
        "filtered": bool(request.GET),
        **saved_filters_context(request, SavedFilter.Page.MY_WORK),
    }
    # htmx asks for the results only, except when it restores a page from history.
    partial = is_htmx(request) and not request.headers.get("HX-History-Restore-Request")
    template = "complaints/_work_results.html" if partial else "complaints/my_work.html"
    return render(request, template, context)


def _customer_matches(request: HttpRequest, q: str) -> list[Customer]:
    """The customers found for ``q`` (none below 3 characters), recorded as a search on each
    one shown."""
    term = q.replace("\x00", "").strip()[:SEARCH_TERM_MAX]  # a NUL reaches no database
    if len(term) < selectors.SEARCH_MIN_LENGTH:
        return []
    user = actor(request)
    found = selectors.customer_search(user=user, term=term)
    shown = found[:SEARCH_LIMIT]
    privacy.searches_record(
        actor=user, via=AccessVia.WEB, term=term, customer_ids=[c.pk for c in shown]
    )
    return shown


def _results_context(q: str, matches: list[Customer], selected: Customer | None) -> dict[str, Any]:
    return {
        "matches": matches,
        "q": q,
        "selected": selected,
        "too_short": 0 < len(q.strip()) < selectors.SEARCH_MIN_LENGTH,
        "min_length": selectors.SEARCH_MIN_LENGTH,
    }


@login_required
@require_GET
def customer_search(request: HttpRequest) -> HttpResponse:
    """The customers matching what was typed so far: the intake form's picker (htmx)."""
    q = request.GET.get("customer_q", "")
    return render(
        request,
        "complaints/_customer_results.html",
        _results_context(q, _customer_matches(request, q), None),
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """One form for the customer and the complaint; the saved complaint opens on its page."""
    user = actor(request)
    customers: QuerySet[Customer] = selectors.customer_pickable(user=user)
    q = request.GET.get("customer_q", "")
    if request.method != "POST":
        form = NewComplaintForm(customers=customers)
        return _render_new(request, form, q=q)

    form = NewComplaintForm(request.POST, customers=customers)
    if form.is_valid():
        try:
            # One transaction: a refused complaint must not leave a new customer behind.
            with transaction.atomic():
                customer = form.cleaned_data["customer"] or services.customer_create(
                    actor=user, **form.customer_data()
                )
                complaint = services.complaint_create(
                    customer=customer, actor=user, **form.complaint_data()
                )
        except InvalidData as error:
            add_domain_errors(form, error, rename=NewComplaintForm.CUSTOMER_FIELDS)
        except ActionForbidden as error:
            raise PermissionDenied(str(error.message)) from error
        else:
            messages.success(
                request,
                _("Complaint %(reference)s is logged. You own it.")
                % {"reference": complaint.reference},
            )
            return redirect(reverse("complaint-page", args=[complaint.reference]))
    return _render_new(request, form, q=request.POST.get("customer_q", ""))


def _render_new(request: HttpRequest, form: NewComplaintForm, *, q: str) -> HttpResponse:
    matches = _customer_matches(request, q)
    selected = form.cleaned_data.get("customer") if form.is_bound and form.is_valid() else None
    if form.is_bound and selected is None:
        # Keep the picked customer on screen when the form comes back with errors.
        picked = form.data.get("customer")
        if picked and str(picked).isdigit():
            pickable = selectors.customer_pickable(user=actor(request))
            selected = pickable.filter(pk=picked).first()
    if selected is not None and selected not in matches:
        matches = [selected, *matches]
    return render(
        request,
        "complaints/new.html",
        {"form": form, **_results_context(q, matches, selected)},
    )
