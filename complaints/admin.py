"""Admin for the taxonomy and customers; complaints and their audit trail are read-only here.

Stages change only through the workflow, so the admin never offers them for editing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    ApologyStep,
    CallbackPromise,
    Complaint,
    ComplaintEvent,
    CoulanceLetter,
    CoulanceRequest,
    CoulanceStatus,
    Customer,
    DataAccess,
    FollowUp,
    Interaction,
    Notification,
    OutgoingEmail,
    OwnershipTransfer,
    RootCause,
    ScheduledJob,
    SolutionStep,
    UnderstandingStep,
)


class ReadOnlyAdminMixin:
    """Rows that only the domain code writes: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RootCause)
class RootCauseAdmin(admin.ModelAdmin[RootCause]):
    list_display = ["code", "name_nl", "name_en", "parent", "active"]
    list_filter = ["active", "parent"]
    search_fields = ["code", "name_nl", "name_en"]

    def has_delete_permission(self, request: HttpRequest, obj: RootCause | None = None) -> bool:
        # Causes in use are kept for history: retire them (active = off) instead.
        if obj is not None and (obj.complaints.exists() or obj.children.exists()):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ["name", "customer_number", "email", "phone", "language"]
    search_fields = ["name", "customer_number", "email", "phone"]


class _StepInline(ReadOnlyAdminMixin, admin.StackedInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False


class UnderstandingInline(_StepInline):
    model = UnderstandingStep


class ApologyInline(_StepInline):
    model = ApologyStep


class SolutionInline(_StepInline):
    model = SolutionStep


class InteractionInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Interaction
    extra = 0


class TransferInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = OwnershipTransfer
    fk_name = "complaint"
    extra = 0


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Complaint]):
    list_display = ["reference", "subject", "customer", "owner", "stage", "priority", "received_at"]
    list_filter = ["stage", "channel", "priority", "root_cause__parent"]
    search_fields = ["reference", "subject", "customer__name"]
    list_select_related = ["customer", "owner"]
    date_hierarchy = "received_at"
    inlines = [
        UnderstandingInline,
        ApologyInline,
        SolutionInline,
        InteractionInline,
        TransferInline,
    ]


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ComplaintEvent]):
    list_display = ["created_at", "complaint", "type", "actor", "from_stage", "to_stage"]
    list_filter = ["type"]
    search_fields = ["complaint__reference"]
    list_select_related = ["complaint", "actor"]


class CoulanceLetterInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = CoulanceLetter
    extra = 0
    fields = ("version", "status", "language", "subject", "frozen_at", "sent_at", "content_hash")
    readonly_fields = fields  # status is not editable at all: a form field would be refused


class WhoDecidesFilter(admin.SimpleListFilter):
    """Pending requests that wait for a manager, and those nobody can approve yet (a limit to
    raise, a manager to appoint: the administrator's to-do)."""

    title = _("who decides")
    parameter_name = "decides"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("someone", _("a manager")), ("nobody", _("nobody yet"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[CoulanceRequest]
    ) -> QuerySet[CoulanceRequest]:
        pending = queryset.filter(status=CoulanceStatus.PENDING)
        if self.value() == "someone":
            return pending.filter(waiting_for__isnull=False)
        if self.value() == "nobody":
            return pending.filter(waiting_for__isnull=True)
        return queryset


@admin.register(CoulanceRequest)
class CoulanceRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CoulanceRequest]):
    """Coulance is decided with four eyes through the application, never edited here."""

    list_display = [
        "complaint",
        "kind",
        "amount",
        "currency",
        "status",
        "requested_by",
        "waiting_for",
        "decided_by",
        "requested_at",
    ]
    list_filter = ["status", WhoDecidesFilter, "kind", "currency"]
    search_fields = ["complaint__reference"]
    list_select_related = ["complaint", "requested_by", "waiting_for", "decided_by"]
    readonly_fields = ["pending_reason"]
    inlines = [CoulanceLetterInline]

    @admin.display(description=_("why it is still pending"))
    def pending_reason(self, obj: CoulanceRequest) -> str:
        return obj.pending_reason


# --- Promises, follow-ups and the scheduler: written by their services and the dispatcher --------


@admin.register(CallbackPromise)
class CallbackPromiseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CallbackPromise]):
    list_display = ["due_at", "complaint", "owner", "channel", "state", "reminded_at", "ended_at"]
    list_filter = ["state", "origin", "channel"]
    search_fields = ["complaint__reference", "purpose"]
    list_select_related = ["complaint", "owner"]
    date_hierarchy = "due_at"


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[FollowUp]):
    list_display = ["due_at", "complaint", "owner", "state", "nps", "answered_via", "ended_at"]
    list_filter = ["state", "answered_via", "send_survey"]
    search_fields = ["complaint__reference"]
    list_select_related = ["complaint", "owner"]


@admin.register(ScheduledJob)
class ScheduledJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ScheduledJob]):
    """Due work: what the dispatcher will do, and what it did (done) or found moot (skipped)."""

    list_display = ["due_at", "kind", "complaint", "state", "done_at"]
    list_filter = ["state", "kind"]
    search_fields = ["key", "complaint__reference"]
    list_select_related = ["complaint"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[OutgoingEmail]):
    """The outbox: every email as rendered once, and whether it went out."""

    list_display = ["created_at", "template", "to", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "template", "language"]
    search_fields = ["key", "to", "subject"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Notification]):
    list_display = ["created_at", "recipient", "kind", "complaint", "read_at"]
    list_filter = ["kind"]
    search_fields = ["complaint__reference", "recipient__username"]
    list_select_related = ["recipient", "complaint"]


@admin.register(DataAccess)
class DataAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[DataAccess]):
    """Who looked at or handled which customer's personal data, and when."""

    list_display = ["at", "kind", "via", "user", "customer", "complaint"]
    list_filter = ["kind", "via"]
    search_fields = ["complaint__reference", "user__username", "customer__customer_number"]
    list_select_related = ["user", "customer", "complaint"]
    date_hierarchy = "at"
