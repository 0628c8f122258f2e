"""The type is told by the content: each allowed kind from real bytes, the rest refused."""

from __future__ import annotations

import io

import pytest

from common import filetypes
from tests.attachments.conftest import (
    DOCX,
    EML,
    EXE,
    GIF,
    JPEG,
    ODT,
    PDF,
    PLAIN_ZIP,
    PNG,
    WEBP,
    XLSX,
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, filetypes.PDF),
        (PNG, filetypes.PNG),
        (JPEG, filetypes.JPEG),
        (GIF, filetypes.GIF),
        (WEBP, filetypes.WEBP),
        (DOCX, filetypes.DOCX),
        (XLSX, filetypes.XLSX),
        (ODT, filetypes.ODT),
        (EML, filetypes.EML),
        ("Beste klantenservice,\nik ben niet blij. €5 te veel.\n".encode(), filetypes.TEXT),
        (b"name;amount\nEvelien;5,00\nBram;7,50\n", filetypes.CSV),
        (b"a,b,c\n1,2,3\n", filetypes.CSV),
        (EXE, None),
        (PLAIN_ZIP, None),
        (b"text with a NUL\x00 in it", None),
        ("latin-1: caf\xe9".encode("latin-1"), None),
        (b"", None),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_detect_by_content(data: bytes, expected: str | None) -> None:
    assert filetypes.detect(io.BytesIO(data)) == expected


def test_a_multibyte_character_across_chunks_is_still_text() -> None:
    data = b"a" * (64 * 1024 - 1) + "é".encode() + b"\n"
    assert filetypes.detect(io.BytesIO(data)) == filetypes.TEXT


def test_the_stream_is_left_at_its_start() -> None:
    stream = io.BytesIO(PNG)
    filetypes.detect(stream)
    assert stream.read(4) == PNG[:4]
