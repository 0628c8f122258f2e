"""Row-lock order for writers of promises and follow-ups: the complaint first, then its parts.

Transitions and transfers lock the complaint ``FOR UPDATE`` and then touch its promises and
follow-ups; so every writer of a promise or follow-up takes a lock on the complaint first too.
Where it does not change the complaint, that lock is ``FOR KEY SHARE``: it makes a transition
wait, and waits for one, but does not block other such writers, nor the foreign-key checks of
the rows they insert (events, notifications). Without it, a promise kept while its complaint is
transferred could deadlock: the keep holding the promise and waiting on the complaint (for its
event's foreign key), the transfer holding the complaint and waiting on the promise.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from complaints.models import Complaint


def complaints_key_share(ids: Iterable[int]) -> None:
    """Hold ``FOR KEY SHARE`` on these complaints until the transaction ends (PostgreSQL;
    SQLite runs one writer at a time anyway)."""
    ordered = sorted(set(ids))
    if not ordered or connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(Complaint._meta.db_table)
    with connection.cursor() as cursor:
        # Ordered by id: two transactions locking overlapping sets take them in one order.
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE", [ordered]
        )
