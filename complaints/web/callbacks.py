"""The promises side of the web interface: my callbacks today, follow-ups due, the manager's
broken promises and the notification list.

Every change goes through ``complaints.care.promises``, ``complaints.care.followups`` and
``complaints.notifications``; a refusal comes back in words as a message on the page.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from common import limits
from common.errors import ActionForbidden, DomainError
from common.web import actor, say_refusal
from complaints import notifications
from complaints.care import followups, promises
from complaints.choices import Emotion
from complaints.models import CallbackPromise, FollowUp, Notification
from complaints.models.followups import FollowUpState
from complaints.models.promises import PromiseState
from complaints.web.forms import _BLANK, _DATETIME_LOCAL, WebForm, _textarea

# --- Forms -------------------------------------------------------------------------------------


class KeepForm(WebForm):
    note = forms.CharField(
        max_length=limits.NOTE, label=gettext_lazy("What was agreed"), required=False
    )


class RescheduleForm(WebForm):
    due_at = forms.DateTimeField(
        label=gettext_lazy("New moment"),
        widget=_DATETIME_LOCAL,
        help_text=gettext_lazy("The customer did not answer: when will you try again?"),
    )
    note = forms.CharField(max_length=limits.NOTE, label=gettext_lazy("Note"), required=False)


class CancelForm(WebForm):
    reason = forms.CharField(max_length=limits.NOTE, label=gettext_lazy("Why cancel this promise"))


class FollowUpForm(WebForm):
    satisfied = forms.TypedChoiceField(
        label=gettext_lazy("Is the customer satisfied now?"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    nps = forms.TypedChoiceField(
        label=gettext_lazy("How likely would they recommend us (0–10)?"),
        choices=[("", gettext_lazy("No answer"))] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("9–10 promoter, 7–8 passive, 0–6 detractor."),
    )
    emotion_now = forms.ChoiceField(
        label=gettext_lazy("How the customer feels now"), choices=_BLANK + Emotion.choices
    )
    note = forms.CharField(
        max_length=limits.NOTE, label=gettext_lazy("Note"), required=False, widget=_textarea(2)
    )


class WaiveForm(WebForm):
    reason = forms.CharField(
        max_length=limits.NOTE,
        label=gettext_lazy("Why no follow-up"),
        help_text=gettext_lazy("For example: the customer asked not to be contacted again."),
    )


# --- Queries -----------------------------------------------------------------------------------


def _end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time.min))


def my_callbacks(*, user: User) -> QuerySet[CallbackPromise]:
    return (
        CallbackPromise.objects.filter(owner=user, state=PromiseState.SCHEDULED)
        .select_related("complaint__customer")
        .order_by("due_at", "id")
    )


def my_follow_ups(*, user: User) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(owner=user, state=FollowUpState.SCHEDULED)
        .select_related("complaint__customer")
        .order_by("due_at", "id")
    )


def broken_promises(*, user: User) -> QuerySet[CallbackPromise]:
    """Broken promises of the teams ``user`` manages (all of them for an administrator)."""
    qs = CallbackPromise.objects.filter(state=PromiseState.BROKEN)
    if not user.has_perm("complaints.view_all_complaints"):
        qs = qs.filter(Q(complaint__owner__team__manager=user) | Q(owner__team__manager=user))
    return qs.select_related("complaint__customer", "owner").order_by("-due_at", "-id")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- Pages -------------------------------------------------------------------------------------


@login_required
@require_GET
def callbacks_page(request: HttpRequest) -> HttpResponse:
    """My callbacks: missed ones first, then today's by time, then the coming week."""
    user = actor(request)
    now = timezone.now()
    end_today = _end_of_today(now)
    # Calendar days: a local midnight plus days on its own wall clock is a local midnight.
    rows = list(my_callbacks(user=user).filter(due_at__lt=end_today + timedelta(days=7)))
    for promise in rows:
        promise.reschedule_form = RescheduleForm(auto_id=f"reschedule-{promise.pk}-%s")  # type: ignore[attr-defined]
    return render(
        request,
        "callbacks/callbacks.html",
        {
            "missed": [p for p in rows if p.due_at < now],
            "today": [p for p in rows if now <= p.due_at < end_today],
            "later": [p for p in rows if p.due_at >= end_today],
            "now": now,
        },
    )


