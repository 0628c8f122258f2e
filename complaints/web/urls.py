from __future__ import annotations

from django.urls import path, register_converter

from complaints.web import (
    attachments,
    callbacks,
    complaint,
    coulance,
    privacy,
    saved_filters,
    team,
    work,
)


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
    path("customers/<int:pk>/privacy/", privacy.customer_privacy, name="customer-privacy"),
    path(
        "customers/<int:pk>/privacy/export/",
        privacy.customer_privacy_export,
        name="customer-privacy-export",
    ),
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
        "complaints/<ref:reference>/attachments/",
        attachments.complaint_attachment_upload,
        name="complaint-page-attachments",
    ),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment-download"),
    path(
        "complaints/<ref:reference>/answer/",
        complaint.complaint_answer,
        name="complaint-page-answer",
    ),
    path(
        "complaints/<ref:reference>/coulance/",
        coulance.coulance_request,
        name="complaint-page-coulance",
    ),
    path(
        "complaints/<ref:reference>/<slug:transition>/",
        complaint.complaint_transition,
        name="complaint-page-step",
    ),
    path("team/", team.team_complaints, name="team-complaints"),
    path("team/bulk-reassign/", team.team_bulk_reassign, name="team-bulk-reassign"),
    path(
        "saved-filters/<slug:page>/save/",
        saved_filters.saved_filter_save,
        name="saved-filter-save",
    ),
    path(
        "saved-filters/<int:pk>/delete/",
        saved_filters.saved_filter_delete,
        name="saved-filter-delete",
    ),
    path("callbacks/", callbacks.callbacks_page, name="callbacks"),
    path("callbacks/<int:pk>/kept/", callbacks.callback_keep, name="callback-keep"),
    path(
        "callbacks/<int:pk>/unreachable/",
        callbacks.callback_reschedule,
        name="callback-reschedule",
    ),
    path("callbacks/<int:pk>/cancel/", callbacks.callback_cancel, name="callback-cancel"),
    path("follow-ups/", callbacks.follow_ups_page, name="follow-ups"),
    path(
        "follow-ups/<int:pk>/complete/",
        callbacks.follow_up_complete,
        name="follow-up-page-complete",
    ),
    path("follow-ups/<int:pk>/waive/", callbacks.follow_up_waive, name="follow-up-page-waive"),
    path("team/broken-promises/", callbacks.broken_promises_page, name="broken-promises"),
    path("notifications/", callbacks.notifications_page, name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        callbacks.notification_read,
        name="notification-page-read",
    ),
    path(
        "notifications/read-all/",
        callbacks.notifications_all_read,
        name="notifications-all-read",
    ),
    path("coulance/", coulance.coulance_queue, name="coulance-queue"),
    path(
        "coulance/<int:pk>/<str:decision>/",
        coulance.coulance_decide,
        name="coulance-decide",
    ),
    path("coulance/letters/<int:pk>/", coulance.letter_page, name="letter-page"),
    path(
        "coulance/letters/<int:pk>/preview/",
        coulance.letter_preview,
        name="letter-page-preview",
    ),
    path("coulance/letters/<int:pk>/pdf/", coulance.letter_pdf, name="letter-page-pdf"),
    path("coulance/letters/<int:pk>/edit/", coulance.letter_edit, name="letter-page-edit"),
    path("coulance/letters/<int:pk>/send/", coulance.letter_send, name="letter-page-send"),
    path(
        "coulance/letters/<int:pk>/new-version/",
        coulance.letter_new_version,
        name="letter-page-new-version",
    ),
    path("team/<ref:reference>/reassign/", team.team_reassign, name="team-reassign"),
]
