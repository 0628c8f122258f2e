"""Administrators set the company's letterhead in the admin."""

from django.db import migrations

from accounts.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_tokens_sync_roles"),
        ("complaints", "0020_letterhead"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
