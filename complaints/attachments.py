"""Attachments: checking incoming files (size, type by content) and storing them on a complaint.

Two ways to refuse. A form or the API refuses the whole request when one file does not fit
(``attachments_check_all`` → ``attachments_refuse_unless_all_fit``: 413 or 400 with the field's
message, nothing written). An email is never lost for one bad file: ``attachments_add`` stores
what fits and records each refused file as an ``Attachment`` row with a ``refused_reason`` code
and no stored file, so the complaint page says "refused: holiday.mov, 30 MB, over the 10 MB
limit per file".

Files are written through the "attachments" storage under random names. Deleting a row (the
erasure, a cascade from a complaint) deletes its file once the transaction commits.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common import filetypes
from common.errors import InvalidData, TooLarge
from complaints import events, policies
from complaints.models import (
    Attachment,
    AttachmentSource,
    Complaint,
    Interaction,
    Refusal,
)
from complaints.models.attachments import attachment_storage

SOURCES = tuple(AttachmentSource.values)
_NAME_MAX = 255
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Refused:
    """A file that was not stored, and why (in words)."""

    name: str
    size: int
    reason: str
    code: str = ""  # the Refusal code ("too_large:<limit>", "type", …)

    @property
    def too_large(self) -> bool:
        return self.code.startswith((Refusal.TOO_LARGE, Refusal.TOTAL))


@dataclass(frozen=True)
class Added:
    stored: list[Attachment]
    refused: list[Refused]


@dataclass
class IncomingFile:
    """A file on its way in: its name and claimed type (both only as the sender says), its
    bytes or a binary file, and its size."""

    name: str
    content_type_claimed: str
    data: bytes | IO[bytes]
    size: int = -1  # measured when not given
    _stream: IO[bytes] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_upload(cls, upload: UploadedFile) -> IncomingFile:
        return cls(
            name=upload.name or "",
            content_type_claimed=upload.content_type or "",
            data=upload,  # a file: read/seek
            size=upload.size if upload.size is not None else -1,
        )

    def stream(self) -> IO[bytes]:
        """The content as a seekable binary file, at its start."""
        if self._stream is None:
            data = self.data
            if isinstance(data, (bytes, bytearray, memoryview)):
                self._stream = io.BytesIO(bytes(data))
            elif getattr(data, "seekable", lambda: False)():
                self._stream = data
            else:  # a pipe: spooled, so that the type can be looked at and the file stored
                # Closed with this object (kept open while the file is looked at and stored).
                spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
                while chunk := data.read(_CHUNK):
                    spool.write(chunk)
                self._stream = spool
        stream: IO[bytes] = self._stream
        stream.seek(0)
        return stream

    def measured_size(self) -> int:
        stream = self.stream()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        return size


def sanitise_name(name: str) -> str:
    """The file's name as shown and offered on download: no folders, no control characters,
    NFC, at most 255 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not name:
        return str(_("attachment"))
    if len(name) > _NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:20] if dot else ""
        name = (stem or name)[: _NAME_MAX - len(ext) - 1] + ("." + ext if ext else "")
    return name[:_NAME_MAX]


def _limit_per_file() -> int:
    return int(settings.ATTACHMENT_MAX_BYTES)


def _limit_per_message() -> int:
    return int(settings.ATTACHMENTS_MAX_BYTES)


def _inspect(stream: IO[bytes], size: int) -> tuple[str, str]:
    """(detected content type, "") or ("", refusal code)."""
    if size <= 0:
        return "", Refusal.code(Refusal.EMPTY)
    if size > _limit_per_file():
        return "", Refusal.code(Refusal.TOO_LARGE, _limit_per_file())
    content_type = filetypes.detect(stream)
    if content_type is None:
        return "", Refusal.code(Refusal.TYPE)
    return content_type, ""


def check_attachment(*, name: str, data_or_file: bytes | IO[bytes], size: int) -> str | None:
    """None when the file may be stored, else why not, in words (per file: size and type)."""
    incoming = IncomingFile(name=name, content_type_claimed="", data=data_or_file, size=size)
    _type, code = _inspect(incoming.stream(), incoming.measured_size())
    return Refusal.words(code) if code else None


def _check(files: Iterable[IncomingFile]) -> list[tuple[IncomingFile, int, str, str]]:
    """Each file with its size, detected type and refusal code; the files that would take the
    message over its limit refused as such (in order: the first ones that fit are kept)."""
    checked = []
    total = 0
    for incoming in files:
        size = incoming.measured_size()
        content_type, code = _inspect(incoming.stream(), size)
        if not code and total + size > _limit_per_message():
            content_type, code = "", Refusal.code(Refusal.TOTAL, _limit_per_message())
        if not code:
            total += size
        checked.append((incoming, size, content_type, code))
    return checked


def _refused(incoming: IncomingFile, size: int, code: str) -> Refused:
    return Refused(
        name=sanitise_name(incoming.name), size=size, reason=Refusal.words(code), code=code
    )


