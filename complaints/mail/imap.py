"""Reading the configured IMAP mailboxes with the standard library's ``imaplib``.

Why the standard library and not imap-tools: the poll needs five commands (LOGIN, SELECT,
UID SEARCH, UID FETCH, UID STORE) and ``email`` already parses MIME; ``imaplib`` has no
dependency to keep up to date and is tested here against a real dovecot.

A message is flagged ``\\Seen`` only after its import committed (or it was found imported,
skipped or quarantined): a crash in between leaves it unseen, and the next poll's import finds
its key taken and only flags it. Messages a person reads in a mail client before the poll are
flagged already and are not imported: the mailbox is the intake's, not a person's.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import random
import re
import ssl
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

from complaints.mail.intake import DUPLICATE, inbound_import

log = logging.getLogger(__name__)

CHUNK = 25
_UID = re.compile(rb"UID (\d+)")
_FLAGS = re.compile(rb"FLAGS \(([^)]*)\)")


def mailboxes() -> list[dict[str, Any]]:
    return list(settings.INBOUND_MAILBOXES)


def mailbox_named(name: str) -> dict[str, Any] | None:
    return next((mailbox for mailbox in mailboxes() if mailbox["name"] == name), None)


def _password(mailbox: dict[str, Any]) -> str:
    if mailbox.get("password_file"):
        return Path(mailbox["password_file"]).read_text(encoding="utf-8").strip()
    return str(mailbox["password"])


@contextmanager
def connect(mailbox: dict[str, Any]) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection with ``mailbox``'s folder selected (read-write)."""
    timeout = settings.INBOUND_TIMEOUT_SECONDS
    client: imaplib.IMAP4
    if mailbox["tls"] == "ssl":
        client = imaplib.IMAP4_SSL(
            mailbox["host"],
            mailbox["port"],
            ssl_context=ssl.create_default_context(),
            timeout=timeout,
        )
    else:
        client = imaplib.IMAP4(mailbox["host"], mailbox["port"], timeout=timeout)
        if mailbox["tls"] == "starttls":
            client.starttls(ssl.create_default_context())
    try:
        client.login(mailbox["user"], _password(mailbox))
        status, _data = client.select(_quoted(mailbox["folder"]))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot select folder {mailbox['folder']!r}")
        yield client
    finally:
        with contextlib.suppress(Exception):  # the connection is gone already
            client.logout()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetched(data: list[Any]) -> Iterator[tuple[bytes, bool, bytes]]:
    """(uid, seen, raw) for each message of a ``UID FETCH (UID FLAGS BODY.PEEK[])`` answer."""
    for item in data:
        if not isinstance(item, tuple) or len(item) < 2:
            continue
        head, raw = item[0], item[1]
        uid = _UID.search(head)
        if uid is None:
            continue
        flags = _FLAGS.search(head)
        seen = bool(flags and b"\\Seen" in flags.group(1))
        yield uid.group(1), seen, raw


def poll_mailbox(mailbox: dict[str, Any], *, limit: int | None = None) -> Counter[str]:
    """Import the unseen messages of ``mailbox`` (up to ``limit``); what each became."""
    outcomes: Counter[str] = Counter()
    limit = limit or settings.INBOUND_BATCH
    with connect(mailbox) as client:
        status, data = client.uid("SEARCH", "UNSEEN")
        if status != "OK":
            raise imaplib.IMAP4.error("UID SEARCH UNSEEN failed")
        uids = (data[0] or b"").split()[:limit]
        chunks = [uids[i : i + CHUNK] for i in range(0, len(uids), CHUNK)]
        # Two pollers of one mailbox start on different chunks and mostly skip what the other
        # flagged meanwhile; the unique key settles the messages both reach at once.
        random.shuffle(chunks)
        for chunk in chunks:
            status, data = client.uid(
                "FETCH", ",".join(u.decode() for u in chunk), "(UID FLAGS BODY.PEEK[])"
            )
            if status != "OK":
                raise imaplib.IMAP4.error("UID FETCH failed")
            done: list[bytes] = []
            for uid, seen, raw in _fetched(data):
                if seen:
                    continue
                outcome = inbound_import(mailbox=mailbox, raw=raw)
                outcomes[outcome.state] += 1
                done.append(uid)
            if done:
                client.uid("STORE", ",".join(u.decode() for u in done), "+FLAGS.SILENT", "(\\Seen)")
    return outcomes


def poll_all() -> dict[str, dict[str, int]]:
    """Poll every configured mailbox; one that cannot be reached is logged, the others go on."""
    results: dict[str, dict[str, int]] = {}
    for mailbox in mailboxes():
        try:
            outcomes = poll_mailbox(mailbox)
        except (OSError, imaplib.IMAP4.error) as error:
            log.warning("inbound mail: mailbox %s not read: %s", mailbox["name"], error)
            results[mailbox["name"]] = {"error": 1}
            continue
        results[mailbox["name"]] = dict(outcomes)
        imported = sum(n for state, n in outcomes.items() if state != DUPLICATE)
        if imported:
            log.info("inbound mail: %s: %s", mailbox["name"], dict(outcomes))
    return results
