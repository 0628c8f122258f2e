"""DRF token authentication that loads the user's team with the token and speaks their language."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        try:
            # The team comes along: complaint responses show the owner's team.
            token = Token.objects.select_related("user__team").get(key=key)
        except Token.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # UserLanguageMiddleware only sees session users; a token user's setting counts as well.
        if getattr(user, "language", ""):
            translation.activate(user.language)
        return user, token
