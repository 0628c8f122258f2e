"""The privacy page of a customer (Quality and administrators): who looked at their data, a
copy to download, and erasure on request."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from common import limits
from common.errors import ActionForbidden, InvalidData, TransitionNotAllowed
from common.web import actor, add_domain_errors
from complaints import privacy
from complaints.models import AccessKind, AccessVia, Customer

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


@login_required
@require_http_methods(["GET", "POST"])
def customer_privacy(request: HttpRequest, pk: int) -> HttpResponse:
    user = _handler(request)
    customer = get_object_or_404(Customer, pk=pk)
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
            "accesses": customer.accesses.select_related("user", "complaint")[:RECENT_ACCESSES],
            "form": None if customer.erased_at else form,
            "refusal": refusal,
        },
    )


@login_required
@require_GET
def customer_privacy_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about the customer, as a JSON file to hand over."""
    user = _handler(request)
    customer = get_object_or_404(Customer, pk=pk)
    data = privacy.customer_export(customer=customer, actor=user, via=AccessVia.WEB)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    return response
