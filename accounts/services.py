"""Writes on users that the people themselves may make."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User


def user_language_set(*, user: User, language: str) -> bool:
    """Remember ``language`` as the user's choice; False (and nothing written) if unknown."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        return False
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return True
