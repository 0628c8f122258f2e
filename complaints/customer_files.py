"""Files a customer sends through the public form or their status page: one way through.

The attachments themselves (limits, type by content, storage) are ``complaints.attachments``.
While that module is not installed, every file is refused with a message in words, and the
form keeps everything else the customer typed: nothing is half-written.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from complaints.customer_messages import customer_message_add
from complaints.models import Complaint, Interaction

SOURCES = ("public_form", "status_page")


def _attachments() -> ModuleType | None:
    try:
        return importlib.import_module("complaints.attachments")
    except ImportError:
        return None


def _incoming(module: ModuleType, files: Sequence[UploadedFile]) -> list[Any]:
    return [module.IncomingFile.from_upload(upload) for upload in files]


def _reason(refused: Any) -> str:
    name = getattr(refused, "name", "") or getattr(refused, "filename", "")
    reason = str(getattr(refused, "reason", "") or getattr(refused, "message", "") or refused)
    return f"{name}: {reason}" if name else reason


def customer_files_check(files: Sequence[UploadedFile]) -> list[str]:
    """Why these files cannot be taken, one message each (empty: all may be added)."""
    if not files:
        return []
    module = _attachments()
    if module is None:
        return [
            _(
                "We cannot receive files here yet. Please send your message without the files; "
                "you can reply to our email with them later."
            )
        ]
    return [_reason(refused) for refused in module.attachments_check_all(_incoming(module, files))]


def customer_files_add(
    *,
    complaint: Complaint,
    files: Sequence[UploadedFile],
    source: str,
    interaction: Interaction | None = None,
) -> Any:
    """Attach the (checked) files to ``complaint`` (and the customer's message), if any."""
    if source not in SOURCES:
        raise ValueError(f"unknown source: {source!r}")
    if not files:
        return None
    module = _attachments()
    if module is None:  # customer_files_check refused them already
        raise RuntimeError("attachments are not installed")
    return module.attachments_add(
        complaint=complaint,
        files=_incoming(module, files),
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
