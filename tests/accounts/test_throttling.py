"""The API's throttles: per user when signed in, per address when not, the token endpoint
stricter; a 429 with Retry-After and the API's error body; counts in a cache every node shares."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken, User
from config.env import cache_from_url, envrate
from tests.factories import api_key

RATES = {"anon": "3/minute", "user": "3/minute", "sign_in": "2/minute"}


@pytest.fixture
def rates(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Low rates for these tests. DRF's throttles read the rates into the class when it is
    imported, so the settings cannot be overridden for them; the class attribute is."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", RATES)
    cache.clear()
    yield RATES
    cache.clear()


def _token_client(user: User, address: str = "10.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


def _assert_throttled(response) -> None:
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"] == f"Too many requests; try again in {wait} seconds." or (
        wait == 1 and body["detail"] == "Too many requests; try again in 1 second."
    )
    assert set(body) == {"detail", "code"}


def test_a_signed_in_user_is_throttled_per_user(rates, agent, other_agent):
    client = _token_client(agent)
    for _ in range(3):
        assert client.get("/api/me/").status_code == 200
    _assert_throttled(client.get("/api/me/"))
    # The same user from another address is the same count; a colleague has their own.
    assert _token_client(agent, "10.0.0.2").get("/api/me/").status_code == 429
    assert _token_client(other_agent).get("/api/me/").status_code == 200


def test_anonymous_calls_are_throttled_per_address(rates, db):
    client = APIClient(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    schema = "/api/schema/?format=json"  # open to anyone
    for _ in range(3):
        assert client.get(schema).status_code == 200
    _assert_throttled(client.get(schema))
    assert APIClient(REMOTE_ADDR="10.0.0.2").get(schema).status_code == 200


def test_the_throttle_answer_speaks_dutch(rates, agent):
    client = _token_client(agent)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"
    for _ in range(3):
        client.get("/api/me/")
    response = client.get("/api/me/")
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert response.json()["detail"].startswith(
        f"Te veel verzoeken; probeer het over {wait} seconde"
    )


def test_the_token_endpoint_has_its_own_stricter_rate_per_address(rates, agent):
    client = APIClient(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    # Other usernames each time: the throttle counts tries, not one user's failures (axes).
    for name in ("x1", "x2"):
        body = {"username": name, "password": "wrong"}
        assert client.post("/api/auth/token/", body, format="json").status_code == 400
    right = {"username": "anna", "password": "secret-pass-123"}
    _assert_throttled(client.post("/api/auth/token/", right, format="json"))
    assert not ApiToken.objects.filter(user=agent).exists()
    other = APIClient(REMOTE_ADDR="10.0.0.2").post("/api/auth/token/", right, format="json")
    assert other.status_code == 200


def test_every_throttled_operation_documents_the_429(db):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert "/api/auth/token/" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)
            body = operation["responses"]["429"]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}


def _redis_url() -> str:
    """The broker's Redis (CI runs on it), on a database of its own for these keys."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        message = "the shared-cache test needs CELERY_BROKER_URL=redis://…"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{message} in CI")
        pytest.skip(message)
    return broker


def test_the_counts_live_in_redis_where_every_web_node_sees_them(rates, agent):
    import redis

    url = _redis_url()
    prefix = f"kw-test-{uuid.uuid4().hex}"
    caches = {"default": {**cache_from_url(url), "KEY_PREFIX": prefix}}
    raw = redis.Redis.from_url(url)
    try:
        with override_settings(CACHES=caches):
            client = _token_client(agent)
            for _ in range(3):
                assert client.get("/api/me/").status_code == 200
            # Another web node: its own process, the same Redis. Here: the count is in Redis,
            # so it survives this process forgetting everything it held.
            keys = raw.keys(f"{prefix}:*")
            assert [k for k in keys if b"throttle_user_" in k], keys
            _assert_throttled(client.get("/api/me/"))
    finally:
        for key in raw.scan_iter(f"{prefix}:*"):
            raw.delete(key)
        raw.close()


def test_cache_url_chooses_the_backend():
    assert cache_from_url("redis://127.0.0.1:6379/2") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/2",
    }
    assert cache_from_url("")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url("memcached://127.0.0.1:11211")
    assert urlsplit(cache_from_url("rediss://cache:6380/0")["LOCATION"]).port == 6380


@pytest.mark.parametrize("bad", ["60", "sixty/minute", "0/minute", "60/fortnight", "60/"])
def test_a_malformed_rate_fails_loudly(monkeypatch, bad):
    monkeypatch.setenv("SOME_RATE", bad)
    with pytest.raises(ImproperlyConfigured, match="SOME_RATE"):
        envrate("SOME_RATE", "60/minute")


def test_a_rate_comes_from_the_environment(monkeypatch):
    assert envrate("SOME_RATE", "60/minute") == "60/minute"
    monkeypatch.setenv("SOME_RATE", "5/second")
    assert envrate("SOME_RATE", "60/minute") == "5/second"
