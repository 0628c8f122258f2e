from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from accounts.api import MeView
from complaints.survey import survey

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/auth/token/", obtain_auth_token, name="api-token"),
    path("api/me/", MeView.as_view(), name="api-me"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("api/", include("complaints.api.urls")),
    path("api/", include("reports.api.urls")),
    path("survey/<str:token>/", survey, name="survey"),
    path("", include("reports.urls")),
    path("", include("complaints.web.urls")),
    path("", include("accounts.urls")),
]
