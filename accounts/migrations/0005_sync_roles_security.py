"""Administrators read the failed sign-ins (django-axes) and delete an attempt to unlock."""

from django.db import migrations

from accounts.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_sync_roles_privacy"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
