"""API tokens: kept as hashes, expiring, listed and revoked by their users, in the API, on a page
and in the admin; DRF's old tokens carried over by the data migration."""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.authentication import TokenAuthentication
from accounts.models import ApiToken, User
from accounts.services import token_create, token_revoke
from accounts.tokens import PREFIX_LENGTH, key_digest
from tests.factories import api_key

PASSWORD = "secret-pass-123"  # the factories' password
TOKEN_FIELDS = {"id", "name", "prefix", "created", "expires", "last_used"}


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _login_token(api: APIClient, **extra: str) -> dict[str, object]:
    response = api.post("/api/auth/token/", {"username": "anna", "password": PASSWORD, **extra})
    assert response.status_code == 200, response.content
    return response.json()


# --- Storage -------------------------------------------------------------------------------------


def test_only_the_keys_digest_and_prefix_are_stored(agent):
    token, key = token_create(user=agent, name="CRM")
    assert len(key) >= 43  # 32 random bytes
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    assert stored.prefix == key[:PREFIX_LENGTH]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken WHERE id = %s", [token.pk])
        row = cursor.fetchone()
    assert not any(isinstance(value, str) and key in value for value in row)


def test_two_tokens_never_share_a_key(agent):
    keys = {token_create(user=agent, name=f"t{i}")[1] for i in range(20)}
    assert len(keys) == 20
    assert ApiToken.objects.filter(user=agent).values("digest").distinct().count() == 20


# --- POST /api/auth/token/ -----------------------------------------------------------------------


@time_machine.travel("2026-12-07 10:00:00+00:00", tick=False)
def test_a_login_answers_the_token_with_its_id_and_expiry(api, agent):
    body = _login_token(api, name="nightly export")
    stored = ApiToken.objects.get(user=agent)
    assert body["id"] == stored.pk
    assert body["name"] == "nightly export"
    assert body["expires"] == "2027-01-06T11:00:00+01:00"  # 30 days, Amsterdam time
    assert stored.expires == timezone.now() + timedelta(days=30)
    assert "digest" not in body
    assert _client(str(body["token"])).get("/api/me/").json()["username"] == "anna"


def test_a_login_takes_text_only(api, agent):
    response = api.post("/api/auth/token/", {"username": "anna", "password": 123})
    assert response.status_code == 400
    assert list(response.json()) == ["password"]
    assert not ApiToken.objects.exists()


