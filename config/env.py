"""Typed readers for settings from the environment that fail loudly on malformed values.

Secrets may also come from a file named by ``<NAME>_FILE`` (Docker/Kubernetes secrets).
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str | None = None) -> str | None:
    """The value of ``name``, or of the file named by ``name_FILE``, or ``default``."""
    if name in os.environ:
        return os.environ[name]
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return default


def envbool(name: str, default: bool) -> bool:
    raw = envstr(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = envstr(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def envfloat(name: str, default: float) -> float:
    raw = envstr(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = envstr(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envrates(name: str) -> dict[str, Decimal]:
    """``USD=0.92,GBP=1.17``: currency codes with a positive decimal rate each."""
    rates: dict[str, Decimal] = {}
    for item in envlist(name, []):
        code, sep, value = item.partition("=")
        try:
            rate = Decimal(value.strip())
        except InvalidOperation:
            rate = Decimal(0)
        if not sep or len(code.strip()) != 3 or not rate.is_finite() or rate <= 0:
            raise ImproperlyConfigured(
                f"{name} must look like USD=0.92,GBP=1.17 (code=positive rate), not {item!r}"
            )
        rates[code.strip().upper()] = rate
    return rates


# PostgreSQL options in the URL's query string that are not strings (psycopg and Django need
# True/False and numbers, e.g. ?server_side_binding=true&prepare_threshold=5).
_BOOLEAN_OPTIONS = {"server_side_binding"}
_INTEGER_OPTIONS = {"prepare_threshold", "connect_timeout"}
# Unless the URL says otherwise: parameters bound by the server, and a statement run for the
# fifth time on a connection is prepared, so PostgreSQL stops planning it again (the API list
# answers about twice as fast). Behind a pooler that cannot keep prepared statements (PgBouncer
# in transaction mode before 1.21), turn it off with ?prepare_threshold=off.
POSTGRES_DEFAULTS: dict[str, Any] = {"server_side_binding": True, "prepare_threshold": 5}


def _postgres_options(query: str) -> dict[str, Any]:
    options: dict[str, Any] = dict(POSTGRES_DEFAULTS)
    for key, values in parse_qs(query).items():
        value = values[-1]
        if key == "prepare_threshold" and value.strip().lower() in {"off", "none"}:
            options[key] = None  # never prepare
        elif key in _BOOLEAN_OPTIONS:
            lowered = value.strip().lower()
            if lowered not in _TRUE | _FALSE:
                raise ImproperlyConfigured(f"DATABASE_URL option {key} must be true or false")
            options[key] = lowered in _TRUE
        elif key in _INTEGER_OPTIONS:
            try:
                options[key] = int(value)
            except ValueError:
                raise ImproperlyConfigured(f"DATABASE_URL option {key} must be a number") from None
        else:
            options[key] = value
    return options


def database_from_url(url: str, *, base_dir: Path) -> dict[str, Any]:
    """Django's DATABASES entry for ``sqlite:///relative/or/absolute.db`` or ``postgres://…``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///db.sqlite3 is relative to the project, sqlite:////abs/path is absolute.
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ImproperlyConfigured(
                "DATABASE_URL for SQLite needs a file name: sqlite:///db.sqlite3"
            )
        name = path if path == ":memory:" else str((base_dir / path).resolve())
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                # Concurrent writers queue for the lock instead of failing with
                # 'database is locked' (SQLite drops SKIP LOCKED / FOR UPDATE).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options = _postgres_options(parts.query)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "klachtwijzer",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": envint("DATABASE_CONN_MAX_AGE", 60),
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {scheme!r} is not supported; use sqlite:/// or postgres://"
    )


# DRF's rate format: a whole number of requests per second, minute, hour or day.
_RATE_PERIODS = {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}


def envrate(name: str, default: str) -> str:
    """A throttle rate such as ``60/minute`` (DRF's format: requests/s|m|h|d)."""
    raw = (envstr(name) or "").strip() or default
    count, sep, period = raw.partition("/")
    if not sep or not count.isdigit() or int(count) < 1 or period not in _RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name} must look like 60/minute (requests per second, minute, hour or day), "
            f"not {raw!r}"
        )
    return raw


def cache_from_url(url: str) -> dict[str, Any]:
    """Django's CACHES entry for ``redis://…`` (shared by every web node) or ``locmem://``.

    An empty URL is the local-memory cache: right for one process, but each process then
    counts its own throttle hits and lockouts.
    """
    scheme = urlsplit(url).scheme.lower() if url else "locmem"
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL scheme {scheme!r} is not supported; use redis://host:port/db or leave it unset"
    )


