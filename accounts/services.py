"""Writes on users that the people themselves may make, and on their API tokens."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts import tokens
from accounts.models import ApiToken, User

logger = logging.getLogger("accounts.tokens")


def user_language_set(*, user: User, language: str) -> bool:
    """Remember ``language`` as the user's choice; False (and nothing written) if unknown."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        return False
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return True


# --- API tokens ---------------------------------------------------------------------------------


def token_create(
    *, user: User, name: str, actor: User | None = None, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new API token of ``user``, valid ``TOKEN_TTL_DAYS``; the key is returned only here.

    Only the key's digest is stored: whoever asked must be shown the key now, or never.
    """
    now = now or timezone.now()
    key = tokens.key_new()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=tokens.key_prefix(key),
        digest=tokens.key_digest(key),
        created=now,
        expires=now + timedelta(days=settings.TOKEN_TTL_DAYS),
    )
    logger.info(
        "API token %s (%s…) created for user %s by user %s",
        token.pk,
        token.prefix,
        user.pk,
        (actor or user).pk,
        extra={"token_id": token.pk, "token_user_id": user.pk, "actor_id": (actor or user).pk},
    )
    return token, key


def token_revoke(*, token: ApiToken, actor: User, now: datetime | None = None) -> bool:
    """Revoke ``token`` (its owner, or an administrator in the admin); False if it already was.

    The row stays, with the moment, so the admin still shows when it stopped working.
    """
    now = now or timezone.now()
    # A guarded UPDATE: of two revocations at once, one changes the row and logs it.
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if not changed:
        return False
    token.revoked_at = now
    logger.info(
        "API token %s (%s…) of user %s revoked by user %s",
        token.pk,
        token.prefix,
        token.user_id,
        actor.pk,
        extra={"token_id": token.pk, "token_user_id": token.user_id, "actor_id": actor.pk},
    )
    return True


def token_used(*, token: ApiToken, now: datetime) -> None:
    """Note that ``token`` opened a request: at most once per ``TOKEN_LAST_USED_EVERY_SECONDS``.

    Written so rarely that a request with a token hardly ever writes; two workers that both see
    a stale moment both write, harmlessly (the later moment wins).
    """
    every = timedelta(seconds=settings.TOKEN_LAST_USED_EVERY_SECONDS)
    if token.last_used is not None and now - token.last_used < every:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    token.last_used = now
