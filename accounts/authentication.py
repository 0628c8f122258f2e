"""DRF token authentication that loads the user's team with the token and speaks their language."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.models import Team, User
from dbperf import sql

_USER = tuple(User._meta.concrete_fields)
_TEAM = tuple(Team._meta.concrete_fields)
_CREATED = Token._meta.get_field("created")
_USER_NAMES = [field.attname for field in _USER]
_TEAM_NAMES = [field.attname for field in _TEAM]
# One statement for every request: the token's user with their team (the complaint answers show
# the owner's team), written out so that no request pays for building it.
_SQL = (
    f"SELECT {sql.column(_CREATED, 't')}, "
    + ", ".join(sql.column(field, "u") for field in _USER)
    + ", "
    + ", ".join(sql.column(field, "tm") for field in _TEAM)
    + f" FROM {sql.table(Token)} t"
    + f" JOIN {sql.table(User)} u"
    + f" ON {sql.column(User._meta.pk, 'u')} = {sql.column(Token._meta.get_field('user'), 't')}"
    + f" LEFT JOIN {sql.table(Team)} tm"
    + f" ON {sql.column(Team._meta.pk, 'tm')} = {sql.column(User._meta.get_field('team'), 'u')}"
    + f" WHERE {sql.column(Token._meta.pk, 't')} = %s"
)


def token_user(key: str) -> tuple[User, Token] | None:
    """The user of token ``key`` with their team, and the token; None for an unknown key."""
    rows = sql.select(_SQL, [key], (_CREATED, *_USER, *_TEAM))
    if not rows:
        return None
    created, *values = rows[0]
    user = User.from_db("default", _USER_NAMES, values[: len(_USER)])
    team_values = values[len(_USER) :]
    team = None if team_values[0] is None else Team.from_db("default", _TEAM_NAMES, team_values)
    user._state.fields_cache["team"] = team
    token = Token.from_db("default", ["key", "user_id", "created"], [key, user.pk, created])
    token._state.fields_cache["user"] = user
    return user, token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        found = token_user(key)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, token = found
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # UserLanguageMiddleware only sees session users; a token user's setting counts as well.
        if getattr(user, "language", ""):
            translation.activate(user.language)
        return user, token
