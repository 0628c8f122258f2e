"""Who may see and act on which complaint: role permissions plus ownership and team.

- Agents see their own and their team's complaints and work only their own.
- Managers also see and work the complaints of the teams they manage, and reassign them.
- Quality sees every complaint and works none. Admins see and work every complaint.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ActionForbidden
from complaints.models import Complaint


@dataclass(frozen=True)
class Sight:
    """Whose complaints a user sees: everyone's, no one's, or those of the people listed by
    ``user_id`` (themselves), ``team_id`` (their team) and ``manager_id`` (teams they manage)."""

    everyone: bool = False
    user_id: int | None = None
    team_id: int | None = None
    manager_id: int | None = None

    @property
    def no_one(self) -> bool:
        return not self.everyone and self.user_id is None


def sight(user: User) -> Sight:
    if not user.is_active or not user.has_perm("complaints.view_complaint"):
        return Sight()
    if user.has_perm("complaints.view_all_complaints"):
        return Sight(everyone=True)
    return Sight(
        user_id=user.pk,
        team_id=user.team_id,
        manager_id=user.pk if user.has_perm("complaints.supervise_complaint") else None,
    )


def visible_complaints_q(user: User) -> Q | None:
    """A filter for the complaints ``user`` may see; None means all of them.

    Written as ``owner_id IN (SELECT id FROM users WHERE …)``: the database settles who counts
    once, and the complaint scan needs no join to decide visibility. ``complaints.api.listing``
    writes the same condition out in SQL from the same ``sight``.
    """
    seen = sight(user)
    if seen.everyone:
        return None
    if seen.no_one:
        return Q(pk__in=[])
    people = Q(pk=seen.user_id)
    if seen.team_id:
        people |= Q(team_id=seen.team_id)
    if seen.manager_id:
        people |= Q(team__manager=seen.manager_id)
    return Q(owner_id__in=User.objects.filter(people).values("pk"))


def supervises(user: User, complaint: Complaint) -> bool:
    """True when ``user`` may act on the complaint as the owner's manager (or as admin)."""
    if not user.has_perm("complaints.supervise_complaint"):
        return False
    if user.has_perm("complaints.view_all_complaints"):
        return True
    team = complaint.owner.team
    return team is not None and team.manager_id == user.pk


def can_work(user: User, complaint: Complaint) -> bool:
    if not user.is_active or not user.has_perm("complaints.work_complaint"):
        return False
    return complaint.owner_id == user.pk or supervises(user, complaint)


def ensure_can_work(user: User, complaint: Complaint) -> None:
    if not can_work(user, complaint):
        raise ActionForbidden(_("Only the owner of this complaint or their manager may do this."))


def can_own(user: User) -> bool:
    """Whether a complaint may be given to ``user`` (an active agent, manager or admin)."""
    return user.is_active and user.has_perm("complaints.work_complaint")
