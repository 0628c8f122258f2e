"""Template context for every page: the number on the approval queue's badge."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from complaints.coulance.selectors import coulance_pending_count
from complaints.web.coulance import may_decide


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not may_decide(user):
        return {}
    return {"coulance_pending": coulance_pending_count(user=user)}
