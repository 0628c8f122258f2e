from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import ApiToken, Team, User
from accounts.services import token_revoke
from accounts.signals import approvers_changed

# The fields whose change can move a pending coulance request to another manager.
USER_APPROVER_FIELDS = {"approval_limit", "groups", "is_active", "team", "reports_to"}
TEAM_APPROVER_FIELDS = {"manager"}


def _announce(request: HttpRequest) -> None:
    """Tell the other apps, once the admin's transaction has committed."""
    actor = request.user if isinstance(request.user, User) else None
    transaction.on_commit(lambda: approvers_changed.send(sender=User, actor=actor))


class _AnnouncesApprovers:
    """Admin mixin: saving or deleting a row that shapes the approval chain announces it."""

    approver_fields: set[str] = set()

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        # The m2m (roles) are saved by now; a new row cannot be in anyone's chain yet.
        if change and self.approver_fields & set(form.changed_data):
            _announce(request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        _announce(request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        _announce(request)


@admin.register(Team)
class TeamAdmin(_AnnouncesApprovers, admin.ModelAdmin[Team]):
    list_display = ["name", "manager"]
    search_fields = ["name"]
    autocomplete_fields = ["manager"]
    approver_fields = TEAM_APPROVER_FIELDS


@admin.register(User)
class UserAdmin(_AnnouncesApprovers, DjangoUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "team", "is_active", "approval_limit"]
    list_filter = ["groups", "team", "is_active"]
    autocomplete_fields = ["team", "reports_to"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Klachtwijzer"), {"fields": ["team", "language", "approval_limit", "reports_to"]}),
    )
    approver_fields = USER_APPROVER_FIELDS


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Every user's API tokens, read-only (the key is never stored); an administrator may revoke
    any of them. New tokens are made by their users, who alone see the key. Deleting stays
    Django's (superusers): deleting a user deletes their tokens."""

    list_display = ["prefix", "name", "user", "created", "expires", "last_used", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires"]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user"]
    fields = ("user", "name", "prefix", "created", "expires", "last_used", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = request.user
        if not isinstance(actor, User):
            return
        revoked = sum(token_revoke(token=token, actor=actor) for token in queryset)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
