from __future__ import annotations

from django.urls import path

from reports import actions_web, agents_web, imports_web, taxonomy_web, web

urlpatterns = [
    path("reports/", web.report_list, name="report-list"),
    path("reports/<int:pk>/", web.report_detail, name="report-page"),
    path("reports/<int:pk>/csv/", web.report_csv, name="report-page-csv"),
    path("reports/<int:pk>/pdf/", web.report_pdf, name="report-page-pdf"),
    path("figures/", agents_web.agent_figures_list, name="agent-figures"),
    path("figures/me/", agents_web.my_figures, name="my-figures"),
    path("figures/<int:pk>/", agents_web.agent_figures_page, name="agent-figures-page"),
    path("actions/", actions_web.action_list_page, name="action-list"),
    path("actions/<int:pk>/", actions_web.action_page, name="action-page"),
    path("actions/<int:pk>/<slug:step>/", actions_web.action_step_page, name="action-step"),
    path("imports/", imports_web.import_page, name="import-page"),
    path("imports/<int:pk>/", imports_web.import_result, name="import-result"),
    path("imports/jobs/<int:pk>/", imports_web.import_job_page, name="import-job"),
    path(
        "imports/jobs/<int:pk>/progress/",
        imports_web.import_job_progress,
        name="import-job-progress",
    ),
    path("imports/jobs/<int:pk>/cancel/", imports_web.import_job_cancel, name="import-job-cancel"),
    path("taxonomy/", taxonomy_web.taxonomy_page, name="taxonomy"),
    path("taxonomy/<int:pk>/", taxonomy_web.taxonomy_edit, name="taxonomy-edit"),
    path(
        "taxonomy/<int:pk>/<slug:change>/",
        taxonomy_web.taxonomy_change,
        name="taxonomy-change",
    ),
]
