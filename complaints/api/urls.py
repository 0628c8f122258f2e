from __future__ import annotations

from rest_framework.routers import DefaultRouter

from complaints.api.views import ComplaintViewSet, CustomerViewSet, RootCauseViewSet

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("root-causes", RootCauseViewSet, basename="rootcause")

urlpatterns = router.urls
