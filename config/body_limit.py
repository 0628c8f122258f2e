"""The largest request body the API reads (``API_MAX_BODY_BYTES``), refused before reading.

DRF reads a JSON body through Django's ``request.body``, which refuses one over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (the exception handler answers that 413 too). This middleware
refuses an API body over ``API_MAX_BODY_BYTES`` by its declared length, before anything reads
it or authenticates (right after the language is chosen, so the refusal speaks it): the API's
limit is its own, and a web form's stays Django's. A body without a length (chunked) is not
read by Django at all, so the length is the whole story.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.exceptions import body_too_large, is_api


class ApiBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0  # Django reads such a body as empty, too
            if length > settings.API_MAX_BODY_BYTES:
                return JsonResponse(body_too_large(), status=413)
        return self.get_response(request)
