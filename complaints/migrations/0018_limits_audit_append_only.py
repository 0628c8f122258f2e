"""Triggers that refuse UPDATE and DELETE on the audit trail and the record of data access,
except inside ``complaints.append_only.unlocked()`` (see there)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLES = ("complaints_complaintevent", "complaints_dataaccess")
# The erasure scrubs the complaint events' payloads and the search terms kept in the
# data-access rows (complaints.privacy); nothing else ever changes them.
ERASABLE = TABLES

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION klachtwijzer_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_ARGV[0] = 'erasable'
            AND current_setting('klachtwijzer.erasure', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on %: the audit trail is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'Personal data is erased through complaints.privacy.customer_erase.';
END;
$$
"""


def _postgres(table: str) -> tuple[str, str]:
    argument = "'erasable'" if table in ERASABLE else "'kept'"
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION klachtwijzer_append_only({argument})",
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
    )


def _sqlite(table: str) -> list[tuple[str, str]]:
    unlocked = "EXISTS (SELECT 1 FROM klachtwijzer_erasure)"
    statements = []
    for operation in ("UPDATE", "DELETE"):
        name = f"{table}_no_{operation.lower()}"
        # Deletes pass only for flush (SQLite's TRUNCATE), updates only for the erasure.
        allowed = unlocked if (operation == "DELETE" or table in ERASABLE) else "0"
        statements.append(
            (
                f"CREATE TRIGGER {name} BEFORE {operation} ON {table} WHEN NOT {allowed} "
                f"BEGIN SELECT RAISE(ABORT, '{operation} on {table}: the audit trail is "
                "append-only'); END",
                f"DROP TRIGGER IF EXISTS {name}",
            )
        )
    return statements


def _executor(schema_editor: Any) -> Any:
    # Without parameters, so that the "%" of PL/pgSQL's RAISE is not read as a placeholder.
    return lambda sql: schema_editor.execute(sql, None)


def install(apps: Any, schema_editor: Any) -> None:
    execute = _executor(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        execute(POSTGRES_FUNCTION)
        for table in TABLES:
            execute(_postgres(table)[0])
    elif schema_editor.connection.vendor == "sqlite":
        execute("CREATE TABLE IF NOT EXISTS klachtwijzer_erasure (id integer PRIMARY KEY)")
        for table in TABLES:
            for create, _drop in _sqlite(table):
                execute(create)
    else:
        raise NotImplementedError(f"No append-only triggers for {schema_editor.connection.vendor}")


def uninstall(apps: Any, schema_editor: Any) -> None:
    execute = _executor(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            execute(_postgres(table)[1])
        execute("DROP FUNCTION IF EXISTS klachtwijzer_append_only()")
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            for _create, drop in _sqlite(table):
                execute(drop)
        execute("DROP TABLE IF EXISTS klachtwijzer_erasure")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0017_limits_text_fields")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
