"""Files a customer or an agent attached to a complaint, and those that were refused."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AttachmentSource(models.TextChoices):
    PAGE = "page", _("Complaint page")
    API = "api", _("API")
    EMAIL = "email", _("Email")
    PUBLIC_FORM = "public_form", _("Complaint form")
    STATUS_PAGE = "status_page", _("Status page")


class Refusal:
    """Why a file was refused, stored as a code (``too_large:<limit>``, ``total:<limit>``,
    ``type``, ``empty``) so that each reader gets the reason in their own language."""

    TOO_LARGE = "too_large"
    TOTAL = "total"
    TYPE = "type"
    EMPTY = "empty"

    @staticmethod
    def code(kind: str, limit: int | None = None) -> str:
        return kind if limit is None else f"{kind}:{limit}"

    @staticmethod
    def words(code: str) -> str:
        kind, _sep, limit = code.partition(":")
        size = filesizeformat(int(limit)) if limit.isdigit() else ""
        if kind == Refusal.TOO_LARGE:
            return _("over the %(limit)s limit per file") % {"limit": size}
        if kind == Refusal.TOTAL:
            return _("over the %(limit)s limit for all files together") % {"limit": size}
        if kind == Refusal.EMPTY:
            return str(_("the file is empty"))
        return str(
            _(
                "this kind of file is not accepted (accepted: PDF, PNG, JPEG, GIF, WebP, text, "
                "CSV, Word, Excel, OpenDocument text, email)"
            )
        )


class _AttachmentsStorage(Storage):
    """Whatever ``STORAGES["attachments"]`` is now: a FileField keeps the storage it got at
    start-up, and this one looks the configured backend up at each use (settings overridden
    in tests, a bucket configured later)."""

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("__"):
            return object.__getattribute__(self, name)
        return getattr(storages["attachments"], name)


_STORAGE = _AttachmentsStorage()


def attachment_storage() -> Storage:
    """The "attachments" storage (a callable, so that the migration names no backend)."""
    return _STORAGE


def attachment_name(instance: Attachment, filename: str) -> str:
    """A random name on disk: never the customer's file name (``filename`` is ignored but for
    the extension, which the detected type decides)."""
    now = timezone.now()
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"{now:%Y/%m}/{secrets.token_urlsafe(24)}.{ext}"


class Attachment(models.Model):
    """A file on a complaint (and on one of its interactions, for an email or a message).

    A refused file is a row too, with ``refused_reason`` and no stored file, so that the page
    shows what the customer sent and why it is not there ("holiday.mov, 30 MB, over the limit").
    """

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="attachments"
    )
    interaction = models.ForeignKey(
        "complaints.Interaction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, blank=True)
    file = models.FileField(
        _("file"), storage=attachment_storage, upload_to=attachment_name, max_length=200, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, choices=AttachmentSource.choices)
    # A Refusal code, or "" for a stored file.
    refused_reason = models.CharField(_("refused because"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["complaint", "created_at"], name="attachment_complaint")]
        constraints = [
            # Stored, or refused with a reason: never both, never neither.
            models.CheckConstraint(
                condition=(
                    (models.Q(refused_reason="") & ~models.Q(file=""))
                    | (~models.Q(refused_reason="") & models.Q(file=""))
                ),
                name="attachment_stored_xor_refused",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def refused(self) -> bool:
        return bool(self.refused_reason)

    @property
    def refused_words(self) -> str:
        """Why it was refused, in the reader's language ("" when stored)."""
        return Refusal.words(self.refused_reason) if self.refused_reason else ""
