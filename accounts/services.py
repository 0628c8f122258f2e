"""Writes on users that the people themselves may make, and on their API tokens."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import tokens
from accounts.models import ApiToken, SavedFilter, User
from common.errors import ErrorCollector

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


# --- Saved filters ------------------------------------------------------------------------------

# Parameters of a list's URL that are not its filter: the form's token, htmx's markers.
_NOT_FILTERS = {"csrfmiddlewaretoken", "name", "page"}


def _filter_query(query: str) -> str:
    """``query`` as a clean query string: parsed and encoded again, without what is no filter
    and without empty fields (a form sent as it came: "q=&stage=" filters nothing)."""
    parsed = QueryDict(query.lstrip("?"))
    kept = QueryDict(mutable=True)
    for key, values in parsed.lists():
        filled = [v for v in values if v.strip()]
        if key not in _NOT_FILTERS and filled:
            kept.setlist(key, filled)
    return kept.urlencode()


def saved_filter_create(*, user: User, page: str, name: str, query: str) -> SavedFilter:
    """Save the list's current filter under ``name`` for ``user``; ``InvalidData`` saves nothing.

    The name is unique per user and page, so the links under a list never read twice the same.
    """
    name = (name or "").strip()
    query = _filter_query(query or "")
    errors = ErrorCollector()
    errors.require("name", name)
    if "\x00" in name:  # no database column holds it
        errors.add("name", _("Null characters are not allowed."))
    if len(name) > SavedFilter.NAME_MAX:
        errors.add(
            "name",
            _("Give a name of at most %(max)d characters (this one has %(length)d).")
            % {"max": SavedFilter.NAME_MAX, "length": len(name)},
        )
    if page not in SavedFilter.Page.values:
        errors.add("page", _("Filters are saved on “My work” and on the team page only."))
    if len(query) > SavedFilter.QUERY_MAX:
        errors.add(
            "query",
            _("This filter is too long to save (at most %(max)d characters).")
            % {"max": SavedFilter.QUERY_MAX},
        )
    errors.raise_if_any()
    if SavedFilter.objects.filter(user=user, page=page, name=name).exists():
        errors.add("name", _("You already saved a filter named “%(name)s” here.") % {"name": name})
    errors.raise_if_any()
    try:
        with transaction.atomic():
            return SavedFilter.objects.create(user=user, page=page, name=name, query=query)
    except IntegrityError:  # saved at the same moment in another tab: the constraint decides
        errors.add("name", _("You already saved a filter named “%(name)s” here.") % {"name": name})
        errors.raise_if_any()
        raise


def saved_filter_delete(*, saved: SavedFilter, user: User) -> None:
    """Delete one of ``user``'s own saved filters; another's is left alone (never deleted)."""
    SavedFilter.objects.filter(pk=saved.pk, user=user).delete()
