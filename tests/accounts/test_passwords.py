"""Passwords are hashed with Argon2id; an older hash still signs in and is upgraded then.

The suite itself hashes with MD5 for speed (config/test_settings.py); these tests put the
production list back."""

from __future__ import annotations

import importlib

from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import Client, override_settings

from accounts.models import User

PASSWORD = "secret-pass-123"


def _production_hashers() -> list[str]:
    production = importlib.import_module("config.settings")
    return list(production.PASSWORD_HASHERS)


def test_the_production_settings_hash_with_argon2_first():
    hashers = _production_hashers()
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers[1:]


def test_a_new_password_is_an_argon2id_hash(agent):
    with override_settings(PASSWORD_HASHERS=_production_hashers()):
        agent.set_password("a-new-one-2026")
        agent.save()
        assert agent.password.startswith("argon2$argon2id$")
        assert identify_hasher(agent.password).algorithm == "argon2"
        assert check_password("a-new-one-2026", agent.password)


def test_a_pbkdf2_password_signs_in_and_is_upgraded_to_argon2id(agent):
    with override_settings(PASSWORD_HASHERS=_production_hashers()):
        User.objects.filter(pk=agent.pk).update(
            password=make_password(PASSWORD, hasher="pbkdf2_sha256")
        )
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        response = client.post("/login/", {"username": "anna", "password": PASSWORD})

        assert response.status_code == 302
        assert "_auth_user_id" in client.session
        agent.refresh_from_db()
        assert agent.password.startswith("argon2$argon2id$")
        assert check_password(PASSWORD, agent.password)
        # The upgraded hash signs in again.
        again = Client()
        assert again.post("/login/", {"username": "anna", "password": PASSWORD}).status_code == 302
