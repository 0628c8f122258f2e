"""The roles of the system as plain data: each role is a group with a fixed set of permissions.

The data migration that creates the groups and the tests both read this table, so a role's
rights are stated once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    MANAGER = "manager", _("Manager")
    QUALITY = "quality", _("Quality")
    ADMIN = "admin", _("Administrator")


# Group names as stored in auth_group (never renamed: the data migration keys on them).
GROUP_NAMES: dict[Role, str] = {
    Role.AGENT: "Agent",
    Role.MANAGER: "Manager",
    Role.QUALITY: "Quality",
    Role.ADMIN: "Admin",
}

_AGENT = [
    "complaints.view_complaint",
    "complaints.add_complaint",
    "complaints.work_complaint",
    "complaints.view_customer",
    "complaints.add_customer",
    "complaints.change_customer",
    "complaints.view_interaction",
    "complaints.add_interaction",
    "complaints.view_complaintevent",
    "complaints.view_rootcause",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.AGENT: _AGENT,
    Role.MANAGER: [*_AGENT, "complaints.supervise_complaint"],
    Role.QUALITY: [
        "complaints.handle_personal_data",
        "complaints.view_complaint",
        "complaints.view_all_complaints",
        "complaints.view_customer",
        "complaints.view_interaction",
        "complaints.view_complaintevent",
        "complaints.view_rootcause",
        "complaints.add_rootcause",
        "complaints.change_rootcause",
    ],
    Role.ADMIN: [
        *_AGENT,
        "complaints.supervise_complaint",
        "complaints.view_all_complaints",
        "complaints.add_rootcause",
        "complaints.change_rootcause",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_team",
        "accounts.add_team",
        "accounts.change_team",
        # Every user's API tokens, without their keys; "change" is revoking one.
        "accounts.view_apitoken",
        "accounts.change_apitoken",
        # Read-only admin pages, to look into what the system did: goodwill gestures and their
        # letters, promises, follow-ups, due jobs, the email outbox, and the learning
        # organisation's records. (Notifications stay personal.)
        "complaints.view_coulancerequest",
        "complaints.view_coulanceletter",
        "complaints.view_callbackpromise",
        "complaints.view_followup",
        "complaints.view_scheduledjob",
        "complaints.view_outgoingemail",
        "reports.view_correctiveaction",
        "reports.view_correctiveactionevent",
        "reports.view_rootcausereport",
        "reports.view_importrun",
        # The letterhead on the letters: set once, then changed (never deleted).
        "complaints.view_letterhead",
        "complaints.add_letterhead",
        "complaints.change_letterhead",
        # Privacy: a customer's data exported or erased on request, and who looked at it.
        "complaints.handle_personal_data",
        "complaints.view_dataaccess",
        # Sign-in lockouts (django-axes): read the failed attempts and delete one to unlock.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
    ],
}


def sync_role_groups(apps: object) -> None:
    """Give each role's group exactly the permissions of ``ROLE_PERMISSIONS`` (data migrations).

    A permission whose model a migration has not created yet is left out; a later migration
    that depends on it calls this again.
    """
    from django.contrib.auth.management import create_permissions

    get_app_configs = apps.get_app_configs  # type: ignore[attr-defined]
    get_model = apps.get_model  # type: ignore[attr-defined]
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    group_model = get_model("auth", "Group")
    permission_model = get_model("auth", "Permission")
    for role, dotted_names in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=GROUP_NAMES[role])
        perms = []
        for dotted in dotted_names:
            app_label, codename = dotted.split(".")
            perm = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
