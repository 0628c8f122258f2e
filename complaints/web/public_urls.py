"""The customer's public pages, in Dutch under /klacht/ and in English under /complaint/."""

from __future__ import annotations

from django.urls import path

from complaints.web import public

urlpatterns = [
    path("klacht/", public.complaint_form, {"language": "nl"}, name="public-form-nl"),
    path("complaint/", public.complaint_form, {"language": "en"}, name="public-form-en"),
    path(
        "klacht/status/<str:token>/",
        public.status_page,
        {"language": "nl"},
        name="public-status-nl",
    ),
    path(
        "complaint/status/<str:token>/",
        public.status_page,
        {"language": "en"},
        name="public-status-en",
    ),
]
