"""Wrong passwords lock a user out from one address (django-axes): on the login page, the admin
and the token endpoint, with the minutes to wait in words, and an administrator unlocks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, User

PASSWORD = "secret-pass-123"  # the factories' password
LIMIT = settings.AXES_FAILURE_LIMIT
COOL_OFF_MINUTES = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def _web(address: str = "10.0.0.1", **extra: Any) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **extra)


def _sign_in(client: Client, username: str, password: str, **headers: Any) -> Any:
    return client.post("/login/", {"username": username, "password": password}, **headers)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail_until_locked(client: Client, username: str = "anna", **headers: Any) -> Any:
    """``LIMIT`` wrong passwords; the ones before the last are answered as any wrong one."""
    for _ in range(LIMIT - 1):
        response = _sign_in(client, username, "wrong", **headers)
        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content
    return _sign_in(client, username, "wrong", **headers)


def test_the_login_page_locks_after_the_limit_and_says_so_in_words(agent):
    client = _web()
    locked = _fail_until_locked(client)

    assert locked.status_code == 429
    text = locked.content.decode()
    assert (
        f"Too many failed sign-ins; try again in {COOL_OFF_MINUTES} minutes "
        "or ask an administrator."
    ) in text
    assert 0 < int(locked["Retry-After"]) <= COOL_OFF_MINUTES * 60

    # The right password now changes nothing: still locked, not signed in.
    again = _sign_in(client, "anna", PASSWORD)
    assert again.status_code == 429
    assert not _signed_in(client)
    assert AccessAttempt.objects.get(username="anna").failures_since_start == LIMIT


def test_the_lockout_page_speaks_dutch(agent):
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="nl")
    for _ in range(LIMIT):
        response = _sign_in(client, "anna", "wrong")
    assert response.status_code == 429
    assert (
        f"Te veel mislukte aanmeldpogingen; probeer het over {COOL_OFF_MINUTES} minuten "
        "opnieuw of vraag het een beheerder."
    ) in response.content.decode()
    assert "Aanmelden voorlopig geblokkeerd" in response.content.decode()


def test_the_lock_holds_one_user_from_one_address_only(agent, other_agent):
    _fail_until_locked(_web("10.0.0.1"))

    elsewhere = _web("10.0.0.2")
    assert _sign_in(elsewhere, "anna", PASSWORD).status_code == 302
    assert _signed_in(elsewhere)

    colleague = _web("10.0.0.1")
    assert _sign_in(colleague, "bram", PASSWORD).status_code == 302
    assert _signed_in(colleague)


def test_the_minutes_left_count_down_and_the_lock_ends_after_the_cool_off(agent):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail_until_locked(_web())
    with time_machine.travel(start + timedelta(minutes=COOL_OFF_MINUTES - 4), tick=False):
        waiting = _sign_in(_web(), "anna", PASSWORD)
        assert waiting.status_code == 429
        assert "try again in 4 minutes" in waiting.content.decode()
        assert int(waiting["Retry-After"]) == 4 * 60
    with time_machine.travel(start + timedelta(minutes=COOL_OFF_MINUTES, seconds=1), tick=False):
        client = _web()
        assert _sign_in(client, "anna", PASSWORD).status_code == 302
        assert _signed_in(client)


def test_a_right_password_before_the_limit_starts_the_count_again(agent):
    client = _web()
    for _ in range(LIMIT - 1):
        _sign_in(client, "anna", "wrong")
    assert _sign_in(client, "anna", PASSWORD).status_code == 302
    client.post("/logout/")
    assert _sign_in(client, "anna", "wrong").status_code == 200  # not yet locked again


def test_a_forwarded_address_is_not_believed_without_a_trusted_proxy(agent):
    client = _web("10.0.0.1")
    for n in range(LIMIT):
        response = _sign_in(client, "anna", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}


def test_behind_a_trusted_proxy_the_address_it_forwarded_counts(agent):
    rest = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    with override_settings(REST_FRAMEWORK=rest):
        proxy = _web("10.0.0.9")  # every request comes from the proxy
        # A client's own X-Forwarded-For is kept in front; the proxy's entry is the last one.
        locked = _fail_until_locked(proxy, HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")
        assert locked.status_code == 429
        assert AccessAttempt.objects.get().ip_address == "198.51.100.7"

        other_client = _sign_in(proxy, "anna", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8")
        assert other_client.status_code == 302


def test_the_admin_login_is_locked_too(admin_user):
    client = _web()
    for _ in range(LIMIT):
        response = client.post(
            "/admin/login/?next=/admin/", {"username": "admin", "password": "wrong"}
        )
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    refused = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert refused.status_code == 429
    assert not _signed_in(client)


def test_the_token_endpoint_locks_through_authenticate_and_answers_json(agent):
    api = APIClient(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    body = {"username": "anna", "password": "wrong"}
    for _ in range(LIMIT - 1):
        assert api.post("/api/auth/token/", body, format="json").status_code == 400

    locked = api.post("/api/auth/token/", body, format="json")
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json() == {
        "detail": (
            f"Too many failed sign-ins; try again in {COOL_OFF_MINUTES} minutes "
            "or ask an administrator."
        ),
        "code": "locked_out",
    }
    assert 0 < int(locked["Retry-After"]) <= COOL_OFF_MINUTES * 60

    right = api.post("/api/auth/token/", {"username": "anna", "password": PASSWORD}, format="json")
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out"
    assert not ApiToken.objects.filter(user=agent).exists()

    # The web login of the same user from the same address is locked as well.
    assert _sign_in(_web("10.0.0.1"), "anna", PASSWORD).status_code == 429


def test_an_administrator_unlocks_by_deleting_the_attempt_in_the_admin(agent, admin_user):
    _fail_until_locked(_web())
    attempt = AccessAttempt.objects.get(username="anna")

    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(admin_user)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert b"anna" in listing.content
    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert not AccessAttempt.objects.exists()

    client = _web()
    assert _sign_in(client, "anna", PASSWORD).status_code == 302
    assert _signed_in(client)


# The marker, not only the fixture: the user comes by getfixturevalue, which pytest-django cannot
# see when it orders the tests (database tests before the transactional ones).
@pytest.mark.django_db
@pytest.mark.parametrize("role_user", ["agent", "manager", "quality"])
def test_only_administrators_see_the_attempts(request, role_user):
    user: User = request.getfixturevalue(role_user)
    user.is_staff = True  # even with the admin's door open, the attempts stay closed
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
