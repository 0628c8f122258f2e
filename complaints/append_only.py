"""The audit trail and the record of who looked at personal data are append-only in the database.

Triggers (migration ``0016_limits_audit_append_only``) refuse every ``UPDATE`` and ``DELETE`` on
``complaints_complaintevent`` and ``complaints_dataaccess``, whoever sends it: the application,
the admin, a shell or ``psql``. A refused statement raises ``IntegrityError`` and changes nothing.

One way through, ``unlocked()``, and the triggers know it: inside its transaction (and nowhere
else) the complaint events may be updated. On PostgreSQL it sets the transaction-local setting
``klachtwijzer.erasure``; on SQLite it puts a row in the table ``klachtwijzer_erasure`` that is
taken out again before the transaction ends, so no other connection ever sees it. Two callers:

- the erasure (``complaints.privacy.customer_erase``), which scrubs the events' payloads and
  then records the erasure itself, as an event on each complaint and a data-access row;
- ``manage.py flush`` (and so the test database's reset), which empties every table. On
  PostgreSQL it truncates, which row triggers never see; on SQLite it deletes every row, which
  they do, so the deletes are let through there too (SQLite's stand-in for ``TRUNCATE``).

A database owner can still drop the triggers: they protect the trail from every path of the
application and from slips by hand, not from the database's administrator.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

SETTING = "klachtwijzer.erasure"  # PostgreSQL: 'on' while unlocked, for this transaction only
FLAG_TABLE = "klachtwijzer_erasure"  # SQLite: holds a row while unlocked
PROTECTED_TABLES = ("complaints_complaintevent", "complaints_dataaccess")


@contextmanager
def unlocked(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within one transaction, let the triggers pass what is done inside the block, and lock
    again at its end. If the block fails, the transaction rolls the unlocking back with it."""
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
            else:
                cursor.execute(f"INSERT INTO {FLAG_TABLE} DEFAULT VALUES")
        yield
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'off', true)", [SETTING])
            else:
                cursor.execute(f"DELETE FROM {FLAG_TABLE}")  # noqa: S608
