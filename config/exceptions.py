"""How the API refuses: the one DRF exception handler (domain errors become 409/403/400 with
messages in words), and Django's error views, which answer in the same JSON under /api/ and
with the site's pages elsewhere.

Every refusal under /api/ is a JSON object: ``{"detail": "...", "code": "..."}``, or for invalid
data each field's name with its messages. Django's own error views would answer HTML there:
a 500 from an exception in a view, a 400 for a body over Django's upload limit, a 404 or 403
raised outside DRF. ``handler400``…``handler500`` in ``config.urls`` point here.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import DomainError, InvalidData

API_PREFIX = "/api/"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InvalidData):
        return Response(
            {field: [str(m) for m in messages] for field, messages in exc.errors.items()},
            status=exc.status_code,  # 400; 413 for TooLarge
        )
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc.message), "code": exc.code}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        data = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        # DRF reads a JSON body through ``request.body``, where Django's
        # DATA_UPLOAD_MAX_MEMORY_SIZE refuses it: a 413, not Django's 400 page.
        return Response(body_too_large(), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, Throttled):
        # DRF's handler has set Retry-After; the body says the same in words (DRF's own Dutch
        # text is half English), with a code to act on.
        wait: float | None = getattr(exc, "wait", None)  # set in __init__; not in the stubs
        seconds = math.ceil(wait or 1)
        message = ngettext(
            "Too many requests; try again in %(seconds)d second.",
            "Too many requests; try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
        response.data = {"detail": message, "code": "throttled"}
    if response is not None and isinstance(response.data, list):
        # A ValidationError without a field (a bare list): as a serializer's own non-field
        # errors, so that every 400 is an object of messages, as the schema says.
        response.data = {"non_field_errors": response.data}
    return response


def body_too_large(limit: int | None = None) -> dict[str, str]:
    """The 413's body: the largest body the API reads (or ``limit``), in words."""
    if limit is None:
        limit = min(settings.API_MAX_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2**63)
    return {
        "detail": _("The request body is too large: at most %(limit)s bytes are read.")
        % {"limit": formats.number_format(limit, force_grouping=True)},
        "code": "body_too_large",
    }


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _refusal(detail: str, code: str, status_code: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (a SuspiciousOperation, e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(body_too_large(), status=413)
    return _refusal(_("The request could not be understood."), "bad_request", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return _refusal(_("You are not allowed to do this."), "forbidden", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return _refusal(_("Not found."), "not_found", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """An exception in a view: logged by Django (with its traceback), answered without it."""
    if not is_api(request):
        return defaults.server_error(request)
    return _refusal(
        _("The server could not finish this request; the error has been logged."),
        "server_error",
        500,
    )
