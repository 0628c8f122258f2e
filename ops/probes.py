"""The probes, answered by ``ops.middleware`` before any other middleware.

``/health/``: the process answers; nothing else is touched. ``/ready/``: the checks of
``ops.readiness``, 200 or 503. ``/metrics``: Prometheus' text format, when METRICS_ENABLED,
behind ``Authorization: Bearer <METRICS_TOKEN>`` when a token is set.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from prometheus_client import CONTENT_TYPE_LATEST

from ops import metrics as metric_figures
from ops.readiness import readiness

_READ_METHODS = ("GET", "HEAD")


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _refusal(request: HttpRequest, status: int) -> HttpResponse:
    """A refusal in words, in the asker's language (the probes run before LocaleMiddleware)."""
    with translation.override(translation.get_language_from_request(request)):
        if status == 405:
            detail = _("Only GET and HEAD are allowed here.")
        elif status == 401:
            detail = _("A valid bearer token is needed to read the metrics.")
        else:
            detail = _("Not found.")
        response = JsonResponse({"detail": detail}, status=status)
    if status == 405:
        response["Allow"] = ", ".join(_READ_METHODS)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return _no_store(response)


def health(request: HttpRequest) -> HttpResponse:
    if request.method not in _READ_METHODS:
        return _refusal(request, 405)
    return _no_store(JsonResponse({"status": "ok"}))


def ready(request: HttpRequest) -> HttpResponse:
    if request.method not in _READ_METHODS:
        return _refusal(request, 405)
    is_ready, body = readiness()
    return _no_store(JsonResponse(body, status=200 if is_ready else 503))


def _token_ok(request: HttpRequest) -> bool:
    expected: str = settings.METRICS_TOKEN
    if not expected:
        return True
    scheme, _sep, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), expected.encode()
    )


def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_ENABLED:
        return _refusal(request, 404)
    if request.method not in _READ_METHODS:
        return _refusal(request, 405)
    if not _token_ok(request):
        return _refusal(request, 401)
    return _no_store(HttpResponse(metric_figures.exposition(), content_type=CONTENT_TYPE_LATEST))
