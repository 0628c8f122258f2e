from __future__ import annotations

from django.urls import path

from complaints.api.attachments import AttachmentDownloadView, ComplaintAttachmentsView
from complaints.api.care import FollowUpViewSet, PromiseViewSet
from complaints.api.coulance import CoulanceRequestViewSet
from complaints.api.coulance_letters import CoulanceLetterViewSet
from complaints.api.notifications import NotificationViewSet
from complaints.api.routers import Router
from complaints.api.views import ComplaintViewSet, CustomerViewSet, RootCauseViewSet

router = Router()
router.register("customers", CustomerViewSet, basename="customer")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("root-causes", RootCauseViewSet, basename="rootcause")
router.register("promises", PromiseViewSet, basename="promise")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("coulance", CoulanceRequestViewSet, basename="coulance")
router.register("coulance-letters", CoulanceLetterViewSet, basename="coulance-letter")

urlpatterns = [
    path(
        "complaints/<reference:reference>/attachments/",
        ComplaintAttachmentsView.as_view(),
        name="api-complaint-attachments",
    ),
    path("attachments/<int:pk>/", AttachmentDownloadView.as_view(), name="api-attachment-download"),
    *router.urls,
]
