"""Administrators see every user's API tokens in the admin and may revoke them."""

from django.db import migrations

from accounts.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_tokens_from_drf"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
