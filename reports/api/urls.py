from __future__ import annotations

from complaints.api.routers import Router
from reports.api.agent_figures import AgentFiguresViewSet
from reports.api.corrective_actions import CorrectiveActionViewSet
from reports.api.root_cause_reports import RootCauseReportViewSet
from reports.api.taxonomy import TaxonomyViewSet

router = Router()
router.include_root_view = False
router.register("agent-figures", AgentFiguresViewSet, basename="agent-figures")
router.register("corrective-actions", CorrectiveActionViewSet, basename="corrective-action")
router.register("root-cause-reports", RootCauseReportViewSet, basename="root-cause-report")
router.register("taxonomy", TaxonomyViewSet, basename="taxonomy")

urlpatterns = router.urls
