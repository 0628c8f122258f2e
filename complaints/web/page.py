"""The complaint page as it is shown: the triad as a stepper, closing, the audit trail, the
customer's other complaints and the coulance panel. The views that change a complaint (here and
in ``web.coulance``) render it through ``render_page``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.web import actor
from complaints import policies, privacy, selectors
from complaints.care import followups
from complaints.choices import InteractionKind
from complaints.coulance import selectors as coulance_selectors
from complaints.models import (
    Complaint,
    ComplaintEvent,
    EventType,
    FollowUp,
    FollowUpState,
)
from complaints.models.coulance import unroutable_reason
from complaints.states import Stage, Transition, allowed_transitions
from complaints.web import queries
from complaints.web.answer import answer_form_for
from complaints.web.coulance_panel import panel_context as coulance_panel_context
from complaints.web.forms import InteractionForm, TransferForm, step_form

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
    if event.type == EventType.CUSTOMER_CHANGED:
        changed = "; ".join(
            f"{privacy.customer_field_label(name)}: {values[0] or '–'} → {values[1] or '–'}"
            for name, values in (payload.get("changes") or {}).items()
            if isinstance(values, list) and len(values) == 2
        )
        return f"{changed} ({payload['reason']})" if payload.get("reason") else changed
    if event.type == EventType.ATTACHMENTS_ADDED:
        names = [str(f.get("name", "")) for f in payload.get("stored") or []]
        refused = [str(f.get("name", "")) for f in payload.get("refused") or []]
        if refused:
            names.append(_("refused: %(names)s") % {"names": ", ".join(refused)})
        return ", ".join(names)
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
    attachment_refusal: str = "",
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
    answer_form, answer_blocked = answer_form_for(complaint, user) if may_work else (None, "")
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
        "answer_form": bound.get("answer") or answer_form,
        "answer_blocked": answer_blocked,
        "refusal": refusal,
        "events": events,
        "interactions": list(selectors.complaint_interactions(complaint=complaint)),
        "attachments": list(selectors.complaint_attachments(complaint=complaint)),
        "attachment_refusal": attachment_refusal,
        "attachment_limits": {
            "per_file": settings.ATTACHMENT_MAX_BYTES,
            "per_message": settings.ATTACHMENTS_MAX_BYTES,
        },
        "now": timezone.now(),
    }


def render_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    extra: dict[str, Any] | None = None,
    bound: dict[str, forms.Form] | None = None,
    refusal: str = "",
    attachment_refusal: str = "",
) -> HttpResponse:
    """The whole complaint page: the triad, the customer's history and the coulance panel."""
    context = page_context(
        request, complaint, bound=bound, refusal=refusal, attachment_refusal=attachment_refusal
    )
    context["history"] = queries.customer_other_complaints(
        user=actor(request), customer=complaint.customer, exclude=complaint
    )
    context.update(extra or coulance_panel_context(request, complaint))
    return render(request, "complaints/detail.html", context)
