"""The one place where an email's attachment parts are handed to the attachments store.

``complaints.attachments.attachments_add`` is built on another branch; until it is there the
parts are only listed (name, claimed type, size) on the ``InboundEmail`` row. Once it exists the
files are stored, within the import's transaction, and the row's list says which were refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from complaints.mail.parse import MailPart
from complaints.models import Complaint, InboundEmail, Interaction


def store_attachments(
    *,
    complaint: Complaint,
    interaction: Interaction | None,
    parts: Sequence[MailPart],
    row: InboundEmail,
) -> None:
    """Store ``parts`` on ``complaint`` (and ``interaction``) when the attachments store exists."""
    if not parts:
        return
    try:
        from complaints.attachments import (  # type: ignore[import-not-found,unused-ignore]
            IncomingFile,
            attachments_add,
        )
    except ImportError:  # not on this branch yet: the parts stay listed on the row
        return
    files = [IncomingFile(p.name, p.content_type_claimed, p.data, p.size) for p in parts]
    added: Any = attachments_add(
        complaint=complaint, files=files, interaction=interaction, source="email"
    )
    refused = {getattr(item, "name", None): item for item in getattr(added, "refused", [])}
    listed = []
    for entry in row.attachments:
        refusal = refused.get(entry["name"])
        reason = getattr(refusal, "reason", "") if refusal is not None else ""
        listed.append({**entry, "stored": refusal is None, "refused": str(reason)})
    row.attachments = listed
    row.save(update_fields=["attachments"])
