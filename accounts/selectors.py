"""Reads on accounts: a user's API tokens and saved filters."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import ApiToken, SavedFilter, User


def token_list(*, user: User, now: datetime | None = None) -> QuerySet[ApiToken]:
    """The user's tokens that still open the API (neither revoked nor expired), newest first."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires__gt=now or timezone.now()
    ).order_by("-created", "-id")


def token_get_for_user(*, user: User, pk: int, now: datetime | None = None) -> ApiToken:
    """One of the user's own active tokens; 404 for anyone else's, or a revoked or expired one."""
    found = token_list(user=user, now=now).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def saved_filter_list(*, user: User, page: str) -> QuerySet[SavedFilter]:
    """The filters ``user`` saved on ``page``, by name."""
    return SavedFilter.objects.filter(user=user, page=page).order_by("name", "id")


def saved_filter_get_for_user(*, user: User, pk: int) -> SavedFilter:
    """One of the user's own saved filters; 404 for anyone else's."""
    found = SavedFilter.objects.filter(user=user, pk=pk).first()
    if found is None:
        raise Http404
    return found
