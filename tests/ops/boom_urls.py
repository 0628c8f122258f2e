"""The project's addresses plus one view that fails, for the error-reporting test."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom from the error-reporting test")


urlpatterns = [path("boom/", boom, name="boom"), path("", include("config.urls"))]
