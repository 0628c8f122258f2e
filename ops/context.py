"""The request id and user id of the work in progress, for every log line it writes.

A ``contextvars`` variable, set by ``ops.middleware`` for a request and by the Celery signals in
``ops.tasks`` for a task; ``RequestContextFilter`` copies it onto each log record.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from typing import Any

from django.utils.functional import SimpleLazyObject, empty

# An incoming X-Request-ID is kept when it looks like an id (a proxy's uuid or unique-id); anything
# else (spaces, a newline that would forge a log line, a novel) gets a fresh one instead.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}")


def request_id_from(header: str | None) -> str:
    """The incoming id when it is well-formed, else a new uuid4 in hex."""
    if header is not None and _WELL_FORMED.fullmatch(header):
        return header
    return uuid.uuid4().hex


class WorkContext:
    """Who and what the current log lines belong to.

    For a request the user id is read from the request only once authentication has resolved
    it (``AuthenticationMiddleware``'s lazy user, or the user DRF put on it): a log line never
    costs a query, and /health/ never touches the database.
    """

    __slots__ = ("_request", "_user_id", "request_id")

    def __init__(
        self, request_id: str | None, *, request: Any = None, user_id: int | None = None
    ) -> None:
        self.request_id = request_id
        self._request = request
        self._user_id = user_id

    @property
    def user_id(self) -> int | None:
        if self._request is None:
            return self._user_id
        user = self._request.__dict__.get("user")
        if isinstance(user, SimpleLazyObject):
            user = user.__dict__.get("_wrapped", empty)  # not evaluated: no query for a log line
            if user is empty:
                return None
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        pk = getattr(user, "pk", None)
        return pk if isinstance(pk, int) else None


current: contextvars.ContextVar[WorkContext | None] = contextvars.ContextVar(
    "klachtwijzer_work", default=None
)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` (None outside a request or task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        work = current.get()
        record.request_id = work.request_id if work is not None else None
        record.user_id = work.user_id if work is not None else None
        return True
