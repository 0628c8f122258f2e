"""The one DRF exception handler: domain errors become 409/403/400 with messages in words."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import ngettext
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import DomainError, InvalidData


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InvalidData):
        return Response(
            {field: [str(m) for m in messages] for field, messages in exc.errors.items()},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc.message), "code": exc.code}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        data = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
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
