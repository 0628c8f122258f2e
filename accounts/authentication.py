"""API token authentication: one statement finds the token with its user and team, and the
user's language counts.

``Authorization: Token <key>`` as DRF's TokenAuthentication reads it; the key itself is not
stored (see ``accounts.tokens``). The row is found by the key's prefix and accepted when the
key's SHA-256 digest matches in constant time, the token is neither revoked nor expired and
its user is active; anything else is a 401 with ``WWW-Authenticate: Token``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts import tokens
from accounts.models import ApiToken, Team, User
from accounts.services import token_used
from dbperf import sql

_TOKEN = tuple(ApiToken._meta.concrete_fields)
_USER = tuple(User._meta.concrete_fields)
_TEAM = tuple(Team._meta.concrete_fields)
_TOKEN_NAMES = [field.attname for field in _TOKEN]
_USER_NAMES = [field.attname for field in _USER]
_TEAM_NAMES = [field.attname for field in _TEAM]
_DIGEST = _TOKEN_NAMES.index("digest")
# One statement for every request: the tokens with the key's prefix (as good as always one),
# each with its user and the user's team (the complaint answers show the owner's team), written
# out so that no request pays for building it.
_SQL = (
    "SELECT "
    + ", ".join(sql.column(field, "t") for field in _TOKEN)
    + ", "
    + ", ".join(sql.column(field, "u") for field in _USER)
    + ", "
    + ", ".join(sql.column(field, "tm") for field in _TEAM)
    + f" FROM {sql.table(ApiToken)} t"
    + f" JOIN {sql.table(User)} u"
    + f" ON {sql.column(User._meta.pk, 'u')} = {sql.column(ApiToken._meta.get_field('user'), 't')}"
    + f" LEFT JOIN {sql.table(Team)} tm"
    + f" ON {sql.column(Team._meta.pk, 'tm')} = {sql.column(User._meta.get_field('team'), 'u')}"
    + f" WHERE {sql.column(ApiToken._meta.get_field('prefix'), 't')} = %s"
)


def token_user(key: str) -> tuple[User, ApiToken] | None:
    """The user of the token whose key is ``key``, with their team, and the token; None for a
    key that matches no token (revoked and expired ones are found: the caller says why not)."""
    digest = tokens.key_digest(key)
    rows = sql.select(_SQL, [tokens.key_prefix(key)], (*_TOKEN, *_USER, *_TEAM))
    # Every candidate is compared, so the time taken does not say which one matched.
    matched = [row for row in rows if tokens.key_matches(digest, row[_DIGEST])]
    if not matched:
        return None
    row = matched[0]
    token_values = row[: len(_TOKEN)]
    user_values = row[len(_TOKEN) : len(_TOKEN) + len(_USER)]
    team_values = row[len(_TOKEN) + len(_USER) :]
    user = User.from_db("default", _USER_NAMES, user_values)
    team = None if team_values[0] is None else Team.from_db("default", _TEAM_NAMES, team_values)
    user._state.fields_cache["team"] = team
    token = ApiToken.from_db("default", _TOKEN_NAMES, token_values)
    token._state.fields_cache["user"] = user
    return user, token


def token_refusal(token: ApiToken, user: User, now: datetime) -> str | None:
    """Why ``token`` opens nothing any more, in words; None when it is good."""
    if token.revoked_at is not None:
        return str(_("This token has been revoked."))
    if token.expires <= now:
        return str(_("This token has expired."))
    if not user.is_active:
        return str(_("User inactive or deleted."))
    return None


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        found = token_user(key)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, token = found
        now = timezone.now()
        refusal = token_refusal(token, user, now)
        if refusal is not None:
            raise exceptions.AuthenticationFailed(refusal)
        token_used(token=token, now=now)
        # UserLanguageMiddleware only sees session users; a token user's setting counts as well.
        if getattr(user, "language", ""):
            translation.activate(user.language)
        return user, token
