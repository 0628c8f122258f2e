"""The complaint page: the triad as a stepper, contacts, the audit trail, transfer and reopen.

Every change goes through ``complaints.workflow`` or ``complaints.services``. Their refusals
come back to the person in words: field messages next to the fields (InvalidData), a refused
step as a message on the page (TransitionNotAllowed), and the 403 page (ActionForbidden).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from complaints import policies, privacy, selectors, services, workflow
from complaints.care import followups
from complaints.choices import InteractionKind
from complaints.coulance import selectors as coulance_selectors
from complaints.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from complaints.models import (
    AccessKind,
    AccessVia,
    Complaint,
    ComplaintEvent,
    EventType,
    FollowUp,
    FollowUpState,
)
from complaints.models.coulance import unroutable_reason
from complaints.states import Stage, Transition, allowed_transitions
from complaints.web import queries
from complaints.web.common import actor, add_domain_errors, is_htmx
from complaints.web.coulance import panel_context as coulance_panel_context
from complaints.web.forms import InteractionForm, ResolveForm, TransferForm, step_form

_STAGE_INDEX = {stage.value: i for i, stage in enumerate(Stage)}


@dataclass
class Step:
    """One station of the stepper: what it is called, whether it is done, and its form."""

    key: str
    title: str | Promise
    help: str | Promise
    index: int
    status: str  # "done", "current" or "todo"
    form: forms.Form | None = None


_STEPS: list[tuple[str, Promise, Promise]] = [
    (
        Transition.UNDERSTAND.value,
        gettext_lazy("Show understanding"),
        gettext_lazy(
            "A complaint has two parts: the facts and the emotion. Sense what the customer "
            "feels – angry, frustrated, anxious, aggrieved, disappointed or businesslike – and "
            "say so in your own words. Skip this and the sting keeps dripping."
        ),
    ),
    (
        Transition.APOLOGISE.value,
        gettext_lazy("Apologise"),
        gettext_lazy(
            "Say sorry for the inconvenience, also when the company is not liable. "
            "An apology for how it feels is not an admission of fault."
        ),
    ),
    (
        Transition.SOLVE.value,
        gettext_lazy("Solve"),
        gettext_lazy(
            "Gather the facts and summarise them, explain the next steps and say how much "
            "time you need: “I'll look into it tomorrow and call you back at 15:00 – does "
            "that suit you?” Promise only what you can keep: the moment becomes a callback "
            "promise."
        ),
    ),
    (
        Transition.RESOLVE.value,
        gettext_lazy("Resolved"),
        gettext_lazy(
            "Record the outcome and the root cause. Saying no is sometimes right: judge the "
            "request by its domain and by the balance, and offer what is possible."
        ),
    ),
    (
        Transition.CLOSE.value,
        gettext_lazy("Follow-up"),
        gettext_lazy(
            "About a month later, ask how the customer feels now. Then close the complaint; "
            "reopen it if the problem is back."
        ),
    ),
]


def _steps(complaint: Complaint, forms_by_name: dict[str, forms.Form | None]) -> list[Step]:
    reached = _STAGE_INDEX[complaint.stage]
    steps = []
    for i, (key, title, help_text) in enumerate(_STEPS):
        status = "done" if reached > i else "current" if reached == i else "todo"
        steps.append(
            Step(
                key=key,
                title=title,
                help=help_text,
                index=i + 1,
                status=status,
                form=forms_by_name.get(key) if status == "current" else None,
            )
        )
    return steps


def _event_detail(event: ComplaintEvent) -> str:
    payload = event.payload or {}
    if event.type == EventType.OWNER_CHANGED:
        return f"{payload.get('from_user', '')} → {payload.get('to_user', '')}: " + str(
            payload.get("reason", "")
        )
    if event.type == EventType.COULANCE_REROUTED:
        before = payload.get("from_user") or _("nobody")
        now_waiting = payload.get("waiting_for") or unroutable_reason(payload.get("passed", []))
        return f"{before} → {now_waiting}"
    if event.type == EventType.INTERACTION_ADDED and payload.get("kind") in InteractionKind:
        return str(InteractionKind(payload["kind"]).label)
    for key in ("acknowledgement", "apology", "next_steps", "resolution_summary", "reason"):
        if payload.get(key):
            return str(payload[key])
    return str(payload.get("note", ""))


def _stage_label(value: str) -> str:
    return str(Stage(value).label) if value in Stage.values else value


@dataclass
class Closing:
    """The follow-up station: the follow-up closing waits for, or the one that ended, and
    whether this user may close now (``waiving``: only by waiving the follow-up)."""

    awaited: FollowUp | None
    ended: FollowUp | None
    may_close: bool
    waiting_text: str = ""

    @property
    def waiving(self) -> bool:
        return self.awaited is not None


def closing_for(user: Any, complaint: Complaint) -> Closing | None:
    """None before the complaint is resolved; one or two small reads after."""
    if complaint.stage not in (Stage.RESOLVED, Stage.CLOSED):
        return None
    awaited = followups.follow_up_awaited(complaint) if complaint.stage == Stage.RESOLVED else None
    ended = None
    if awaited is None:
        ended = (
            complaint.follow_ups.exclude(
                state__in=[FollowUpState.SCHEDULED, FollowUpState.CANCELLED]
            )
            .select_related("ended_by")
            .order_by("-ended_at", "-id")
            .first()
        )
    may_close = complaint.stage == Stage.RESOLVED and policies.can_work(user, complaint)
    if awaited is not None and awaited.due_at > timezone.now():  # before it is due:
        may_close = may_close and policies.supervises(user, complaint)  # a manager, waiving
    return Closing(
        awaited=awaited,
        ended=ended,
        may_close=may_close,
        waiting_text=followups.closing_waits(awaited) if awaited is not None else "",
    )


def page_context(
    request: HttpRequest,
    complaint: Complaint,
    *,
    bound: dict[str, forms.Form] | None = None,
    refusal: str = "",
) -> dict[str, Any]:
    """Everything the complaint page and its fragments show."""
    user = actor(request)
    bound = bound or {}
    may_work = policies.can_work(user, complaint)
    allowed = {t.value for t in allowed_transitions(complaint.stage)} if may_work else set()
    closing = closing_for(user, complaint)
    if closing is not None and not closing.may_close:
        allowed.discard(Transition.CLOSE.value)
    options: dict[str, dict[str, Any]] = {
        Transition.CLOSE.value: {"waiving": bool(closing and closing.waiving)}
    }
    if Transition.RESOLVE.value in allowed and not complaint.customer_contribution:
        # Asked for with the goodwill gesture: the resolve form starts from what it said.
        contribution = coulance_selectors.coulance_contribution_granted(complaint=complaint)
        if contribution:
            options[Transition.RESOLVE.value] = {"initial": {"customer_contribution": contribution}}
    step_forms: dict[str, forms.Form | None] = {
        name: bound.get(name)
        or (step_form(name, **options.get(name, {})) if name in allowed else None)
        for name in (t.value for t in Transition)
    }
    events = list(selectors.complaint_timeline(complaint=complaint))
    for event in events:
        event.detail = _event_detail(event)  # type: ignore[attr-defined]
        event.from_label = _stage_label(event.from_stage)  # type: ignore[attr-defined]
        event.to_label = _stage_label(event.to_stage)  # type: ignore[attr-defined]
    open_ = complaint.is_open
    return {
        "complaint": complaint,
        "may_work": may_work,
        "steps": _steps(complaint, step_forms),
        "closing": closing,
        "reopen_form": step_forms.get(Transition.REOPEN.value),
        "transfer_form": bound.get("transfer")
        or (TransferForm(auto_id="transfer-%s") if may_work and open_ else None),
        "interaction_form": bound.get("interaction")
        or (InteractionForm(auto_id="interaction-%s") if may_work else None),
        "refusal": refusal,
        "events": events,
        "interactions": list(selectors.complaint_interactions(complaint=complaint)),
        "now": timezone.now(),
        "overdue": open_ and Complaint.objects.filter(pk=complaint.pk).overdue().exists(),
    }


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


def render_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    extra: dict[str, Any] | None = None,
    bound: dict[str, forms.Form] | None = None,
    refusal: str = "",
) -> HttpResponse:
    """The whole complaint page: the triad, the customer's history and the coulance panel."""
    context = page_context(request, complaint, bound=bound, refusal=refusal)
    context["history"] = queries.customer_other_complaints(
        user=actor(request), customer=complaint.customer, exclude=complaint
    )
    context.update(extra or coulance_panel_context(request, complaint))
    return render(request, "complaints/detail.html", context)


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