def attachments_check_all(files: Iterable[IncomingFile]) -> list[Refused]:
    """The files that may not be stored (for a form or the API: refuse the whole request when
    this is not empty; nothing has been written)."""
    return [_refused(f, size, code) for f, size, _type, code in _check(files) if code]


def refusal_message(refused: Refused) -> str:
    """One refused file in words: "holiday.mov (30.0 MB): over the 10.0 MB limit per file"."""
    return _("%(name)s (%(size)s): %(reason)s") % {
        "name": refused.name,
        "size": filesizeformat(refused.size),
        "reason": refused.reason,
    }


def attachments_refuse_unless_all_fit(files: Iterable[IncomingFile], *, field: str) -> None:
    """Raise TooLarge (413) when a file or all of them are too large, InvalidData (400) when
    one is of a kind not accepted; the messages under ``field``."""
    refused = attachments_check_all(files)
    if not refused:
        return
    messages: list[str | Promise] = [refusal_message(r) for r in refused]
    if any(r.too_large for r in refused):
        raise TooLarge({field: messages})
    raise InvalidData({field: messages})


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def attachments_add(
    *,
    complaint: Complaint,
    files: Iterable[IncomingFile],
    interaction: Interaction | None = None,
    uploaded_by: User | None = None,
    source: str,
) -> Added:
    """Store the files that fit on ``complaint`` (and ``interaction``), record the refused
    ones as rows with their reason, and write one audit event. Returns both lists."""
    if source not in SOURCES:
        raise ValueError(f"unknown attachment source {source!r}")
    if interaction is not None and interaction.complaint_id != complaint.pk:
        raise ValueError("the interaction belongs to another complaint")
    now = timezone.now()
    stored: list[Attachment] = []
    refused: list[Refused] = []
    written: list[str] = []
    storage = attachment_storage()
    try:
        with transaction.atomic():
            for incoming, size, content_type, code in _check(files):
                row = Attachment(
                    complaint=complaint,
                    interaction=interaction,
                    name=sanitise_name(incoming.name),
                    content_type=content_type,
                    size=size,
                    uploaded_by=uploaded_by,
                    source=source,
                    refused_reason=code,
                    created_at=now,
                )
                if code:
                    refused.append(_refused(incoming, size, code))
                else:
                    stream = incoming.stream()
                    row.sha256 = _sha256(stream)
                    ext = filetypes.EXTENSIONS.get(content_type, "bin")
                    row.file.save(f"file.{ext}", File(stream), save=False)
                    written.append(row.file.name)
                    stored.append(row)
                row.save()
            if stored or refused:
                events.attachments_added_event(
                    complaint=complaint,
                    actor=uploaded_by,
                    at=now,
                    source=source,
                    stored=[
                        {"id": a.pk, "name": a.name, "size": a.size, "type": a.content_type}
                        for a in stored
                    ],
                    refused=[{"name": r.name, "size": r.size, "code": r.code} for r in refused],
                )
    except BaseException:
        # Nothing of this call stays: the rows rolled back, so the files go too.
        for name in written:
            storage.delete(name)
        raise
    return Added(stored=stored, refused=refused)


def attachments_upload(
    *,
    complaint: Complaint,
    files: list[IncomingFile],
    actor: User,
    source: str,
    field: str = "files",
) -> Added:
    """An agent's upload (the page, the API): whoever may work on the complaint; all files or
    none (413 when one is too large, 400 for a kind not accepted, messages under ``field``)."""
    policies.ensure_can_work(actor, complaint)
    if not files:
        raise InvalidData({field: [_("Choose at least one file.")]})
    attachments_refuse_unless_all_fit(files, field=field)
    return attachments_add(complaint=complaint, files=files, uploaded_by=actor, source=source)


def attachments_export(*, complaint: Complaint) -> list[dict[str, Any]]:
    """The complaint's files for the customer's data export: what is known of each, and the
    file itself as base64 (the export stays one JSON document, for the page and the API)."""
    exported = []
    for row in complaint.attachments.order_by("created_at", "id"):
        item: dict[str, Any] = {
            "name": row.name,
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
            "source": row.source,
            "created_at": row.created_at,
            "refused_reason": row.refused_words,
        }
        if row.file:
            with row.file.open("rb") as handle:
                item["content_base64"] = base64.b64encode(handle.read()).decode("ascii")
        exported.append(item)
    return exported


def attachments_erase(*, complaint_ids: list[int]) -> int:
    """Erasure: the complaints' attachment rows go, and their files once this commits."""
    deleted, _by_model = Attachment.objects.filter(complaint_id__in=complaint_ids).delete()
    return deleted


@receiver(post_delete, sender=Attachment, dispatch_uid="attachment-file-delete")
def _delete_file_on_commit(sender: Any, instance: Attachment, **kwargs: Any) -> None:
    """A deleted row's file goes once the deletion is committed (not before: a rollback would
    leave a row without its file)."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: attachment_storage().delete(name))