def _promise(request: HttpRequest, pk: int) -> CallbackPromise:
    promise = CallbackPromise.objects.filter(pk=pk, owner=actor(request)).first()
    if promise is None:
        # Only the owner works their callbacks here; the complaint page is for the rest.
        raise Http404
    return promise


@login_required
@require_POST
def callback_keep(request: HttpRequest, pk: int) -> HttpResponse:
    promise = _promise(request, pk)
    form = KeepForm(request.POST)
    form.is_valid()
    try:
        promises.promise_keep(
            promise=promise, actor=actor(request), note=form.cleaned_data.get("note", "")
        )
    except DomainError as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            _("Kept: the callback to %(customer)s.") % {"customer": promise.complaint.customer},
        )
    return redirect("callbacks")


@login_required
@require_POST
def callback_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    promise = _promise(request, pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, f"{_('New moment')}: {message}")
        return redirect("callbacks")
    try:
        new = promises.promise_reschedule(
            promise=promise, actor=actor(request), **form.cleaned_data
        )
    except DomainError as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            _("Logged as unreachable; the new callback is at %(moment)s.")
            % {"moment": notifications.moment_text(new.due_at)},
        )
    return redirect("callbacks")


@login_required
@require_POST
def callback_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    promise = _promise(request, pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        promises.promise_cancel(promise=promise, actor=actor(request), reason=reason)
    except DomainError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("The callback is cancelled."))
    return redirect("callbacks")


@login_required
@require_GET
def follow_ups_page(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    now = timezone.now()
    rows = list(my_follow_ups(user=user).filter(due_at__lt=_end_of_today(now) + timedelta(days=7)))
    for follow_up in rows:
        follow_up.form = FollowUpForm(auto_id=f"follow-up-{follow_up.pk}-%s")  # type: ignore[attr-defined]
        follow_up.waive_form = WaiveForm(auto_id=f"waive-{follow_up.pk}-%s")  # type: ignore[attr-defined]
    return render(
        request,
        "callbacks/follow_ups.html",
        {
            "due": [f for f in rows if f.due_at <= now],
            "coming": [f for f in rows if f.due_at > now],
        },
    )


def _follow_up(request: HttpRequest, pk: int) -> FollowUp:
    follow_up = FollowUp.objects.filter(pk=pk, owner=actor(request)).first()
    if follow_up is None:
        raise Http404
    return follow_up


@login_required
@require_POST
def follow_up_complete(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        for name, field_errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for message in field_errors:
                messages.error(request, f"{label}: {message}" if label else str(message))
        return redirect("follow-ups")
    try:
        followups.follow_up_complete(follow_up=follow_up, actor=actor(request), **form.cleaned_data)
    except DomainError as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            _("Follow-up of %(reference)s recorded; the complaint can be closed now.")
            % {"reference": follow_up.complaint.reference},
        )
    return redirect("follow-ups")


@login_required
@require_POST
def follow_up_waive(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _follow_up(request, pk)
    form = WaiveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        followups.follow_up_waive(follow_up=follow_up, actor=actor(request), reason=reason)
    except DomainError as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            _("No follow-up for %(reference)s; the complaint can be closed now.")
            % {"reference": follow_up.complaint.reference},
        )
    return redirect("follow-ups")


@login_required
@require_GET
def broken_promises_page(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if not user.has_perm("complaints.supervise_complaint"):
        raise PermissionDenied(_("Only a team's manager can open this page."))
    rows = list(broken_promises(user=user)[:200])
    return render(request, "callbacks/broken.html", {"promises": rows})


@login_required
@require_GET
def notifications_page(request: HttpRequest) -> HttpResponse:
    items: list[Any] = list(notifications.notification_list(user=actor(request))[:100])
    for item in items:
        item.title, item.text = notifications.notification_text(item.kind, item.payload)
    return render(request, "callbacks/notifications.html", {"items": items})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    item = Notification.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    try:
        notifications.notification_mark_read(notification=item, actor=actor(request))
    except ActionForbidden as error:
        raise Http404 from error  # someone else's: as if it did not exist
    if item.complaint_id and request.POST.get("open"):
        return redirect("complaint-page", item.complaint.reference)
    return redirect("notifications")


@login_required
@require_POST
def notifications_all_read(request: HttpRequest) -> HttpResponse:
    notifications.notification_mark_all_read(actor=actor(request))
    messages.success(request, _("All notifications are marked read."))
    return redirect("notifications")
