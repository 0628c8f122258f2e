from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from complaints.selectors import complaint_list
from complaints.states import OPEN_STAGES


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page after login: who you are and how many complaints you own."""
    user = request.user
    assert isinstance(user, User)  # login_required
    open_count = complaint_list(
        user=user, filters={"owner": user.pk, "stage": list(OPEN_STAGES)}
    ).count()
    return render(request, "accounts/home.html", {"open_count": open_count})
