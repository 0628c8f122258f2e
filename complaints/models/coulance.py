"""Coulance: goodwill gestures given although the company is not liable, and their letters.

A request is decided by four eyes (never by its requester) within the decider's approval
limit. Once approved it gets a letter that makes the gesture visible to the customer; a sent
letter is frozen (text, PDF, hash) and a correction is a new version.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import limits
from complaints import money
from complaints.choices import Balance, Language, Liability, RequestDomain


class CoulanceKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    CREDIT = "credit", _("Credit on the next invoice")
    VOUCHER = "voucher", _("Voucher")
    FREE_SERVICE = "free_service", _("Free service")
    SMALL_GIFT = "small_gift", _("Small gift")
    OTHER = "other", _("Other")


class CoulanceStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Frozen, waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Sending failed")


# States in which the letter's text, PDF and hash are fixed for good.
FROZEN_LETTER_STATES = [
    LetterStatus.QUEUED,
    LetterStatus.SENDING,
    LetterStatus.SENT,
    LetterStatus.FAILED,
]


class CoulanceRequest(models.Model):
    """A proposed goodwill gesture on a complaint, waiting for or carrying a manager's decision.

    ``status`` and the decision fields are written only by ``complaints.coulance.services``.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="coulance_requests",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CoulanceKind.choices)
    description = models.CharField(
        _("what is given"),
        max_length=limits.GESTURE_DESCRIPTION,
        blank=True,
        help_text=_("In the customer's words; required when the kind is “other”."),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=limits.CURRENCY, default="EUR")
    amount_eur = models.DecimalField(
        _("amount in EUR"),
        max_digits=14,
        decimal_places=2,
        editable=False,
        help_text=_("What the approval limits (in EUR) are compared with."),
    )
    reason = models.TextField(_("reason"), max_length=limits.NOTE)
    customer_contribution = models.TextField(
        _("what the customer contributed"),
        max_length=limits.TEXT,
        blank=True,
        help_text=_("What the customer did or did not do themselves; the letter names it."),
    )
    liability = models.CharField(_("liability"), max_length=20, choices=Liability.choices)
    request_domain = models.CharField(
        _("domain of the request"), max_length=10, choices=RequestDomain.choices
    )
    assessment = models.TextField(
        _("assessment"),
        max_length=limits.TEXT,
        help_text=_(
            "Past: is it reasonable and fair? Future: what is the risk for the company? "
            "Present: the decision and why."
        ),
    )
    balance = models.CharField(_("balance"), max_length=20, choices=Balance.choices)

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CoulanceStatus.choices,
        default=CoulanceStatus.PENDING,
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    waiting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waiting for"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coulance_waiting",
        help_text=_("The manager whose decision the request is waiting for."),
    )
    passed = models.JSONField(
        _("managers passed"),
        default=list,
        blank=True,
        editable=False,
        help_text=_(
            "The managers up the chain the request went past, each with why (the route as it "
            "was last worked out)."
        ),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(
        _("comment on the decision"), max_length=limits.NOTE, blank=True
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("coulance request")
        verbose_name_plural = _("coulance requests")
        indexes = [
            models.Index(fields=["complaint", "status"], name="coulance_complaint_status"),
            models.Index(
                fields=["waiting_for"],
                condition=models.Q(status="pending"),
                name="coulance_pending_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="coulance_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CoulanceStatus.values), name="coulance_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CoulanceKind.values), name="coulance_kind_valid"
            ),
            # Coulance is only for what the company is not liable for (else: compensation).
            models.CheckConstraint(
                condition=models.Q(liability=Liability.NOT_LIABLE),
                name="coulance_not_liable",
            ),
            # A decision has a decider and a moment; a pending request has neither.
            models.CheckConstraint(
                condition=(
                    models.Q(status=CoulanceStatus.PENDING, decided_by__isnull=True)
                    | (
                        ~models.Q(status=CoulanceStatus.PENDING)
                        & models.Q(decided_by__isnull=False, decided_at__isnull=False)
                    )
                ),
                name="coulance_decision_complete",
            ),
            # Four eyes, also in the database: the requester never decides their own request.
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="coulance_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.currency} {self.amount} ({self.get_status_display()})"
        )

    @property
    def pending_reason(self) -> str:
        """Why nobody can decide yet, in the reader's language ("" when someone can)."""
        if self.status != CoulanceStatus.PENDING or self.waiting_for_id is not None:
            return ""
        return unroutable_reason(self.passed)

    @property
    def is_pending(self) -> bool:
        return self.status == CoulanceStatus.PENDING


class CoulanceLetter(models.Model):
    """One version of the letter that makes an approved gesture visible to the customer.

    A draft may be edited; from the moment it is sent it is frozen: the stored text, the PDF
    made from it and the PDF's SHA-256 never change again.
    """

    request = models.ForeignKey(
        CoulanceRequest,
        verbose_name=_("coulance request"),
        on_delete=models.CASCADE,
        related_name="letters",
    )
    version = models.PositiveSmallIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=limits.SUBJECT)
    body = models.TextField(_("text"), max_length=limits.LETTER)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=LetterStatus.choices,
        default=LetterStatus.DRAFT,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("last edited at"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    content_hash = models.CharField(
        _("SHA-256 of the PDF"), max_length=64, blank=True, editable=False
    )
    # The letterhead's text (name, address, footer; the logo by its SHA-256) the letter was
    # frozen with: a retry's email and a sent letter's preview show what was sent, whatever the
    # admin changes later. Empty while a draft: a draft shows the current letterhead.
    letterhead = models.JSONField(_("letterhead as sent"), default=dict, blank=True, editable=False)
    recipient = models.EmailField(_("sent to"), blank=True)
    send_attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    # While queued: the latest moment its next delivery attempt should have started. A queued
    # letter found past it by the minute's sweep lost its broker message and is enqueued again.
    next_attempt_at = models.DateTimeField(_("next attempt by"), null=True, blank=True)
    # When the latest claim (queued → sending) was made: a letter still "sending" long after it
    # lost its worker between the mail server and the record, and the sweep sends it again.
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True)
    # How often the sweep found it still "sending" past the timeout (reset when the agent sends
    # a failed letter again): at LETTER_MAX_UNCONFIRMED_SENDS it is failed instead of retried.
    unconfirmed_sends = models.PositiveSmallIntegerField(_("sends not confirmed"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last sending error"), blank=True)

    class Meta:
        ordering = ["request", "version"]
        verbose_name = _("coulance letter")
        verbose_name_plural = _("coulance letters")
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="coulance_letter_version"),
            models.CheckConstraint(
                condition=models.Q(status__in=LetterStatus.values),
                name="coulance_letter_status_valid",
            ),
            # A frozen letter always carries its PDF's hash and the moment it was frozen.
            models.CheckConstraint(
                condition=models.Q(status=LetterStatus.DRAFT)
                | (~models.Q(content_hash="") & models.Q(frozen_at__isnull=False)),
                name="coulance_letter_frozen_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=LetterStatus.SENT) | models.Q(sent_at__isnull=False),
                name="coulance_letter_sent_has_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} (v{self.version}, {self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == LetterStatus.DRAFT


def unroutable_reason(passed: list[dict[str, Any]]) -> str:
    """Why nobody can approve a request that went past ``passed``, in the active language."""
    limits = [Decimal(p["approval_limit"]) for p in passed if p["why"] == "limit"]
    if limits:
        return str(
            _(
                "Nobody can approve this yet: the amount is above the approval limit of every "
                "manager in the chain (the highest is %(limit)s). An administrator can raise a "
                "limit or set who the top manager reports to."
            )
            % {"limit": money.format_for_reader(max(limits), "EUR")}
        )
    if passed:
        return str(
            _(
                "Nobody can approve this yet: there is no manager in the chain other than the "
                "person who asked for it."
            )
        )
    return str(
        _(
            "Nobody can approve this yet: the owner of the complaint has no manager. An "
            "administrator can give the team a manager."
        )
    )
