"""The complaint page: the triad as a stepper, contacts, the audit trail, transfer and reopen.

Every change goes through ``complaints.workflow`` or ``complaints.services``. Their refusals
come back to the person in words: field messages next to the fields (InvalidData), a refused
step as a message on the page (TransitionNotAllowed), and the 403 page (ActionForbidden).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from common.web import actor, add_domain_errors, is_htmx
from complaints import policies, privacy, selectors, services, workflow
from complaints.care import followups
from complaints.mail import outbound
from complaints.models import (
    AccessKind,
    AccessVia,
    Complaint,
)
from complaints.states import Transition
from complaints.web.answer import AnswerForm
from complaints.web.forms import InteractionForm, ResolveForm, TransferForm, step_form
from complaints.web.page import Step, page_context, render_page


def _get(request: HttpRequest, reference: str) -> Complaint:
    return selectors.complaint_get_for_user(user=actor(request), reference=reference)


@login_required
@require_GET
def complaint_detail(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _get(request, reference)
    privacy.access_record(
        actor=actor(request),
        kind=AccessKind.COMPLAINT_VIEWED,
        via=AccessVia.WEB,
        customer_id=complaint.customer_id,
        complaint_id=complaint.pk,
    )
    return render_page(request, complaint)


def _focus_next_step(steps: list[Step]) -> None:
    """Put the keyboard on the next step's first field (htmx focuses ``autofocus`` after a swap).

    Without it the submit button vanishes with the swap and focus falls back to the page's start.
    """
    for step in steps:
        if step.status == "current" and step.form is not None:
            first = next(iter(step.form.fields.values()), None)
            if first is not None:
                first.widget.attrs["autofocus"] = True
            return


def _respond(
    request: HttpRequest,
    complaint: Complaint,
    *,
    bound: dict[str, forms.Form] | None = None,
    refusal: str = "",
    done: str = "",
) -> HttpResponse:
    """After a POST: htmx gets the changed parts; a plain browser gets the page.

    Success and refusals without a form to correct redirect (POST/redirect/GET); a form with
    field errors is shown again as it was typed.
    """
    if is_htmx(request):
        try:
            fresh = _get(request, complaint.reference)
        except Http404:  # handed to someone this user may not see: the page is gone for them
            if done:
                messages.info(request, done)
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("home")
            return response
        context = page_context(request, fresh, bound=bound, refusal=refusal)
        context["done"] = done
        if done:
            _focus_next_step(context["steps"])
        return render(request, "complaints/_changed.html", context)
    if bound and not done:
        return render_page(request, complaint, bound=bound, refusal=refusal)
    if refusal:
        messages.error(request, refusal)
    if done:
        messages.success(request, done)
    return redirect(_next_url(request, complaint))


def _forbidden(request: HttpRequest, complaint: Complaint, error: ActionForbidden) -> HttpResponse:
    """403. A plain browser gets the 403 page; htmx gets the complaint part with the reason
    on it (base.html tells htmx to swap a 403), so the person sees why nothing happened."""
    if not is_htmx(request):
        raise PermissionDenied(str(error.message))
    context = page_context(request, complaint, refusal=str(error.message))
    return render(request, "complaints/_changed.html", context, status=403)


def _next_url(request: HttpRequest, complaint: Complaint) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    if selectors.complaint_visible(user=actor(request)).filter(pk=complaint.pk).exists():
        return reverse("complaint-page", args=[complaint.reference])
    return reverse("home")


_DONE = {
    Transition.UNDERSTAND: gettext_lazy("Understanding recorded. Next: apologise."),
    Transition.APOLOGISE: gettext_lazy("Apology recorded. Next: solve."),
    Transition.SOLVE: gettext_lazy("Solution and promised moment recorded."),
    Transition.RESOLVE: gettext_lazy("The complaint is resolved. Follow up in about a month."),
    Transition.CLOSE: gettext_lazy("The complaint is closed."),
    Transition.REOPEN: gettext_lazy("The complaint is reopened and back in solving."),
}


@login_required
@require_POST
def complaint_transition(request: HttpRequest, reference: str, transition: str) -> HttpResponse:
    """Take one step of the workflow with the data of its form."""
    try:
        step = Transition(transition)
    except ValueError:
        raise Http404 from None
    complaint = _get(request, reference)
    user = actor(request)
    options = {}
    if step == Transition.CLOSE:
        options["waiving"] = followups.follow_up_awaited(complaint) is not None
    form = step_form(step.value, request.POST, **options)
    try:
        # Refuse for the person or the stage before judging the data, as the API does.
        workflow.check_allowed(complaint, actor=user, transition=step)
        if not form.is_valid():
            return _respond(request, complaint, bound={step.value: form})
        # None for an optional moment means "now" to the workflow.
        data = form.step_data() if isinstance(form, ResolveForm) else dict(form.cleaned_data)
        complaint = workflow.run(step, complaint, actor=user, **data)
    except ActionForbidden as error:
        return _forbidden(request, complaint, error)
    except TransitionNotAllowed as error:
        return _respond(request, complaint, refusal=str(error.message))
    except InvalidData as error:
        add_domain_errors(form, error)
        return _respond(request, complaint, bound={step.value: form})
    return _respond(request, complaint, done=str(_DONE[step]))


@login_required
@require_POST
def complaint_transfer(request: HttpRequest, reference: str) -> HttpResponse:
    """Hand the complaint to another owner, with a reason (logged)."""
    complaint = _get(request, reference)
    user = actor(request)
    form = TransferForm(request.POST, auto_id="transfer-%s")
    try:
        policies.ensure_can_work(user, complaint)  # 403 whatever the data
        if not form.is_valid():
            return _respond(request, complaint, bound={"transfer": form})
        complaint = services.complaint_transfer(
            complaint=complaint,
            actor=user,
            to_user=form.cleaned_data["to_user"],
            reason=form.cleaned_data["reason"],
        )
    except ActionForbidden as error:
        return _forbidden(request, complaint, error)
    except TransitionNotAllowed as error:
        return _respond(request, complaint, refusal=str(error.message))
    except InvalidData as error:
        add_domain_errors(form, error)
        return _respond(request, complaint, bound={"transfer": form})
    done = _("%(reference)s now belongs to %(owner)s.") % {
        "reference": complaint.reference,
        "owner": complaint.owner,
    }
    return _respond(request, complaint, done=done)


@login_required
@require_POST
def complaint_interaction(request: HttpRequest, reference: str) -> HttpResponse:
    """Add a call, an email, a note… to the complaint."""
    complaint = _get(request, reference)
    user = actor(request)
    form = InteractionForm(request.POST, auto_id="interaction-%s")
    try:
        policies.ensure_can_work(user, complaint)
        if not form.is_valid():
            return _respond(request, complaint, bound={"interaction": form})
        services.interaction_add(complaint=complaint, actor=user, **form.cleaned_data)
    except ActionForbidden as error:
        return _forbidden(request, complaint, error)
    except InvalidData as error:
        add_domain_errors(form, error)
        return _respond(request, complaint, bound={"interaction": form})
    return _respond(request, complaint, done=_("Added to the complaint's contacts."))


@login_required
@require_POST
def complaint_answer(request: HttpRequest, reference: str) -> HttpResponse:
    """Send the typed message to the customer by email."""
    user = actor(request)
    complaint = _get(request, reference)
    form = AnswerForm(request.POST, auto_id="answer-%s")
    try:
        outbound.check_may_answer(complaint, user)
        if not form.is_valid():
            return _respond(request, complaint, bound={"answer": form})
        outbound.customer_answer_send(complaint=complaint, actor=user, **form.cleaned_data)
    except ActionForbidden as error:
        return _forbidden(request, complaint, error)
    except TransitionNotAllowed as error:
        return _respond(request, complaint, refusal=str(error.message))
    except InvalidData as error:
        add_domain_errors(form, error)
        return _respond(request, complaint, bound={"answer": form})
    done = _("Sent to %(address)s; it is in the contacts as an email to the customer.") % {
        "address": complaint.customer.email
    }
    return _respond(request, complaint, done=done)
