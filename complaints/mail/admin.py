"""The admin's list of incoming email: what each message became, and the quarantine with its
"retry" action (after fixing what was wrong: a team without agents, a customer's address)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints.mail.intake import IMPORTED, SKIPPED, inbound_retry
from complaints.models import InboundEmail, InboundState


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin[InboundEmail]):
    list_display = ["received_at", "mailbox", "sender", "subject", "state", "complaint", "reason"]
    list_filter = ["state", "mailbox"]
    search_fields = ["key", "sender", "subject", "complaint__reference"]
    list_select_related = ["complaint"]
    exclude = ["raw"]
    readonly_fields = [
        "mailbox",
        "key",
        "state",
        "reason",
        "sender",
        "subject",
        "attachments",
        "complaint",
        "interaction",
        "received_at",
        "updated_at",
    ]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Retry importing the selected quarantined messages"))
    def retry(self, request: HttpRequest, queryset: QuerySet[InboundEmail]) -> None:
        done = still = 0
        for inbound in queryset.filter(state=InboundState.QUARANTINED):
            outcome = inbound_retry(inbound=inbound)
            if outcome.state in {IMPORTED, SKIPPED}:
                done += 1
            else:
                still += 1
        if done:
            self.message_user(
                request,
                ngettext("%(n)d message imported.", "%(n)d messages imported.", done) % {"n": done},
                messages.SUCCESS,
            )
        if still:
            self.message_user(
                request,
                ngettext(
                    "%(n)d message is still in the quarantine: see its reason.",
                    "%(n)d messages are still in the quarantine: see their reasons.",
                    still,
                )
                % {"n": still},
                messages.WARNING,
            )
