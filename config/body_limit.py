"""The largest request body the API reads (``API_MAX_BODY_BYTES``), refused before reading.

DRF reads a JSON body through Django's ``request.body``, which refuses one over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (the exception handler answers that 413 too). This middleware
refuses an API body over ``API_MAX_BODY_BYTES`` by its declared length, before anything reads
it or authenticates (right after the language is chosen, so the refusal speaks it): the API's
limit is its own, and a web form's stays Django's. A body without a length (chunked) is not
read by Django at all, so the length is the whole story.

A multipart body (files: the attachments) may be as large as the files allowed per message
(``ATTACHMENTS_MAX_BYTES``) and a little more for the other fields; a larger one is refused
the same way, under /api/ in JSON and elsewhere with a page in words, before Django spools
it to disk. Within that, the attachments service refuses per file with the file's name.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from config.exceptions import body_too_large, is_api


class ApiBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty, too
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        if multipart and length > multipart_limit():
            if is_api(request):
                return JsonResponse(body_too_large(multipart_limit()), status=413)
            context = {"limit": filesizeformat(settings.ATTACHMENTS_MAX_BYTES)}
            return render(request, "413.html", context, status=413)
        if is_api(request) and not multipart and length > settings.API_MAX_BODY_BYTES:
            return JsonResponse(body_too_large(), status=413)
        return self.get_response(request)


def multipart_limit() -> int:
    """The largest multipart body read: the files of one message and room for the rest."""
    return int(settings.ATTACHMENTS_MAX_BYTES + settings.ATTACHMENTS_BODY_OVERHEAD_BYTES)
