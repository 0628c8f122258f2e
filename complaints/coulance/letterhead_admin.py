"""Admin for the letterhead: the one row, with its logo uploaded, checked and kept in the
database (registered from ``complaints.admin``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.coulance import letterhead
from complaints.models import Letterhead


class LetterheadForm(forms.ModelForm[Letterhead]):
    upload = forms.FileField(
        label=_("new logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 256 KB; it stands at the top of every letter."),
    )
    remove_logo = forms.BooleanField(label=_("remove the logo"), required=False)

    class Meta:
        model = Letterhead
        fields = ["company_name", "address", "footer"]

    def clean_upload(self) -> tuple[bytes, str] | None:
        upload = self.cleaned_data.get("upload")
        return None if upload is None else letterhead.logo_read(upload)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("upload") and data.get("remove_logo"):
            self.add_error(
                "remove_logo", _("Either upload a new logo or remove the logo, not both.")
            )
        return data


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin[Letterhead]):
    """The letterhead: added once, then changed; never deleted (the letters need a sender)."""

    form = LetterheadForm
    list_display = ["company_name", "updated_at", "updated_by"]
    readonly_fields = ["logo_preview", "updated_at", "updated_by"]
    fields = [
        "company_name",
        "address",
        "footer",
        "logo_preview",
        "upload",
        "remove_logo",
        "updated_at",
        "updated_by",
    ]

    @admin.display(description=_("current logo"))
    def logo_preview(self, obj: Letterhead) -> str:
        head = letterhead.current_letterhead() if obj.pk else None
        if head is None or not head.logo_uri:
            return str(_("(no logo)"))
        # A data: URI (the site's CSP allows img-src data:): no view, no file, no other node.
        return format_html('<img src="{}" alt="{}" height="60">', head.logo_uri, obj.company_name)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Letterhead.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Letterhead | None = None) -> bool:
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: Letterhead,
        form: forms.ModelForm[Letterhead],
        change: bool,
    ) -> None:
        user = request.user
        if not isinstance(user, User):
            raise PermissionDenied
        saved = letterhead.letterhead_update(
            actor=user,
            company_name=form.cleaned_data["company_name"],
            address=form.cleaned_data.get("address") or "",
            footer=form.cleaned_data.get("footer") or "",
            logo=form.cleaned_data.get("upload"),
            remove_logo=bool(form.cleaned_data.get("remove_logo")),
        )
        obj.pk = saved.pk
        obj.refresh_from_db()
