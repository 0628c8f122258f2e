"""Django's ``flush``, with the audit trail emptied like every other table.

On SQLite, flush deletes every row, and the audit trail's triggers refuse that; through
``append_only.unlocked()`` they let it pass (PostgreSQL truncates, which they never see).
The test database is reset with this command after every transactional test.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from complaints import append_only


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with append_only.unlocked(using=options["database"]):
            super().handle(**options)
