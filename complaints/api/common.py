"""What every API view shares: the acting user, the validated data, the documented refusals."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request

from accounts.models import User
from common import limits
from common.errors import ErrorCollector
from complaints import selectors
from complaints.api import fields as strict
from complaints.models import Complaint

# A complaint's reference as services.complaint_create hands it out: KL-2026-000123.
REFERENCE_PATTERN = r"KL-\d{4}-\d{6,}"


def reference_field(**kwargs: Any) -> serializers.RegexField:
    """A body field naming a complaint by its reference (the schema gives its pattern)."""
    return strict.RegexField(
        rf"^{REFERENCE_PATTERN}$",
        max_length=limits.REFERENCE,
        help_text="The complaint's reference, e.g. KL-2026-000123.",
        **kwargs,
    )


def actor(request: Request) -> User:
    """The authenticated user (IsAuthenticated has already turned anonymous callers away)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("user is not a User")
    return user


def error_responses(
    what: str = "item",
    *,
    state: str = "",
    forbidden: str = "Not allowed for this user.",
) -> dict[int, OpenApiResponse]:
    """The refusals an endpoint documents in the schema: 400, 403, 404 and, with ``state``, 409
    ("Not possible in the <state>.")."""
    responses = {
        400: OpenApiResponse(description="Invalid data: field names with messages."),
        403: OpenApiResponse(description=forbidden),
        404: OpenApiResponse(description=f"No such {what}, or not visible to this user."),
    }
    if state:
        responses[409] = OpenApiResponse(description=f"Not possible in the {state}.")
    return responses


def valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """The request's data through ``serializer_class``; 400 with field messages otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def complaint_named(request: Request, actor: User, *, source: Any = None) -> Complaint:
    """The complaint named by ``complaint`` (a reference) among those ``actor`` may see."""
    data = request.data if source is None else source
    reference = data.get("complaint") if hasattr(data, "get") else None
    errors = ErrorCollector()
    if not isinstance(reference, str) or not reference.strip():
        errors.add("complaint", _("Give the complaint's reference."))
        errors.raise_if_any()
    if not isinstance(reference, str):
        raise TypeError("reference is not a str")
    if not re.fullmatch(REFERENCE_PATTERN, reference.strip()):  # nor a NUL byte to the database
        errors.add("complaint", _("There is no complaint with this reference that you can see."))
        errors.raise_if_any()
    try:
        return selectors.complaint_get_for_user(user=actor, reference=reference.strip())
    except Http404:
        errors.add("complaint", _("There is no complaint with this reference that you can see."))
        errors.raise_if_any()
        raise


# A query parameter given without a value (``?start=``) is refused with this, unless it is
# free text: the schema types it (a date, a choice, an id), and "" is none of them. Read
# quietly as "no filter", it answered everything for what a client meant as a filter.
BLANK_MESSAGE = serializers.CharField.default_error_messages["blank"]


def query_data(request: Request) -> dict[str, str]:
    """The query parameters for a serializer, one (the last) value per name.

    A serializer reads a ``QueryDict`` as a form, where "" means "not given" for an optional
    field; as a plain dict "" reaches the field, and a date or a choice refuses it (400)."""
    return request.query_params.dict()


class FilterSet(django_filters.FilterSet):
    """A django-filter ``FilterSet`` that refuses a parameter given without a value (400),
    except a free-text one (a ``CharFilter`` without ``refuses_blank``)."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        data = self.data
        if not isinstance(data, QueryDict):
            return valid
        for name, given in self.filters.items():
            if isinstance(given, django_filters.CharFilter) and not getattr(
                given, "refuses_blank", False
            ):
                continue
            if "" in data.getlist(name):
                self.form.add_error(name, str(BLANK_MESSAGE))
        return valid and not self.form.errors
