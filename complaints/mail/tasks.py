"""The beat task that reads the inbound mailboxes (thin: the work is in ``imap.poll_all``)."""

from __future__ import annotations

from config.celery import app

from . import imap


@app.task(name="complaints.mail.poll", ignore_result=True)
def poll() -> dict[str, dict[str, int]]:
    """Import new mail from every configured mailbox; nothing when none is configured."""
    return imap.poll_all()
