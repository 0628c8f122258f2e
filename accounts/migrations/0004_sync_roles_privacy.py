"""Quality and administrators may export and erase a customer's personal data; administrators
read who looked at it."""

from django.db import migrations

from accounts.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sync_roles"),
        ("complaints", "0009_personal_data"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
