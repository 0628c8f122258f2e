"""What a sign-in locked out by django-axes answers, and who the client is.

Axes counts the failures of every ``authenticate(request=...)`` call by user and address and
refuses the next ones (settings: ``LOGIN_FAILURE_LIMIT``, ``LOGIN_COOLOFF_MINUTES``). Its
middleware turns a request flagged as locked out into the answer built here: the page in
words for a person, JSON in the API's error shape for ``/api/``, both 429 with Retry-After.

A DRF view hands ``authenticate`` its own request object, a wrapper around Django's; axes then
flags the wrapper, which the middleware never sees. ``carry_lockout_to_django_request`` (on
axes' ``user_locked_out`` signal) copies the flag through, so any API view that signs in with a
username and password is covered, whatever it answers itself.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

LOCKED_OUT_CODE = "locked_out"


def client_address(request: HttpRequest | Request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the client's address as the API's throttles see it (DRF's
    ``NUM_PROXIES`` rule): REMOTE_ADDR, or with trusted proxies the X-Forwarded-For entry the
    nearest one added. One rule, so a lockout and a throttle never disagree on who called."""
    drf_request: Any = request  # get_ident reads only .headers and .META, which both have
    ident: str | None = BaseThrottle().get_ident(drf_request)
    return ident


def carry_lockout_to_django_request(sender: Any, request: Any = None, **kwargs: Any) -> None:
    """Receiver of ``axes.signals.user_locked_out``: flag Django's request under DRF's."""
    if isinstance(request, Request):
        django_request = request._request
        django_request.axes_locked_out = True  # type: ignore[attr-defined]
        django_request.axes_credentials = getattr(request, "axes_credentials", None)  # type: ignore[attr-defined]


def _lock_ends(request: HttpRequest, credentials: dict[str, Any] | None) -> datetime:
    """When the lock of this user and address ends: the cool-off after the last failure."""
    cool_off = get_cool_off(request) or timedelta(0)
    last: datetime | None = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=client_address(request),
    ).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + cool_off


def lockout_message(minutes: int) -> str:
    return ngettext(
        "Too many failed sign-ins; try again in %(minutes)d minute or ask an administrator.",
        "Too many failed sign-ins; try again in %(minutes)d minutes or ask an administrator.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: 429 with the minutes left, as JSON under /api/, else a page."""
    seconds = max(1, math.ceil((_lock_ends(request, credentials) - timezone.now()).total_seconds()))
    minutes = math.ceil(seconds / 60)
    message = lockout_message(minutes)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": LOCKED_OUT_CODE}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response
