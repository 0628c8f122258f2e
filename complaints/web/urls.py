from __future__ import annotations

from django.urls import path, register_converter

from complaints.web import complaint, team, work


class ReferenceConverter:
    regex = r"KL-\d{4}-\d{6,}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "ref")

urlpatterns = [
    path("", work.my_work, name="home"),
    path("complaints/new/", work.complaint_new, name="complaint-new"),
    path("customers/search/", work.customer_search, name="customer-search"),
    path("complaints/<ref:reference>/", complaint.complaint_detail, name="complaint-page"),
    path(
        "complaints/<ref:reference>/transfer/",
        complaint.complaint_transfer,
        name="complaint-page-transfer",
    ),
    path(
        "complaints/<ref:reference>/contacts/",
        complaint.complaint_interaction,
        name="complaint-page-contact",
    ),
    path(
        "complaints/<ref:reference>/<slug:transition>/",
        complaint.complaint_transition,
        name="complaint-page-step",
    ),
    path("team/", team.team_complaints, name="team-complaints"),
    path("team/<ref:reference>/reassign/", team.team_reassign, name="team-reassign"),
]
