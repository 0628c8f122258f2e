"""DRF's tokens (rest_framework.authtoken, keys kept as they are) become hashed API tokens.

Each key keeps working, now as an ``ApiToken`` holding only its SHA-256 digest and prefix,
until ``TOKEN_TTL_DAYS`` after this migration. Then the old table, whose keys would still open
the API to whoever reads it, is dropped, and its app's migration records with it (the app is no
longer installed; adding it again would start afresh). A database that never had DRF's tokens
is left as it is.

Not reversible in substance: the keys are not known any more, so DRF's table cannot be filled
again. Going back leaves the hashed tokens in place (the schema migration before removes them).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"
PREFIX_LENGTH = 8  # as accounts.tokens.PREFIX_LENGTH when this was written


def _aware(value: Any) -> datetime:
    """SQLite hands the raw column back as text, PostgreSQL as an aware datetime."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return timezone.now()
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def forward(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    quote = connection.ops.quote_name
    expires = timezone.now() + timedelta(days=settings.TOKEN_TTL_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('key')}, {quote('user_id')}, {quote('created')} FROM {quote(OLD_TABLE)}"
        )
        rows = cursor.fetchall()
    ApiToken.objects.using(connection.alias).bulk_create(
        ApiToken(
            user_id=user_id,
            name="",
            prefix=key[:PREFIX_LENGTH],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created=_aware(created),
            expires=expires,
        )
        for key, user_id, created in rows
    )
    schema_editor.execute(f"DROP TABLE {quote(OLD_TABLE)}")
    schema_editor.execute(
        f"DELETE FROM {quote('django_migrations')} WHERE {quote('app')} = %s", ["authtoken"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_tokens_apitoken"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop, elidable=False),
    ]
