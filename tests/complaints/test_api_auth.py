"""Every API route turns anonymous callers away; token and session logins both work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.tokens import key_digest
from complaints.models import Complaint, Customer
from tests.factories import CustomerFactory, api_key, make_complaint

PASSWORD = "secret-pass-123"  # the factories' password

# Routes a stranger may use: obtaining a token, and the API's description.
PUBLIC = {"api-token", "api-schema", "api-docs", "api-redoc"}

# Routes that must be among those walked, so an empty or broken walk cannot pass.
EXPECTED = {
    "api-root",
    "api-me",
    "customer-list",
    "customer-detail",
    "complaint-list",
    "complaint-detail",
    "complaint-understand",
    "complaint-apologise",
    "complaint-solve",
    "complaint-resolve",
    "complaint-close",
    "complaint-reopen",
    "complaint-transfer",
    "complaint-interactions",
    "complaint-timeline",
    "rootcause-list",
    "rootcause-detail",
    "api-token-list",
    "api-token-detail",
}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def _api_routes() -> list[tuple[str, URLPattern]]:
    """(route, pattern) for every URL pattern under /api/, format-suffix variants included."""
    return [
        (route, entry)
        for route, entry in _walk(get_resolver().url_patterns)
        if route.startswith("api/")
    ]


def _methods(entry: URLPattern) -> set[str]:
    """The HTTP methods the view behind ``entry`` answers (besides HEAD)."""
    view = entry.callback
    cls = view.cls
    allowed = set(cls.http_method_names) - {"head", "trace"}
    actions = getattr(view, "actions", None)
    offered = set(actions) if actions else {m for m in allowed if hasattr(cls, m)}
    return (offered | {"options"}) & allowed


def _kwargs(entry: URLPattern, complaint: Complaint, customer: Customer) -> dict[str, Any]:
    names = set(entry.pattern.regex.groupindex)
    values = {
        "reference": complaint.reference,
        "pk": customer.pk,
        "format": "json",
    }
    unknown = names - set(values)
    assert not unknown, f"{entry.name}: no test value for {unknown}"
    return {name: values[name] for name in names}


@pytest.fixture
def real_objects(agent: User) -> tuple[Complaint, Customer]:
    customer = CustomerFactory()
    return make_complaint(owner=agent, customer=customer), customer


def test_the_walk_finds_every_api_route(real_objects):
    names = {entry.name for _route, entry in _api_routes()}
    assert names >= EXPECTED | PUBLIC


def test_anonymous_callers_are_refused_on_every_api_route_and_method(api, real_objects):
    complaint, customer = real_objects
    checked = []
    walked = [(route, entry) for route, entry in _api_routes() if entry.name not in PUBLIC]
    for route, entry in walked:
        url = reverse(entry.name, kwargs=_kwargs(entry, complaint, customer))
        for method in sorted(_methods(entry)):
            response = getattr(api, method)(url, {}, format="json")
            checked.append((method.upper(), url, response.status_code))
            assert response.status_code in (401, 403), (method, route, response.status_code)
            # Nothing of the complaint or the customer leaks in the refusal.
            assert complaint.reference.encode() not in response.content
            assert customer.name.encode() not in response.content
    # Every pattern was requested, with its methods.
    assert len({url for _m, url, _s in checked}) == len(walked) >= len(EXPECTED)
    # Without credentials the answer is 401 (the token is asked for first), never a 403.
    assert ("POST", f"/api/complaints/{complaint.reference}/understand/", 401) in checked
    assert ("PATCH", f"/api/customers/{customer.pk}/", 401) in checked


def test_anonymous_writes_change_nothing(api, real_objects):
    complaint, customer = real_objects
    api.post(f"/api/complaints/{complaint.reference}/understand/", {}, format="json")
    api.patch(f"/api/complaints/{complaint.reference}/", {"subject": "Gekaapt"}, format="json")
    api.patch(f"/api/customers/{customer.pk}/", {"name": "Gekaapt"}, format="json")
    complaint.refresh_from_db()
    customer.refresh_from_db()
    assert complaint.stage == "received"
    assert complaint.subject != "Gekaapt"
    assert customer.name != "Gekaapt"


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_the_api_description_is_public(api, db, url):
    """drf-spectacular serves the schema and its viewers to anyone (SERVE_PERMISSIONS default)."""
    assert api.get(url).status_code == 200


def test_a_token_is_obtained_with_username_and_password_and_opens_the_api(api, agent):
    response = api.post(
        "/api/auth/token/", {"username": "anna", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    # Only the key's digest is kept, never the key.
    stored = ApiToken.objects.get(user=agent)
    assert stored.digest == key_digest(token) != token
    assert response.json()["id"] == stored.pk

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "anna"
    assert me.json()["team"] == "Klantenservice Noord"
    assert me.json()["roles"] == ["agent"]


def test_no_token_for_a_wrong_password(api, agent):
    response = api.post("/api/auth/token/", {"username": "anna", "password": "wrong"})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.filter(user=agent).exists()


def test_the_token_endpoint_only_accepts_post(api, db):
    assert api.get("/api/auth/token/").status_code == 405


def test_an_unknown_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get("/api/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Invalid token."}


def test_a_token_brings_its_user_as_the_orm_would_with_the_team_at_hand(agent, outsider):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.authentication import token_user

    agent.last_login = timezone.now()
    agent.save()
    key = api_key(agent)
    found = token_user(key)
    assert found is not None
    user, got = found
    expected = User.objects.get(pk=agent.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    stored = ApiToken.objects.get(digest=key_digest(key))
    for field in ApiToken._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(stored, field.attname), field.name
    assert timezone.is_aware(user.date_joined)
    assert timezone.is_aware(got.created)
    assert timezone.is_aware(got.expires)
    with CaptureQueriesContext(connection) as queries:
        assert user.team is not None
        assert user.team.name == "Klantenservice Noord"
        assert got.user is user
    assert len(queries.captured_queries) == 0
    assert token_user("0" * 40) is None
    assert token_user(key[:-1] + ("A" if key[-1] != "A" else "B")) is None  # same prefix


def test_a_token_of_an_inactive_user_is_refused(agent):
    key = api_key(agent)
    User.objects.filter(pk=agent.pk).update(is_active=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"] in {
        "User inactive or deleted.",
        "Gebruiker is niet actief of verwijderd.",
    }


def test_session_login_opens_the_api(api, agent):
    # Axes watches every authenticate(); it needs the request (Client.login passes none).
    assert api.login(request=HttpRequest(), username="anna", password=PASSWORD)
    response = api.get("/api/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "anna"


def test_session_writes_need_the_csrf_token(agent):
    """A logged-in browser session cannot be used by another site to log complaints."""
    client = APIClient(enforce_csrf_checks=True)
    client.get("/login/")  # the login page sets the CSRF cookie, as a browser would keep it
    assert client.login(request=HttpRequest(), username="anna", password=PASSWORD)
    customer = CustomerFactory()
    data = {"customer": customer.pk, "channel": "phone", "subject": "Storing", "facts": "Geen net."}

    refused = client.post("/api/complaints/", data, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Complaint.objects.exists()

    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/complaints/", data, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
    assert Complaint.objects.count() == 1
