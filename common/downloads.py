"""A stored file handed to the browser as a download, never shown: the headers that make it so."""

from __future__ import annotations

from urllib.parse import quote

from django.core.files.storage import Storage
from django.http import FileResponse

# Nothing in the file may run, load or be framed, should a browser still render it.
SANDBOX_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one per RFC 5987 (``filename*``)."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_response(
    *, storage: Storage, stored_name: str, name: str, content_type: str, size: int | None = None
) -> FileResponse:
    response = FileResponse(storage.open(stored_name, "rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    if size is not None:
        response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP  # django-csp leaves a set header alone
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
