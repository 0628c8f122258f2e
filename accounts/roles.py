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
    ],
}
