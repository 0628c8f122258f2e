"""Admin for the taxonomy and customers; complaints and their audit trail are read-only here.

Stages change only through the workflow, so the admin never offers them for editing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import DomainError, InvalidData
from complaints import privacy, services
from complaints.coulance import letterhead_admin  # noqa: F401 (registers the letterhead's admin)
from complaints.mail import admin as mail_admin  # noqa: F401 (registers the incoming email's admin)
from complaints.models import (
    AccessKind,
    AccessVia,
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


class CustomerAdminForm(forms.ModelForm[Customer]):
    """The customer's details, with the reason that a new email address or phone number needs."""

    reason = forms.CharField(
        label=_("Why the details change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when the email address or the phone number changes. Kept in the audit "
            "trail of each of the customer's complaints."
        ),
    )

    class Meta:
        model = Customer
        fields = ["name", "email", "phone", "customer_number", "language"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.instance.erased_at is not None:
            raise forms.ValidationError(
                _(
                    "This customer's personal data was erased on their request: register the "
                    "customer anew."
                )
            )
        if not (data.get("email") or data.get("phone")) and "email" not in self.errors:
            self.add_error(
                "email", _("Give an email address or a phone number to reach the customer.")
            )
        reached = {"email", "phone"} & set(self.changed_data)
        if self.instance.pk and reached and not (data.get("reason") or "").strip():
            self.add_error(
                "reason",
                _(
                    "Say why the email address or phone number changes (for example: the "
                    "customer asked for it on the phone)."
                ),
            )
        return data


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    """Customers, changed through ``services`` as anywhere else: audited, recorded, confirmed.

    The list masks email addresses and phone numbers (a directory is not needed to find one);
    opening a customer is recorded as a view. Deleting is not offered: erasure on request is on
    the customer's privacy page."""

    form = CustomerAdminForm
    list_display = ["name", "customer_number", "masked_email", "masked_phone", "language"]
    search_fields = ["name", "customer_number", "email", "phone"]
    readonly_fields = ["created_at", "erased_at"]

    @admin.display(description=_("email"))
    def masked_email(self, obj: Customer) -> str:
        return privacy.mask_email(obj.email)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Customer) -> str:
        return privacy.mask_phone(obj.phone)

    def has_delete_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        customer = self.get_object(request, object_id)
        if request.method == "GET" and response.status_code == 200 and customer is not None:
            privacy.access_record(
                actor=_user(request),
                kind=AccessKind.CUSTOMER_VIEWED,
                via=AccessVia.WEB,
                customer_id=customer.pk,
            )
        return response

    def save_model(
        self, request: HttpRequest, obj: Customer, form: forms.ModelForm[Customer], change: bool
    ) -> None:
        user = _user(request)
        fields = {name: form.cleaned_data[name] for name in CustomerAdminForm.Meta.fields}
        try:
            if change:
                changed = {k: v for k, v in fields.items() if k in form.changed_data}
                saved = services.customer_update(
                    customer=obj,
                    actor=user,
                    via=AccessVia.WEB,
                    reason=form.cleaned_data.get("reason") or "",
                    **changed,
                )
            else:
                saved = services.customer_create(actor=user, **fields)
        except (InvalidData, DomainError) as error:
            # The form checked the same (reachable, reason); only a change made meanwhile by
            # someone else (an erasure) gets here, and the admin's transaction writes nothing.
            raise PermissionDenied(str(error)) from error
        obj.pk = saved.pk
        obj.refresh_from_db()


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise TypeError("user is not a User")
    return user


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

    list_display = ["at", "kind", "via", "user", "customer", "complaint", "detail"]
    list_filter = ["kind", "via"]
    search_fields = ["complaint__reference", "user__username", "customer__customer_number"]
    list_select_related = ["user", "customer", "complaint"]
    date_hierarchy = "at"
