"""Real files on a throwaway storage, and a few real files of each kind, made here."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from accounts.models import User
from complaints.attachments import IncomingFile
from complaints.models import Complaint
from tests.factories import make_complaint
from tests.web.conftest import client_as  # noqa: F401  (the web tests' logged-in client)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
EML = (
    b"From: Evelien <evelien@example.nl>\r\nTo: klachten@example.nl\r\n"
    b"Subject: Mijn factuur\r\nMessage-ID: <abc@example.nl>\r\n\r\nGoedendag,\r\n"
)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
PLAIN_ZIP = zipped({"notes.txt": b"hello"})


def incoming(name: str, data: bytes, claimed: str = "application/octet-stream") -> IncomingFile:
    return IncomingFile(name=name, content_type_claimed=claimed, data=data, size=len(data))


@pytest.fixture(autouse=True)
def attachments_dir(tmp_path: Path):
    """The attachments storage in a folder of this test, with small limits (1 kB / 2 kB)."""
    folder = tmp_path / "attachments"
    storages = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    with override_settings(
        STORAGES=storages, ATTACHMENT_MAX_BYTES=1000, ATTACHMENTS_MAX_BYTES=2000
    ):
        yield folder


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def complaint(agent: User) -> Complaint:
    return make_complaint(owner=agent)


@pytest.fixture(autouse=True)
def in_english():
    """The reasons read in English unless a test asks for Dutch (a page request may leave the
    thread's language at a user's)."""
    with translation.override("en"):
        yield
