"""The first middleware: answers the probes itself, and gives every other request its id, its
log line and its metrics observation.

Probes (/health/, /ready/, /metrics) are answered here, before any other middleware: no
session, no login redirect, no lockout or throttle, no CSRF, no host or HTTPS redirect check (a
load balancer asks by address, over plain HTTP), and nothing of theirs in the request metrics.

Every other request costs a dict lookup, a contextvar set (cleared when it is closed), one clock reading on each
side, one histogram observation and (with ``LOG_REQUESTS``) one log line: no query.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from ops import metrics, probes
from ops.context import WorkContext, current, request_id_from

access_log = logging.getLogger("klachtwijzer.request")

_PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/health/": probes.health,
    "/ready/": probes.ready,
    "/metrics": probes.metrics,
}


class RequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.log_requests = bool(settings.LOG_REQUESTS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = _PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        # Kept until the response is closed (request_finished), not just until this returns:
        # Django logs a 4xx/5xx answer ("Not Found: …") after the last middleware is done.
        current.set(WorkContext(request_id, request=request))
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        response["X-Request-ID"] = request_id
        view = metrics.observe_request(request, response.status_code, seconds)
        if self.log_requests:
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                # The path only: a query string may hold a customer's name (?q=).
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "view": view,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
        return response


@receiver(request_finished, dispatch_uid="ops.forget_request")
def forget_request(**_: object) -> None:
    """The request is answered and closed: its lines are written, the next ones are not its."""
    current.set(None)
