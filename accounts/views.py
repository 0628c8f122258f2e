from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts.models import ApiToken, User
from accounts.selectors import token_get_for_user, token_list
from accounts.services import token_create, token_revoke, user_language_set
from common.web import actor


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a logged-in user keeps the choice in their settings.

    The user's setting wins over the browser and the cookie (UserLanguageMiddleware), so
    switching must change the setting too, or the switch would seem to do nothing.
    """
    if isinstance(request.user, User) and request.user.is_authenticated:
        user_language_set(user=request.user, language=request.POST.get("language", ""))
    return set_language(request)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “CRM link” or “monthly export”."),
    )


def _token_page(
    request: HttpRequest, form: TokenForm, *, new_key: str = "", new_token: ApiToken | None = None
) -> HttpResponse:
    response = render(
        request,
        "accounts/tokens.html",
        {
            "tokens": token_list(user=actor(request)),
            "form": form,
            "new_key": new_key,
            "new_token": new_token,
            "ttl_days": settings.TOKEN_TTL_DAYS,
        },
    )
    if new_key:
        response["Cache-Control"] = "no-store"  # the key is shown once, and kept nowhere
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tokens_page(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: the list, and a new one whose key is shown on this answer only.

    No redirect after creating: the key is in this page alone, never in a session or a URL.
    """
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            token, key = token_create(user=actor(request), name=form.cleaned_data["name"])
            return _token_page(request, TokenForm(), new_key=key, new_token=token)
        return _token_page(request, form)
    return _token_page(request, TokenForm())


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's tokens, after a confirmation (GET asks, POST revokes)."""
    user = actor(request)
    token = token_get_for_user(user=user, pk=pk)
    if request.method == "POST":
        token_revoke(token=token, actor=user)
        messages.success(
            request, _("The token %(prefix)s… no longer opens the API.") % {"prefix": token.prefix}
        )
        return redirect("tokens-page")
    return render(request, "accounts/token_revoke.html", {"token": token})
