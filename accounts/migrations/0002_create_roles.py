"""Create the role groups (Agent, Manager, Quality, Admin) with their permissions."""

from django.db import migrations

from accounts.roles import GROUP_NAMES, sync_role_groups


def create_roles(apps, schema_editor):
    sync_role_groups(apps)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=list(GROUP_NAMES.values())).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("complaints", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
