"""The privacy page of a customer (Quality and administrators): who looked at their data, a
copy to download, and erasure on request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from common import limits
from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from common.web import actor, add_domain_errors
from complaints import privacy, selectors
from complaints.models import (
    AccessKind,
    AccessVia,
    ComplaintEvent,
    Customer,
    DataAccess,
    EventType,
)

RECENT_ACCESSES = 50


class ErasureForm(forms.Form):
    reason = forms.CharField(
        max_length=limits.NOTE,
        label=gettext_lazy("Why"),
        help_text=gettext_lazy(
            "For example: the customer's request by email of 3 December. Do not name the customer."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _handler(request: HttpRequest) -> User:
    user = actor(request)
    try:
        privacy.check_may_handle_personal_data(user)
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error
    return user


def _detail(access: DataAccess) -> str:
    """What a search looked for ("“jans”"), or which details a change changed ("email, phone")."""
    if not access.detail:
        return ""
    if access.kind == AccessKind.CUSTOMER_CHANGED:
        names = access.detail.split(",")
        return ", ".join(privacy.customer_field_label(name) for name in names)
    return f"“{access.detail}”"


@dataclass(frozen=True)
class DetailsChange:
    at: datetime
    by: User | None
    changes: list[tuple[str, str, str]]  # field label, old value, new value
    reason: str


def _changes(customer: Customer) -> list[DetailsChange]:
    """The changes of the customer's details, newest first, as their complaints' audit trails
    hold them (each change is on every complaint the customer had then: shown once here)."""
    events = (
        ComplaintEvent.objects.filter(complaint__customer=customer, type=EventType.CUSTOMER_CHANGED)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    seen: set[tuple[datetime, int | None]] = set()
    found = []
    for event in events:
        if (event.created_at, event.actor_id) in seen:
            continue
        seen.add((event.created_at, event.actor_id))
        payload = event.payload or {}
        found.append(
            DetailsChange(
                at=event.created_at,
                by=event.actor,
                changes=[
                    (privacy.customer_field_label(name), str(values[0]), str(values[1]))
                    for name, values in (payload.get("changes") or {}).items()
                    if isinstance(values, list) and len(values) == 2
                ],
                reason=str(payload.get("reason") or ""),
            )
        )
        if len(found) == RECENT_ACCESSES:
            break
    return found


@login_required
@require_http_methods(["GET", "POST"])
def customer_privacy(request: HttpRequest, pk: int) -> HttpResponse:
    user = _handler(request)
    customer = selectors.customer_get_for_user(user=user, pk=pk)
    form = ErasureForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            privacy.customer_erase(
                customer=customer,
                actor=user,
                reason=form.cleaned_data["reason"],
                via=AccessVia.WEB,
            )
        except ActionForbidden as error:
            raise PermissionDenied(str(error.message)) from error
        except TransitionNotAllowed as error:
            refusal = str(error.message)
        except InvalidData as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("The customer's personal data has been erased."))
            return redirect("customer-privacy", pk=customer.pk)
    if request.method == "GET":
        privacy.access_record(
            actor=user, kind=AccessKind.CUSTOMER_VIEWED, via=AccessVia.WEB, customer_id=pk
        )
    return render(
        request,
        "complaints/privacy.html",
        {
            "customer": customer,
            "complaints": customer.complaints.order_by("-received_at", "-id"),
            "accesses": [
                (access, _detail(access))
                for access in customer.accesses.select_related("user", "complaint")[
                    :RECENT_ACCESSES
                ]
            ],
            "changes": _changes(customer),
            "form": None if customer.erased_at else form,
            "refusal": refusal,
        },
    )


@login_required
@require_GET
def customer_privacy_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about the customer, as a JSON file to hand over."""
    user = _handler(request)
    customer = selectors.customer_get_for_user(user=user, pk=pk)
    data = privacy.customer_export(customer=customer, actor=user, via=AccessVia.WEB)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    return response
