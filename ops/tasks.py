"""The request id travels with the Celery tasks a request causes.

``before_task_publish`` writes the current request id and user id into the message's headers
(whatever sends it: ``delay``, ``apply_async`` with or without its own ``headers``, a task
started by a task); ``task_prerun`` puts them back in the worker's logging context and
``task_postrun`` takes them away again. ``setup_logging`` keeps Celery from replacing Django's
LOGGING, so a worker logs in the same format (LOG_FORMAT) as the web processes.
"""

from __future__ import annotations

import contextvars
import logging.config
from typing import Any

from celery import signals

from ops.context import WorkContext, current

REQUEST_ID_HEADER = "klachtwijzer_request_id"
USER_ID_HEADER = "klachtwijzer_user_id"

# task id → the token that restores the context the task found (one per running task).
_tokens: dict[str, contextvars.Token[WorkContext | None]] = {}


@signals.before_task_publish.connect
def carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    work = current.get()
    if work is None or headers is None:
        return
    # A sender that set its own id keeps it.
    headers.setdefault(REQUEST_ID_HEADER, work.request_id)
    user_id = work.user_id
    if user_id is not None:
        headers.setdefault(USER_ID_HEADER, user_id)


def _header(request: Any, name: str) -> Any:
    # Celery puts a message's custom headers on the task's request (and, in some versions,
    # also under request.headers).
    value = getattr(request, name, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(name)
    return value


@signals.task_prerun.connect
def restore_request_id(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if task is None or task_id is None:
        return
    request_id = _header(task.request, REQUEST_ID_HEADER)
    user_id = _header(task.request, USER_ID_HEADER)
    _tokens[task_id] = current.set(
        WorkContext(
            str(request_id) if request_id is not None else None,
            user_id=user_id if isinstance(user_id, int) else None,
        )
    )


@signals.task_postrun.connect
def forget_request_id(task_id: str | None = None, **_: Any) -> None:
    token = _tokens.pop(task_id, None) if task_id is not None else None
    if token is not None:
        try:
            current.reset(token)
        except ValueError:  # set in another context (a thread pool); nothing of ours to undo
            current.set(None)


@signals.setup_logging.connect
def use_django_logging(**_: Any) -> None:
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
