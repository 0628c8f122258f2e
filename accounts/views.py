from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.models import User
from accounts.services import user_language_set


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a logged-in user keeps the choice in their settings.

    The user's setting wins over the browser and the cookie (UserLanguageMiddleware), so
    switching must change the setting too, or the switch would seem to do nothing.
    """
    if isinstance(request.user, User) and request.user.is_authenticated:
        user_language_set(user=request.user, language=request.POST.get("language", ""))
    return set_language(request)
