"""The API refuses in JSON everywhere: 401 (asking for a token), 404, 405, 400 and 500 too.

The pages keep their HTML error pages. A view that raises is mounted by this module's own URL
conf, in front of the site's, with the site's error handlers (``config.urls``).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site
from tests.factories import CustomerFactory, make_complaint

SECRET = "the-secret-in-the-traceback"


@api_view(["GET"])
@permission_classes([AllowAny])
def api_boom(request: Request) -> Response:
    raise RuntimeError(SECRET)


def plain_boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET)


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404(SECRET)


urlpatterns = [
    path("api/test-boom/", api_boom),
    path("api/test-plain-boom/", plain_boom),
    path("api/test-suspicious/", suspicious),
    path("api/test-forbidden/", forbidden),
    path("api/test-missing/", missing),
    path("test-boom/", plain_boom),
    path("test-suspicious/", suspicious),
    *site,
]


def _assert_json_refusal(response: HttpResponse, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert SECRET not in response.content.decode()
    assert "Traceback" not in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("url", ["/api/test-boom/", "/api/test-plain-boom/"])
def test_an_exception_in_an_api_view_is_a_json_500_without_the_traceback(db, url):
    response = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en").get(url)
    _assert_json_refusal(response, 500, "server_error")
    assert response.json()["detail"] == (
        "The server could not finish this request; the error has been logged."
    )


@override_settings(ROOT_URLCONF=__name__)
def test_the_500_is_said_in_dutch(db):
    response = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="nl").get(
        "/api/test-boom/"
    )
    assert response.json()["detail"] == (
        "De server kon dit verzoek niet afmaken; de fout is vastgelegd."
    )


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/test-suspicious/", 400, "bad_request"),
        ("/api/test-forbidden/", 403, "forbidden"),
        ("/api/test-missing/", 404, "not_found"),
    ],
)
def test_djangos_own_refusals_under_the_api_are_json(db, url, status, code):
    response = Client(raise_request_exception=False).get(url)
    _assert_json_refusal(response, status, code)


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_keeps_its_html_500_and_400(db):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    error = client.get("/test-boom/")
    assert error.status_code == 500
    assert error["Content-Type"].startswith("text/html")
    assert "Something went wrong" in error.content.decode()
    assert SECRET not in error.content.decode()
    bad = client.get("/test-suspicious/")
    assert bad.status_code == 400
    assert "The request could not be understood" in bad.content.decode()


@pytest.mark.parametrize("url", ["/api/nothing-here/", "/api/complaints/KL-2026-999999/"])
def test_an_unknown_api_address_is_a_json_404(api_as, agent, url):
    response = api_as(agent).get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) >= {"detail"}


def test_a_page_that_does_not_exist_is_the_html_404(client, agent):
    client.force_login(agent)
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "url"),
    [("put", "/api/complaints/"), ("delete", "/api/complaints/"), ("post", "/api/me/")],
)
def test_a_method_the_endpoint_does_not_take_is_a_json_405(api_as, agent, method, url):
    response = getattr(api_as(agent), method)(url, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("credentials", [None, "Token not-a-token", "Token ", "Basic YTpi"])
def test_missing_or_bad_credentials_are_a_401_that_asks_for_a_token(db, credentials):
    client = APIClient()
    if credentials is not None:
        client.credentials(HTTP_AUTHORIZATION=credentials)
    response = client.get("/api/complaints/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_every_api_route_asks_an_anonymous_caller_for_a_token(agent):
    from tests.complaints.test_api_auth import PUBLIC, _api_routes, _kwargs, _methods

    complaint = make_complaint(owner=agent, customer=CustomerFactory())
    client = APIClient()
    answers = []
    for _route, entry in _api_routes():
        if entry.name in PUBLIC:
            continue
        url = reverse(entry.name, kwargs=_kwargs(entry, complaint, complaint.customer))
        for method in sorted(_methods(entry)):
            response = getattr(client, method)(url, {}, format="json")
            answers.append(
                (
                    method,
                    url,
                    response.status_code,
                    response.get("WWW-Authenticate"),
                    response["Content-Type"],
                )
            )
    assert len(answers) > 40
    wrong = [a for a in answers if a[2:] != (401, "Token", "application/json")]
    assert wrong == []