def test_a_login_form_still_gets_a_token(agent):
    """Scripts post the login as a form (scripts/api_contract.sh does), as DRF's view allowed."""
    client = APIClient()
    response = client.post(
        "/api/auth/token/",
        "username=anna&password=" + PASSWORD,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    assert ApiToken.objects.get(user=agent).digest == key_digest(response.json()["token"])


def test_every_login_makes_a_token_of_its_own(api, agent):
    first, second = _login_token(api), _login_token(api)
    assert first["token"] != second["token"]
    assert ApiToken.objects.filter(user=agent).count() == 2


@override_settings(TOKEN_TTL_DAYS=2)
def test_the_lifetime_comes_from_the_setting(api, agent):
    before = timezone.now()
    _login_token(api)
    expires = ApiToken.objects.get(user=agent).expires
    assert before + timedelta(days=2) <= expires <= timezone.now() + timedelta(days=2)


def test_a_bad_header_on_the_login_does_not_stop_it(agent):
    """The login reads no credentials but the body: a stale token beside it changes nothing."""
    body = _login_token(_client("stale"))
    assert body["token"]


# --- Expired, revoked, unknown: 401 ---------------------------------------------------------------


def test_an_expired_token_is_refused_with_401_and_a_reason(agent):
    key = api_key(agent)
    with time_machine.travel(timezone.now() + timedelta(days=30, seconds=1)):
        response = _client(key).get("/api/me/", HTTP_ACCEPT_LANGUAGE="en")
        dutch = _client(key).get("/api/me/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "This token has expired."}
    assert dutch.json() == {"detail": "Dit token is verlopen."}


def test_a_token_works_until_its_expiry(agent):
    key = api_key(agent)
    with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
        assert _client(key).get("/api/me/").status_code == 200


def test_a_revoked_token_is_refused_with_401(agent):
    key = api_key(agent)
    client = _client(key)
    assert client.get("/api/me/").status_code == 200
    token_revoke(token=ApiToken.objects.get(digest=key_digest(key)), actor=agent)
    response = client.get("/api/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "This token has been revoked."}


def test_a_key_with_a_known_prefix_but_wrong_rest_is_refused(agent):
    key = api_key(agent)
    forged = key[:PREFIX_LENGTH] + "x" * (len(key) - PREFIX_LENGTH)
    response = _client(forged).get("/api/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_two_tokens_with_the_same_prefix_each_open_for_their_own_user(agent, other_agent):
    """The prefix only narrows the search; the digest decides (a shared prefix is rare, not
    impossible)."""
    token, key = token_create(user=agent, name="a")
    other_key = key[:PREFIX_LENGTH] + "B" * (len(key) - PREFIX_LENGTH)
    ApiToken.objects.create(
        user=other_agent,
        name="b",
        prefix=token.prefix,
        digest=key_digest(other_key),
        expires=token.expires,
    )
    assert _client(key).get("/api/me/").json()["username"] == "anna"
    assert _client(other_key).get("/api/me/").json()["username"] == "bram"


# --- One statement per request; last use written at most once an hour ----------------------------


def _authenticate(key: str) -> tuple[User, ApiToken]:
    request = RequestFactory().get("/api/me/", HTTP_AUTHORIZATION=f"Token {key}")
    found = TokenAuthentication().authenticate(request)
    assert found is not None
    return found


def test_authentication_is_one_statement_and_writes_the_last_use_once_an_hour(agent):
    token, key = token_create(user=agent, name="CRM")
    assert token.last_used is None
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with CaptureQueriesContext(connection) as first:
            user, got = _authenticate(key)
        with CaptureQueriesContext(connection) as again:
            _authenticate(key)
    assert (user.pk, got.pk) == (agent.pk, token.pk)
    # The first use: the one SELECT, and the UPDATE of the last use.
    assert len(first.captured_queries) == 2
    assert first.captured_queries[1]["sql"].startswith("UPDATE")
    assert ApiToken.objects.get(pk=token.pk).last_used == start
    # Within the hour: the SELECT alone, nothing written.
    assert len(again.captured_queries) == 1
    assert again.captured_queries[0]["sql"].startswith("SELECT")

    with (
        time_machine.travel(start + timedelta(minutes=59), tick=False),
        CaptureQueriesContext(connection) as later,
    ):
        _authenticate(key)
    assert len(later.captured_queries) == 1
    with (
        time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False),
        CaptureQueriesContext(connection) as next_hour,
    ):
        _authenticate(key)
    assert len(next_hour.captured_queries) == 2
    assert ApiToken.objects.get(pk=token.pk).last_used == start + timedelta(hours=1, seconds=1)


def test_the_token_brings_its_user_and_team_without_further_queries(agent):
    key = api_key(agent)
    with CaptureQueriesContext(connection) as queries:
        user, token = _authenticate(key)
        assert user.team is not None
        assert user.team.name == "Klantenservice Noord"
        assert token.user is user
    assert len(queries.captured_queries) == 1


# --- /api/auth/tokens/ ----------------------------------------------------------------------------


def test_the_list_shows_the_users_working_tokens_without_their_keys(agent, other_agent):
    crm, crm_key = token_create(user=agent, name="CRM")
    _export, export_key = token_create(user=agent, name="export")
    revoked, _ = token_create(user=agent, name="old")
    token_revoke(token=revoked, actor=agent)
    expired, _ = token_create(user=agent, name="expired")
    ApiToken.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(minutes=1))
    token_create(user=other_agent, name="Bram's")

    response = _client(crm_key).get("/api/auth/tokens/")

    assert response.status_code == 200
    body = response.json()
    assert [item["name"] for item in body] == ["export", "CRM"]
    assert all(set(item) == TOKEN_FIELDS for item in body)
    assert body[1]["prefix"] == crm_key[:PREFIX_LENGTH]
    assert body[1]["last_used"] is not None  # this very request
    for key in (crm_key, export_key):
        assert key not in response.content.decode()
    assert crm.digest not in response.content.decode()


def test_a_token_made_with_a_name_shows_its_key_once(agent):
    client = APIClient()
    client.force_authenticate(agent)
    response = client.post("/api/auth/tokens/", {"name": "CRM link"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == TOKEN_FIELDS | {"token"}
    assert body["name"] == "CRM link"
    assert response["Cache-Control"] == "no-store"
    assert _client(body["token"]).get("/api/me/").status_code == 200
    listed = client.get("/api/auth/tokens/")
    assert body["token"] not in listed.content.decode()
    assert [item["id"] for item in listed.json()] == [body["id"]]


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 101}, {"name": 0}])
def test_a_token_needs_a_name(agent, body):
    client = APIClient()
    client.force_authenticate(agent)
    response = client.post("/api/auth/tokens/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    assert not ApiToken.objects.exists()


def test_deleting_a_token_revokes_it_and_is_logged(agent, caplog):
    caplog.set_level(logging.INFO, logger="accounts.tokens")
    keep_key = api_key(agent)
    token, key = token_create(user=agent, name="CRM")
    client = _client(keep_key)

    response = client.delete(f"/api/auth/tokens/{token.pk}/")

    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _client(key).get("/api/me/").status_code == 401
    assert client.get("/api/me/").status_code == 200  # the other token still works
    assert client.delete(f"/api/auth/tokens/{token.pk}/").status_code == 404  # gone already
    messages = [r.getMessage() for r in caplog.records if r.name == "accounts.tokens"]
    assert any(f"API token {token.pk} " in m and "created for user" in m for m in messages)
    assert any(
        f"API token {token.pk} " in m and f"revoked by user {agent.pk}" in m for m in messages
    )


def test_another_users_token_is_not_found_and_keeps_working(agent, other_agent):
    theirs, their_key = token_create(user=other_agent, name="Bram's")
    response = _client(api_key(agent)).delete(f"/api/auth/tokens/{theirs.pk}/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert _client(their_key).get("/api/me/").status_code == 200


def test_the_token_endpoints_are_in_the_schema(api, db):
    import json

    schema = json.loads(api.get("/api/schema/", {"format": "json"}).content)
    paths = schema["paths"]
    assert set(paths["/api/auth/tokens/"]) >= {"get", "post"}
    (detail,) = [p for p in paths if p.startswith("/api/auth/tokens/{")]
    assert {"401", "403", "404"} <= set(paths[detail]["delete"]["responses"])
    obtained = paths["/api/auth/token/"]["post"]["responses"]["200"]["content"]
    ref = obtained["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"token", "id", "expires"} <= set(schema["components"]["schemas"][ref]["properties"])
    listed = schema["components"]["schemas"]["ApiToken"]["properties"]
    assert set(listed) == TOKEN_FIELDS


# --- The page -------------------------------------------------------------------------------------


@pytest.fixture
def web(agent) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent)
    return client


def test_the_header_links_to_the_token_page(web):
    page = web.get(reverse("home")).content.decode()
    assert 'href="/account/tokens/"' in page


def test_the_page_lists_the_users_tokens_only(web, agent, other_agent):
    token_create(user=agent, name="CRM link")
    token_create(user=other_agent, name="Zebra export")
    page = web.get("/account/tokens/").content.decode()
    assert "CRM link" in page
    assert "Zebra export" not in page
    assert "never" in page  # not used yet


def test_a_token_made_on_the_page_shows_its_key_once_with_a_warning(web, agent):
    response = web.post("/account/tokens/", {"name": "CRM link"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    key = re.search(r'id="new-key"[^>]*value="([^"]+)"', page)
    assert key is not None
    assert "it is shown only this once" in page
    token = ApiToken.objects.get(user=agent)
    assert token.name == "CRM link"
    assert token.digest == key_digest(key.group(1))
    assert _client(key.group(1)).get("/api/me/").status_code == 200
    # Shown once: the next visit lists the token, not its key.
    again = web.get("/account/tokens/").content.decode()
    assert "CRM link" in again
    assert key.group(1) not in again


def test_the_page_speaks_dutch(agent):
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(agent)
    page = client.post("/account/tokens/", {"name": "CRM"}).content.decode()
    assert "Kopieer de sleutel nu" in page
    assert "Nieuw token" in page


def test_a_token_without_a_name_is_refused_in_words(web, agent):
    response = web.post("/account/tokens/", {"name": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert 'id="new-key"' not in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_on_the_page_asks_first(web, agent):
    token, key = token_create(user=agent, name="Nightly sync")
    confirm = web.get(f"/account/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # asking revokes nothing

    done = web.post(f"/account/tokens/{token.pk}/revoke/", follow=True)

    assert done.redirect_chain[-1][0] == "/account/tokens/"
    assert f"The token {token.prefix}… no longer opens the API." in done.content.decode()
    assert "Nightly sync" not in done.content.decode().split("<main", 1)[1]
    assert _client(key).get("/api/me/").status_code == 401


def test_another_users_token_cannot_be_revoked_on_the_page(web, other_agent):
    theirs, _ = token_create(user=other_agent, name="Bram's")
    assert web.get(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert web.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_pages_carry_no_inline_script_or_style(web, agent):
    token, _ = token_create(user=agent, name="CRM")
    for page in (
        web.get("/account/tokens/"),
        web.post("/account/tokens/", {"name": "x"}),
        web.get(f"/account/tokens/{token.pk}/revoke/"),
    ):
        html = page.content.decode()
        assert " style=" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_the_page_needs_a_login(db):
    response = Client().get("/account/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- The admin ------------------------------------------------------------------------------------


def test_an_administrator_sees_every_token_and_revokes_any(admin_user, agent, other_agent):
    mine, _ = token_create(user=agent, name="CRM")
    theirs, their_key = token_create(user=other_agent, name="export")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    url = reverse("admin:accounts_apitoken_changelist")
    listing = client.get(url)
    assert listing.status_code == 200
    assert mine.prefix in listing.content.decode()
    assert theirs.prefix in listing.content.decode()
    assert mine.digest not in listing.content.decode()
    assert client.get(reverse("admin:accounts_apitoken_change", args=[mine.pk])).status_code == 200

    response = client.post(url, {"action": "revoke", "_selected_action": [theirs.pk]}, follow=True)

    assert "1 token revoked." in response.content.decode()
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.revoked_at is not None
    assert mine.revoked_at is None
    assert _client(their_key).get("/api/me/").status_code == 401


def test_an_agent_has_no_token_admin(agent):
    client = Client()
    client.force_login(agent)
    response = client.get(reverse("admin:accounts_apitoken_changelist"))
    assert response.status_code == 302  # to the admin's login: not staff


# --- The data migration from DRF's tokens ---------------------------------------------------------


# Outside a test transaction: SQLite's schema editor cannot run inside one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_drf_tokens_become_hashed_tokens_and_the_old_table_goes(agent):
    migration = importlib.import_module("accounts.migrations.0007_tokens_from_drf")
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # DRF's format: 40 hex characters
    created = timezone.now() - timedelta(days=400)
    moment = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE authtoken_token ("key" varchar(40) NOT NULL PRIMARY KEY, '
            f'"created" {moment} NOT NULL, "user_id" bigint NOT NULL)'
        )
        cursor.execute(
            'INSERT INTO authtoken_token ("key", "created", "user_id") VALUES (%s, %s, %s)',
            [old_key, created, agent.pk],
        )
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            ["authtoken", "0001_initial", timezone.now()],
        )

    with connection.schema_editor() as editor:
        migration.forward(apps, editor)

    token = ApiToken.objects.get(user=agent)
    assert token.digest == key_digest(old_key)
    assert token.prefix == old_key[:PREFIX_LENGTH]
    assert abs(token.created - created) < timedelta(seconds=1)
    # Valid for TOKEN_TTL_DAYS from the migration, however old the key was.
    assert timedelta(days=29, hours=23) < token.expires - timezone.now() <= timedelta(days=30)
    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = %s", ["authtoken"])
        assert cursor.fetchone()[0] == 0
    # The same key keeps working, in the same header.
    me = _client(old_key).get("/api/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "anna"


# Outside a test transaction: SQLite's schema editor cannot run inside one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_data_migration_leaves_a_database_without_drf_tokens_alone(agent):
    migration = importlib.import_module("accounts.migrations.0007_tokens_from_drf")
    token_create(user=agent, name="CRM")
    with connection.schema_editor() as editor:
        migration.forward(apps, editor)
    assert ApiToken.objects.count() == 1
