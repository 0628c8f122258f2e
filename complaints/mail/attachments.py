"""The one place where an email's attachment parts are handed to the attachments store.

Unlike a form, an email cannot be sent back: the files that fit are stored (within the
import's transaction), the others are recorded as refused with their reason, on the complaint
(``complaints.attachments``) and in the ``InboundEmail`` row's list of parts.
"""

from __future__ import annotations

from collections.abc import Sequence

from complaints.attachments import IncomingFile, attachments_add, sanitise_name
from complaints.mail.parse import MailPart
from complaints.models import Complaint, InboundEmail, Interaction


def store_attachments(
    *,
    complaint: Complaint,
    interaction: Interaction | None,
    parts: Sequence[MailPart],
    row: InboundEmail,
) -> None:
    """Store ``parts`` on ``complaint`` (and ``interaction``); list on ``row`` which were not."""
    if not parts:
        return
    files = [IncomingFile(p.name, p.content_type_claimed, p.data, p.size) for p in parts]
    added = attachments_add(
        complaint=complaint, files=files, interaction=interaction, source="email"
    )
    refused = {item.name: item for item in added.refused}
    listed = []
    for entry in row.attachments:
        refusal = refused.get(sanitise_name(entry["name"]))
        reason = str(refusal.reason) if refusal is not None else ""
        listed.append({**entry, "stored": refusal is None, "refused": reason})
    row.attachments = listed
    row.save(update_fields=["attachments"])
