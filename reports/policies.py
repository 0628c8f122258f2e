"""Who may read the root-cause reports and who manages the learning organisation.

No new permissions are needed: Quality (and admins) already manage the root-cause taxonomy
(``complaints.change_rootcause``), so they also own corrective actions, generate reports and
import history; whoever may see every complaint or supervises a team may read the reports.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from common.errors import ActionForbidden


def may_view_reports(user: Any) -> bool:
    """Quality, managers and admins read the reports (and the corrective actions)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (
            user.has_perm("complaints.view_all_complaints")
            or user.has_perm("complaints.supervise_complaint")
        )
    )


def may_manage(user: Any) -> bool:
    """Quality and admins: the taxonomy, corrective actions, generating reports, imports."""
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("complaints.change_rootcause")
    )


def ensure_may_view_reports(user: Any) -> None:
    if not may_view_reports(user):
        raise ActionForbidden(_("Only Quality, managers and administrators may see reports."))


def ensure_may_manage(user: Any) -> None:
    if not may_manage(user):
        raise ActionForbidden(_("Only Quality and administrators may do this."))
