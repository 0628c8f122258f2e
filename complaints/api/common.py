"""What every API view shares: the acting user and the validated data of a request."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.request import Request

from accounts.models import User
from complaints import selectors
from complaints.errors import ErrorCollector
from complaints.models import Complaint


def actor(request: Request) -> User:
    """The authenticated user (IsAuthenticated has already turned anonymous callers away)."""
    user = request.user
    assert isinstance(user, User)
    return user


def valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
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
    assert isinstance(reference, str)
    try:
        return selectors.complaint_get_for_user(user=actor, reference=reference.strip())
    except Http404:
        errors.add("complaint", _("There is no complaint with this reference that you can see."))
        errors.raise_if_any()
        raise
