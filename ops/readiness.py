"""The readiness checks: can this process do its work right now?

Each check answers ``{"status": "ok" | "fail" | "skipped", ...}`` with nothing sensitive in it:
no host names, no URLs, no counts of customers or complaints. What went wrong in detail goes to
the log, which only operators read.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

log = logging.getLogger(__name__)

Result = dict[str, Any]


def _failed(check: str, error: str) -> Result:
    log.warning("readiness: %s failed", check, exc_info=True)
    return {"status": "fail", "error": error}


def check_database() -> Result:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return _failed("database", "unreachable")
    return {"status": "ok"}


def check_broker() -> Result:
    """A fresh connection to CELERY_BROKER_URL within READY_BROKER_TIMEOUT_SECONDS (Redis and
    RabbitMQ: a real connection and, for Redis, a PING; the embedded filesystem broker: its
    folders are there and writable)."""
    from config.celery import app

    timeout = settings.READY_BROKER_TIMEOUT_SECONDS
    transport_options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    try:
        with app.connection_for_write(
            url=settings.CELERY_BROKER_URL,
            connect_timeout=timeout,
            transport_options=transport_options
            | {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        ) as broker:
            broker.ensure_connection(max_retries=0, timeout=math.ceil(timeout))  # once, no retry
            if broker.transport_cls == "filesystem":
                for key in ("data_folder_in", "data_folder_out"):
                    if not os.access(transport_options.get(key, "."), os.W_OK | os.X_OK):
                        raise OSError(f"the broker's {key} is not a writable folder")
    except Exception:
        return _failed("broker", "unreachable")
    return {"status": "ok"}


def check_migrations() -> Result:
    """Every migration of this code is applied (an empty plan to the graph's leaves)."""
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        return _failed("migrations", "unreadable")
    if plan:
        log.warning("readiness: %d migrations not applied", len(plan))
        return {"status": "fail", "error": "unapplied", "unapplied": len(plan)}
    return {"status": "ok", "unapplied": 0}


def _age_check(name: str, read: Callable[[datetime], int], limit: int, now: datetime) -> Result:
    try:
        age = read(now)
    except Exception:
        return _failed(name, "unreadable")
    # A limit of 0 reports the age but never fails on it.
    too_old = limit > 0 and age > limit
    return {
        "status": "fail" if too_old else "ok",
        **({"error": "too_old"} if too_old else {}),
        "oldest_age_seconds": age,
        "max_age_seconds": limit,
    }


def check_inbound_mail() -> Result:
    """Inbound mail is "off" without INBOUND_MAILBOXES (never a failure: the system runs
    without a mail server); with mailboxes, how many are configured. Whether a mailbox answers
    is the poll's business (it logs), not a reason to take this process out of service."""
    mailboxes = getattr(settings, "INBOUND_MAILBOXES", [])
    if not mailboxes:
        return {"status": "off"}
    return {"status": "ok", "mailboxes": len(mailboxes)}


def readiness(now: datetime | None = None) -> tuple[bool, Result]:
    """Whether the process is ready, and the body that says why (or why not)."""
    from complaints.scheduling import backlog

    now = now or timezone.now()
    checks: dict[str, Result] = {"database": check_database(), "broker": check_broker()}
    if checks["database"]["status"] == "ok":
        checks["migrations"] = check_migrations()
        checks["due_jobs"] = _age_check(
            "due_jobs", backlog.oldest_due_job_age, settings.READY_MAX_DUE_AGE_SECONDS, now
        )
        checks["outbox"] = _age_check(
            "outbox", backlog.oldest_email_age, settings.READY_MAX_EMAIL_AGE_SECONDS, now
        )
    else:  # nothing else can be read without it
        for name in ("migrations", "due_jobs", "outbox"):
            checks[name] = {"status": "skipped"}
    checks["inbound_mail"] = check_inbound_mail()
    failing = [name for name, result in checks.items() if result["status"] == "fail"]
    ready = not failing
    return ready, {"status": "ok" if ready else "fail", "failing": failing, "checks": checks}
