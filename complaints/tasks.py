"""Celery tasks of the complaints app: thin, by id, safe to run twice."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import Task, shared_task

from complaints.coulance import letter_services, routing

# Transport errors are worth retrying; anything else is a bug and fails the letter at once.
TRANSPORT_ERRORS = (smtplib.SMTPException, OSError)


class _LetterTask(Task):  # type: ignore[type-arg]
    def on_failure(
        self,
        exc: Exception,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: Any,
    ) -> None:
        """After the last retry (or a non-transport error) show the letter as failed."""
        letter_id = kwargs.get("letter_id", args[0] if args else None)
        if letter_id is not None:
            letter_services.coulance_letter_delivery_failed(
                letter_id=int(letter_id), error=f"{type(exc).__name__}: {exc}"
            )


@shared_task(
    base=_LetterTask,
    autoretry_for=TRANSPORT_ERRORS,
    retry_backoff=letter_services.RETRY_BACKOFF_SECONDS,
    retry_backoff_max=letter_services.RETRY_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=letter_services.MAX_RETRIES,
    acks_late=True,
)
def send_coulance_letter(letter_id: int) -> bool:
    """Email a frozen coulance letter; a second run finds it claimed or sent and does nothing."""
    return letter_services.coulance_letter_deliver(letter_id=letter_id)


@shared_task(name="complaints.coulance.resend_lost_letters", ignore_result=True)
def resend_lost_letters() -> int:
    """Beat's sweep: queued letters whose broker message never came or was lost go again, and
    letters whose sending was never confirmed go again after a timeout (or fail)."""
    unconfirmed = letter_services.coulance_letters_retry_unconfirmed()
    return len(letter_services.coulance_letters_resend_lost()) + len(unconfirmed["retried"])


@shared_task(name="complaints.coulance.reroute", ignore_result=True)
def reroute_coulance() -> int:
    """Re-route pending coulance requests whose approver changed outside the admin (a shell,
    a script, a role given through the group's page); the admin's saves do it at once."""
    return len(routing.reroute_pending(cause=routing.APPROVERS))
