from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import MeView, TokenDetailView, TokenListView, TokenObtainView
from accounts.throttling import SignInRateThrottle
from common.csp import REDOC_STYLE_HASHES
from complaints.web.survey import survey


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def api_not_found(request: Request, rest: str = "") -> Response:
    """An address under /api/ that names nothing (``/api/promises/abc/``): a 404 in the API's
    JSON like every other refusal, not Django's HTML page."""
    raise NotFound


# Django's error views answer JSON under /api/, the site's pages elsewhere (config.exceptions).
handler400 = "config.exceptions.bad_request"
handler403 = "config.exceptions.permission_denied"
handler404 = "config.exceptions.page_not_found"
handler500 = "config.exceptions.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "api/auth/token/",
        TokenObtainView.as_view(throttle_classes=[SignInRateThrottle]),
        name="api-token",
    ),
    path("api/auth/tokens/", TokenListView.as_view(), name="api-token-list"),
    path("api/auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("api/me/", MeView.as_view(), name="api-me"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/redoc/",
        csp_update({"style-src": REDOC_STYLE_HASHES})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
    path("api/", include("complaints.api.urls")),
    path("api/", include("reports.api.urls")),
    # [\s\S], not ".": a path with a newline in it (%0A) is under /api/ too.
    re_path(r"^api/(?P<rest>[\s\S]*)$", api_not_found),
    path("survey/<str:token>/", survey, name="survey"),
    path("", include("complaints.web.public_urls")),
    path("", include("reports.urls")),
    path("", include("complaints.web.urls")),
    path("", include("accounts.urls")),
]
