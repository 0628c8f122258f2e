"""Template context for every page: the numbers on the navigation's badges."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from complaints.coulance.selectors import coulance_pending_count
from complaints.web.callbacks import unread_count
from complaints.web.coulance_panel import may_decide


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Badges: unread notifications for everyone, the approval queue for managers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context: dict[str, Any] = {"notifications_unread": unread_count(user=user)}
    if may_decide(user):
        context["coulance_pending"] = coulance_pending_count(user=user)
    return context
