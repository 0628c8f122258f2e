"""Files a customer sends through the public form or their status page: one way through.

The attachments themselves (limits, type by content, storage) are ``complaints.attachments``.
A refused file refuses the whole message, with the reason in words per file, and the form
keeps everything else the customer typed: nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from complaints import attachments
from complaints.customer_messages import customer_message_add
from complaints.models import Complaint, Interaction

SOURCES = ("public_form", "status_page")


def _incoming(files: Sequence[UploadedFile]) -> list[attachments.IncomingFile]:
    return [attachments.IncomingFile.from_upload(upload) for upload in files]


def customer_files_check(files: Sequence[UploadedFile]) -> list[str]:
    """Why these files cannot be taken, one message each (empty: all may be added)."""
    if not files:
        return []
    refused = attachments.attachments_check_all(_incoming(files))
    return [str(attachments.refusal_message(item)) for item in refused]


def customer_files_add(
    *,
    complaint: Complaint,
    files: Sequence[UploadedFile],
    source: str,
    interaction: Interaction | None = None,
) -> attachments.Added | None:
    """Attach the (checked) files to ``complaint`` (and the customer's message), if any."""
    if source not in SOURCES:
        raise ValueError(f"unknown source: {source!r}")
    if not files:
        return None
    return attachments.attachments_add(
        complaint=complaint,
        files=_incoming(files),
        interaction=interaction,
        uploaded_by=None,
        source=source,
    )


def customer_message_with_files_add(
    *, complaint: Complaint, summary: str, files: Sequence[UploadedFile], via: str
) -> Interaction:
    """The customer's message and its (checked) files, together or not at all."""
    with transaction.atomic():
        interaction = customer_message_add(complaint=complaint, summary=summary, via=via)
        customer_files_add(complaint=complaint, files=files, source=via, interaction=interaction)
    return interaction
