"""Roles, login and logout, and the admin's read-only audit trail."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import GROUP_NAMES, ROLE_PERMISSIONS, Role
from complaints.models import ComplaintEvent
from tests.factories import make_complaint


@pytest.mark.parametrize("role", list(Role))
def test_role_groups_carry_exactly_their_permissions(db, role):
    group = Group.objects.get(name=GROUP_NAMES[role])
    granted = {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    assert granted == set(ROLE_PERMISSIONS[role])


def test_user_roles_follow_groups(agent, manager, quality, admin_user):
    assert agent.roles == [Role.AGENT]
    assert manager.roles == [Role.MANAGER]
    assert quality.roles == [Role.QUALITY]
    assert admin_user.has_role(Role.ADMIN)
    assert not agent.has_perm("complaints.supervise_complaint")
    assert manager.has_perm("complaints.supervise_complaint")
    assert not quality.has_perm("complaints.work_complaint")


def test_login_page_logs_in_and_shows_the_user(client, agent):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    response = client.post(
        reverse("login"), {"username": "anna", "password": "secret-pass-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert str(agent) in response.content.decode()


def test_wrong_password_is_refused_with_a_message(client, agent):
    response = client.post(reverse("login"), {"username": "anna", "password": "wrong"})
    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous
    assert 'role="alert"' in response.content.decode()


def test_logout_ends_the_session(client, agent):
    client.force_login(agent)
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # back to the login page


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_counts_my_open_complaints(client, agent):
    make_complaint(owner=agent)
    make_complaint(owner=agent)
    client.force_login(agent)
    assert "2" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_admin_shows_audit_events_read_only(client, agent):
    from accounts.models import User

    superuser = User.objects.create_superuser("root", "root@example.com", "x-secret-123")
    complaint = make_complaint(owner=agent)
    event = ComplaintEvent.objects.get(complaint=complaint)
    client.force_login(superuser)
    listing = client.get(reverse("admin:complaints_complaintevent_changelist"))
    assert listing.status_code == 200
    assert complaint.reference in listing.content.decode()
    assert client.get(reverse("admin:complaints_complaintevent_add")).status_code == 403
    change = client.post(
        reverse("admin:complaints_complaintevent_change", args=[event.pk]), {"type": "closed"}
    )
    assert change.status_code == 403
    event.refresh_from_db()
    assert event.type == "complaint_received"
    assert client.get(reverse("admin:complaints_rootcause_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).status_code
        == 200
    )


def test_a_token_users_language_setting_beats_the_browsers(agent):
    from rest_framework.test import APIClient

    from tests.factories import api_key

    agent.language = "en"
    agent.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(agent)}")

    response = client.post("/api/complaints/", {}, format="json", HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 400
    assert response.json()["subject"] == ["This field is required."]
    assert response["Content-Language"] == "en"
