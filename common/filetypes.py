"""What a file is, told by its content (magic numbers, zip members, text decoding), never by its
name: the allow-list of attachment types.

Our own few checks rather than a library: ``filetype`` (pure Python) knows the binary formats
by their first bytes but neither plain text, CSV nor e-mail, and would tell a DOCX from an XLSX
only by guessing; these checks are short, and each is tested on real bytes.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from typing import IO

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
TEXT = "text/plain"
CSV = "text/csv"
EML = "message/rfc822"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

ALLOWED = (PDF, PNG, JPEG, GIF, WEBP, TEXT, CSV, EML, DOCX, XLSX, ODT)

EXTENSIONS = {
    PDF: "pdf",
    PNG: "png",
    JPEG: "jpg",
    GIF: "gif",
    WEBP: "webp",
    TEXT: "txt",
    CSV: "csv",
    EML: "eml",
    DOCX: "docx",
    XLSX: "xlsx",
    ODT: "odt",
}

_HEAD = 4096
_CHUNK = 64 * 1024
# An RFC 5322 header line: a field name of printable ASCII but the colon, then a colon.
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_EML_FIELDS = {b"from", b"to", b"subject", b"date", b"message-id", b"received", b"mime-version"}


def detect(stream: IO[bytes]) -> str | None:
    """The allowed content type of ``stream`` (a seekable binary file), or None when its content
    is none of them. The stream is left at its start."""
    stream.seek(0)
    head = stream.read(_HEAD)
    stream.seek(0)
    try:
        return _detect(stream, head)
    finally:
        stream.seek(0)


def _detect(stream: IO[bytes], head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _office(stream)
    if not _is_utf8_text(stream):
        return None
    if _is_email(head):
        return EML
    if _is_csv(head):
        return CSV
    return TEXT


def _office(stream: IO[bytes]) -> str | None:
    """A DOCX, XLSX or ODT by the member that makes it one (names only: nothing is unpacked
    but ODT's few-byte ``mimetype``)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
                return XLSX
            if (
                "mimetype" in names
                and archive.getinfo("mimetype").file_size < 100
                and archive.read("mimetype").strip() == ODT.encode()
            ):
                return ODT
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def _is_utf8_text(stream: IO[bytes]) -> bool:
    """UTF-8 throughout (read in chunks: a multi-byte character may straddle two) without NUL."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream.seek(0)
    empty = True
    while chunk := stream.read(_CHUNK):
        empty = False
        if b"\x00" in chunk:
            return False
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return not empty


def _is_email(head: bytes) -> bool:
    """A header block (``Name: value`` lines, folded lines allowed) naming From and one more
    of the usual fields, then a blank line."""
    block, sep, _rest = head.replace(b"\r\n", b"\n").partition(b"\n\n")
    if not sep:
        return False
    names: set[bytes] = set()
    for line in block.split(b"\n"):
        if line[:1] in (b" ", b"\t") and names:
            continue
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return b"from" in names and len(names & _EML_FIELDS) >= 2


def _is_csv(head: bytes) -> bool:
    """At least two lines, each split by the same delimiter into the same (more than one)
    number of fields."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    lines = [line for line in text.splitlines() if line.strip()]
    if len(head) == _HEAD and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut off
    if len(lines) < 2:
        return False
    for delimiter in (",", ";", "\t"):
        counts = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        if len(counts) == 1 and counts.pop() > 1:
            return True
    return False
