from __future__ import annotations

from django.urls import path

from reports import web

urlpatterns = [
    path("reports/", web.report_list, name="report-list"),
    path("reports/<int:pk>/", web.report_detail, name="report-page"),
    path("reports/<int:pk>/csv/", web.report_csv, name="report-page-csv"),
    path("reports/<int:pk>/pdf/", web.report_pdf, name="report-page-pdf"),
]
