"""The coulance panel on the complaint page, and whether the approval queue is for a user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from common.errors import DomainError
from common.web import actor
from complaints import policies
from complaints.coulance import selectors as coulance_selectors
from complaints.coulance import services as coulance
from complaints.models import Complaint
from complaints.web.coulance_forms import CoulanceRequestForm


def may_decide(user: Any) -> bool:
    """Whether the approval queue is for ``user`` (managers and admins)."""
    return bool(user.is_authenticated and user.has_perm("complaints.supervise_complaint"))


def panel_context(
    request: HttpRequest, complaint: Complaint, *, form: CoulanceRequestForm | None = None
) -> dict[str, Any]:
    """The complaint page's coulance panel: requests, letters, the total and the request form."""
    user = actor(request)
    try:
        coulance.check_may_request(complaint, user)  # the same rule the request itself meets
        may_request = True
    except DomainError:
        may_request = False
    return {
        "coulance_requests": list(coulance_selectors.coulance_for_complaint(complaint=complaint)),
        "coulance_total": coulance_selectors.coulance_total_granted(complaint=complaint),
        "coulance_form": form
        or (CoulanceRequestForm(auto_id="coulance-%s") if may_request else None),
        # A letter whose sending failed may be sent again from here by who works the complaint.
        "coulance_may_resend": policies.can_work(user, complaint),
    }
