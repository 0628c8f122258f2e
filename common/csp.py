"""Per-response additions to the Content-Security-Policy (django-csp) for pages that need one.

The site-wide policy (settings: ``CONTENT_SECURITY_POLICY``) allows no inline style. A coulance
letter is one self-contained HTML document (WeasyPrint prints the same text, and a sent letter
is kept unchanged), so its ``<style>`` stays in it; its preview allows exactly those style
blocks by their SHA-256 hash, nothing else, and may be framed by the site's own review page.
"""

from __future__ import annotations

import base64
import hashlib
import re

from csp.constants import SELF
from django.http import HttpResponseBase

_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)


def style_hashes(html: str) -> list[str]:
    """The CSP source expressions (``'sha256-…'``) of every ``<style>`` block in ``html``."""
    return [
        "'sha256-{}'".format(
            base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii")
        )
        for block in _STYLE_BLOCK.findall(html)
    ]


def allow_own_styles(response: HttpResponseBase, html: str, *, framed_by_self: bool) -> None:
    """Let ``response`` (a page made of ``html``) use its own style blocks, and be shown in a
    frame of this site when ``framed_by_self``."""
    hashes = style_hashes(html)
    if hashes:
        response._csp_update = {"style-src": hashes}  # type: ignore[attr-defined]
    if framed_by_self:
        response._csp_replace = {"frame-ancestors": [SELF]}  # type: ignore[attr-defined]


# Redoc (drf-spectacular-sidecar's bundle) inserts two <style> elements while its script loads,
# before it can be given the nonce it uses for the rest: one empty, one of its own rules. They
# are allowed on /api/redoc/ by their hashes. A new Redoc changes them; tests/browser/test_csp.py
# then fails with Chromium's message, which names the hash now wanted.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # empty
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]
