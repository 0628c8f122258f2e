"""Every page is served with a Content-Security-Policy that allows no inline script or style,
and has none; HTTPS settings follow DEBUG and the proxy; ``check --deploy`` is clean with the
production settings the README lists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from common.csp import REDOC_STYLE_HASHES, style_hashes
from complaints.coulance import services as coulance
from complaints.models import CoulanceLetter
from complaints.scheduling.dispatch import survey_token
from complaints.states import Stage
from reports.services import report_generate
from tests.coulance.conftest import ask
from tests.factories import CustomerFactory, advance, make_complaint

ROOT = Path(__file__).resolve().parents[2]

# Markup a strict policy refuses: a <script> without src (JSON data blocks excepted), an event
# handler attribute, a style attribute, a <style> element.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def _assert_strict(response: Any, url: str) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{url}: no Content-Security-Policy"
    assert "unsafe-inline" not in header, (url, header)
    assert "unsafe-eval" not in header, (url, header)
    policy = _directives(header)
    assert policy["default-src"] == ["'self'"], url
    assert policy["script-src"] == ["'self'"], url
    assert policy["object-src"] == ["'none'"], url
    assert policy["form-action"] == ["'self'"], url
    return policy


def _assert_no_inline_markup(response: Any, url: str) -> None:
    html = response.content.decode()
    for name, pattern in [
        ("inline script", INLINE_SCRIPT),
        ("event handler", HANDLER_ATTRIBUTE),
        ("style attribute", STYLE_ATTRIBUTE),
        ("style element", STYLE_ELEMENT),
    ]:
        found = pattern.search(html)
        assert found is None, f"{url}: {name}: {html[found.start() : found.start() + 120]!r}"


@pytest.fixture
def pages(agent: User, manager: User, quality: User, admin_user: User) -> list[tuple[Any, str]]:
    """(user or None, path) for every kind of page, with real objects behind them."""
    complaint = make_complaint(owner=agent, customer=CustomerFactory(language="nl"))
    resolved = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    request = ask(resolved, agent)
    coulance.coulance_request_approve(coulance_request=request, actor=manager)
    letter = CoulanceLetter.objects.get(request=request)
    follow_up = resolved.follow_ups.get()
    from complaints.models import SurveyInvitation

    invitation = SurveyInvitation.objects.create(
        follow_up=follow_up,
        public_id="csp-test",
        language="nl",
        created_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=30),
    )
    today = timezone.localdate()
    report = report_generate(start=date(today.year, 1, 1), end=today, actor=quality)
    return [
        (None, "/login/"),
        (None, "/admin/login/"),
        (None, "/api/docs/"),
        (None, "/api/redoc/"),
        (None, f"/survey/{survey_token(invitation.public_id)}/"),
        (agent, "/"),
        (agent, "/complaints/new/"),
        (agent, f"/complaints/{complaint.reference}/"),
        (agent, f"/complaints/{resolved.reference}/"),
        (agent, f"/coulance/letters/{letter.pk}/"),
        (agent, "/callbacks/"),
        (agent, "/follow-ups/"),
        (agent, "/notifications/"),
        (agent, "/figures/me/"),
        (manager, "/team/"),
        (manager, "/team/broken-promises/"),
        (manager, "/coulance/"),
        (manager, "/figures/"),
        (quality, "/reports/"),
        (quality, f"/reports/{report.pk}/"),
        (quality, "/actions/"),
        (quality, "/taxonomy/"),
        (quality, "/imports/"),
        (quality, f"/customers/{complaint.customer.pk}/privacy/"),
        (admin_user, "/admin/"),
        (admin_user, "/admin/axes/accessattempt/"),
        (admin_user, "/admin/accounts/user/"),
    ]


def test_every_page_has_a_strict_policy_and_no_inline_script_or_style(pages):
    for user, url in pages:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        policy = _assert_strict(response, url)
        assert policy["frame-ancestors"] == ["'none'"], url
        if not url.startswith("/admin/"):
            # Django's admin has a few style attributes of its own (and lives with them:
            # they are only ignored); our pages have none.
            _assert_no_inline_markup(response, url)


def test_the_api_answers_carry_the_policy_too(api_as, agent):
    response = api_as(agent).get("/api/me/")
    assert response.status_code == 200
    _assert_strict(response, "/api/me/")


def test_swagger_takes_its_script_from_a_url_not_inline(db):
    client = Client()
    page = client.get("/api/docs/")
    script_src = re.findall(r'<script src="([^"]+)"', page.content.decode())
    own = [src for src in script_src if src.startswith("/api/docs/")]
    assert own == ["/api/docs/?script="]
    script = client.get(own[0])
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_redoc_gets_a_nonce_for_the_styles_it_inserts_and_nothing_else(db):
    page = Client().get("/api/redoc/")
    policy = _assert_strict(page, "/api/redoc/")
    nonce = re.search(r'data-style-nonce="([^"]+)"', page.content.decode())
    assert nonce is not None
    assert policy["style-src"] == ["'self'", f"'nonce-{nonce.group(1)}'", *REDOC_STYLE_HASHES]
    # Another page, no nonce: style-src is the site's own files only.
    assert _directives(Client().get("/login/")["Content-Security-Policy"])["style-src"] == [
        "'self'"
    ]
    again = re.search(r'data-style-nonce="([^"]+)"', Client().get("/api/redoc/").content.decode())
    assert again is not None
    assert again.group(1) != nonce.group(1)


def test_the_letter_preview_allows_exactly_its_own_style_and_the_review_frame(agent, manager):
    resolved = advance(make_complaint(owner=agent), to=Stage.RESOLVED)
    request = ask(resolved, agent)
    coulance.coulance_request_approve(coulance_request=request, actor=manager)
    letter = CoulanceLetter.objects.get(request=request)
    client = Client()
    client.force_login(agent)

    preview = client.get(f"/coulance/letters/{letter.pk}/preview/")
    assert preview.status_code == 200
    html = preview.content.decode()
    hashes = style_hashes(html)
    assert len(hashes) == 1
    policy = _assert_strict(preview, "preview")
    assert policy["style-src"] == ["'self'", *hashes]
    assert policy["frame-ancestors"] == ["'self'"]

    # The same letter through the API: its style too, but no frame.
    api = client.get(f"/api/coulance-letters/{letter.pk}/html/")
    assert api.status_code == 200
    api_policy = _assert_strict(api, "api html")
    assert api_policy["style-src"] == ["'self'", *hashes]
    assert api_policy["frame-ancestors"] == ["'none'"]


def test_a_changed_style_block_has_another_hash():
    one = style_hashes("<style>body { color: red; }</style>")
    other = style_hashes("<style>body { color: blue; }</style>")
    assert len(one) == len(other) == 1
    assert one != other
    # The hash is the one browsers compute: base64 of SHA-256 over the element's text.
    assert style_hashes("<style></style>") == [
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    ]


# --- HTTPS and check --deploy ------------------------------------------------------------------

# The production settings the README lists (section Production > Security), with a made-up
# host and key.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-variety-0123456789-XYZ",
    "ALLOWED_HOSTS": "klachten.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://klachten.example.com",
    "TRUSTED_PROXY_COUNT": "1",
    "SECURE_HSTS_PRELOAD": "true",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
}
_CHECK_ID = re.compile(r"\(([a-z_.]+\.[WE]\d+)\)")


def _environment(tmp_path: Path, **env: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "DJANGO_", "THROTTLE_", "LOGIN_"))
        and k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "TRUSTED_PROXY_COUNT", "CACHE_URL"}
    }
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "KLACHTWIJZER_VAR_DIR": str(tmp_path / "var"),
        **env,
    }


def _check_deploy(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=_environment(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_is_clean_with_the_readme_production_settings(tmp_path):
    result = _check_deploy(tmp_path, **PRODUCTION)
    output = result.stdout + result.stderr
    assert _CHECK_ID.findall(output) == [], output
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_check_deploy_says_so_when_https_is_left_to_the_proxy(tmp_path):
    """The test above can fail: switching the redirect off is warned about."""
    result = _check_deploy(tmp_path, **PRODUCTION, SECURE_SSL_REDIRECT="false")
    assert "security.W008" in result.stdout + result.stderr


def _settings(tmp_path: Path, names: list[str], **env: str) -> list[str]:
    code = "import config.settings as s; " + "; ".join(f"print(repr(s.{n}))" for n in names)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_environment(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


HTTPS_NAMES = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
]


def test_https_is_on_without_debug_and_the_proxy_header_only_when_a_proxy_is_trusted(tmp_path):
    secret = {"SECRET_KEY": PRODUCTION["SECRET_KEY"]}
    assert _settings(tmp_path, HTTPS_NAMES, DEBUG="false", **secret) == [
        "True",
        str(365 * 24 * 3600),
        "True",
        "True",
        "None",
    ]
    behind = _settings(tmp_path, HTTPS_NAMES, DEBUG="false", TRUSTED_PROXY_COUNT="1", **secret)
    assert behind[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    redirected = _settings(
        tmp_path, HTTPS_NAMES, DEBUG="false", SECURE_SSL_REDIRECT="false", **secret
    )
    assert redirected[:4] == ["False", str(365 * 24 * 3600), "True", "True"]
    assert _settings(tmp_path, HTTPS_NAMES, DEBUG="true") == [
        "False",
        "0",
        "False",
        "False",
        "None",
    ]
