"""Give the role groups the permissions added since 0002 (the Admin role's read-only pages on
coulance, promises, follow-ups, jobs, the outbox and the reports' records)."""

from django.db import migrations

from accounts.roles import sync_role_groups


def sync_roles(apps, schema_editor):
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_create_roles"),
        ("complaints", "0007_coulance_rerouted_event"),
        ("reports", "0003_complaint_imports"),
    ]
    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
