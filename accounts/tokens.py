"""API token keys: made at random, kept only as a SHA-256 digest, found by a short prefix.

A key is 32 random bytes (``secrets.token_urlsafe``: 43 characters). Its first
``PREFIX_LENGTH`` characters are stored as they are, to find the row and to name the token
in lists; the rest is secret. A key of 256 random bits needs no slow hash: nobody can guess
one from its SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX_LENGTH = 8
KEY_BYTES = 32


def key_new() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def key_prefix(key: str) -> str:
    return key[:PREFIX_LENGTH]


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key_digest_hex: str, stored_digest: str) -> bool:
    """Whether the digests agree, compared in constant time."""
    return hmac.compare_digest(key_digest_hex, stored_digest)