# Poolers that change what a Django connection may do. PgBouncer in transaction mode hands each
# transaction to whichever server connection is free: a statement prepared on one is unknown on
# the next (PgBouncer keeps prepared statements only from 1.21 on; Debian 12 has 1.18), and a
# server-side cursor (a named cursor, Django's .iterator()) would outlive its transaction.
POOLERS = {"pgbouncer-transaction"}


def database_behind_pooler(database: dict[str, Any], pooler: str | None) -> dict[str, Any]:
    """``database`` as it must be when ``pooler`` (DATABASE_POOLER) stands between Django and
    PostgreSQL: for ``pgbouncer-transaction`` no prepared statements and no server-side
    cursors. Empty or ``none``: unchanged."""
    name = (pooler or "").strip().lower()
    if name in {"", "none"}:
        return database
    if name not in POOLERS:
        raise ImproperlyConfigured(
            f"DATABASE_POOLER must be one of {', '.join(sorted(POOLERS))} or none, not {pooler!r}"
        )
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"DATABASE_POOLER={pooler} needs a postgres:// DATABASE_URL")
    return {
        **database,
        "OPTIONS": {**database["OPTIONS"], "prepare_threshold": None},
        "DISABLE_SERVER_SIDE_CURSORS": True,
        # A pooler restart (or its idle timeout) closes kept client connections: check one
        # before reusing it instead of failing the request that picks it up.
        "CONN_HEALTH_CHECKS": True,
    }


_TLS_MODES = {"ssl", "starttls", "none"}
_MAILBOX_KEYS = {
    "name",
    "host",
    "port",
    "tls",
    "user",
    "password",
    "password_file",
    "folder",
    "team",
    "owner",
    "language",
}


def envmailboxes(name: str) -> list[dict[str, Any]]:
    """``INBOUND_MAILBOXES``: a JSON list of IMAP mailboxes, each checked and completed:
    ``{name, host, port, tls (ssl|starttls|none), user, password | password_file, folder,
    team, owner, language}``. Unset or empty: no mailbox (inbound mail is off)."""
    import json

    raw = (envstr(name) or "").strip()
    if not raw:
        return []
    try:
        items = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a JSON list of mailboxes") from None
    if not isinstance(items, list):
        raise ImproperlyConfigured(f"{name} must be a JSON list of mailboxes")
    mailboxes: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        where = f"{name}[{index}]"
        if not isinstance(item, dict) or not item.get("host") or not item.get("user"):
            raise ImproperlyConfigured(f"{where} needs at least a host and a user")
        unknown = set(item) - _MAILBOX_KEYS
        if unknown:
            raise ImproperlyConfigured(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
        tls = str(item.get("tls", "ssl")).lower()
        if tls not in _TLS_MODES:
            raise ImproperlyConfigured(f"{where}.tls must be ssl, starttls or none")
        if not item.get("password") and not item.get("password_file"):
            raise ImproperlyConfigured(f"{where} needs a password or a password_file")
        language = str(item.get("language", "nl"))
        if language not in {"nl", "en"}:
            raise ImproperlyConfigured(f"{where}.language must be nl or en")
        try:
            port = int(item.get("port") or (993 if tls == "ssl" else 143))
        except (TypeError, ValueError):
            raise ImproperlyConfigured(f"{where}.port must be a number") from None
        mailbox_name = str(item.get("name") or f"{item['user']}@{item['host']}")[:60]
        if any(mailbox["name"] == mailbox_name for mailbox in mailboxes):
            raise ImproperlyConfigured(f"{where}.name {mailbox_name!r} is used twice")
        if not item.get("team") and not item.get("owner"):
            raise ImproperlyConfigured(f"{where} needs a team or an owner (who gets its mail)")
        mailboxes.append(
            {
                "name": mailbox_name,
                "host": str(item["host"]),
                "port": port,
                "tls": tls,
                "user": str(item["user"]),
                "password": str(item.get("password") or ""),
                "password_file": str(item.get("password_file") or ""),
                "folder": str(item.get("folder") or "INBOX"),
                "team": str(item.get("team") or ""),
                "owner": str(item.get("owner") or ""),
                "language": language,
            }
        )
    return mailboxes
