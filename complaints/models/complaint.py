from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import limits
from complaints.choices import (
    Balance,
    Channel,
    Emotion,
    Liability,
    Outcome,
    Priority,
    RequestDomain,
)
from complaints.states import OPEN_STAGES, Stage


def overdue_q(now: datetime) -> models.Q:
    """Open complaints past their resolution deadline, or unacknowledged past that one.

    The stages sorted: a set's order changes from process to process, and the statement's text
    (what PostgreSQL prepares) should not."""
    return models.Q(stage__in=sorted(OPEN_STAGES)) & (
        models.Q(resolve_due_at__lt=now)
        | models.Q(acknowledged_at__isnull=True, acknowledge_due_at__lt=now)
    )


def is_overdue(
    *,
    stage: str,
    resolve_due_at: datetime,
    acknowledged_at: datetime | None,
    acknowledge_due_at: datetime,
    now: datetime,
) -> bool:
    """``overdue_q`` for one complaint's values, in Python."""
    if stage not in OPEN_STAGES:
        return False
    return resolve_due_at < now or (acknowledged_at is None and acknowledge_due_at < now)


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def open(self) -> ComplaintQuerySet:
        return self.filter(stage__in=OPEN_STAGES)

    def overdue(self, *, now: datetime | None = None) -> ComplaintQuerySet:
        return self.filter(overdue_q(now or timezone.now()))


class Complaint(models.Model):
    """One complaint, owned by one person from intake to close.

    ``stage`` and the timestamps that go with it are written only by ``complaints.workflow``.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(
        "complaints.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    subject = models.CharField(_("subject"), max_length=limits.SUBJECT)
    facts = models.TextField(_("the facts"), max_length=limits.TEXT)
    category = models.CharField(_("product or category"), max_length=limits.CATEGORY, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_complaints",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.RECEIVED, editable=False
    )

    # Feelings: at intake (sensed, with intensity 1–5) and at resolution.
    emotion_at_intake = models.CharField(
        _("emotion at intake"), max_length=20, choices=Emotion.choices, blank=True
    )
    emotion_intensity = models.PositiveSmallIntegerField(
        _("intensity of the emotion"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    emotion_at_resolution = models.CharField(
        _("emotion at resolution"), max_length=20, choices=Emotion.choices, blank=True
    )

    # The resolution (written by the resolve transition).
    request_domain = models.CharField(
        _("domain of the request"), max_length=10, choices=RequestDomain.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    balance = models.CharField(_("balance"), max_length=20, choices=Balance.choices, blank=True)
    alternatives_offered = models.TextField(
        _("alternatives offered"), max_length=limits.TEXT, blank=True
    )
    resolution_summary = models.TextField(
        _("resolution summary"), max_length=limits.TEXT, blank=True
    )
    customer_contribution = models.TextField(
        _("what the customer contributed"), max_length=limits.TEXT, blank=True
    )
    liability = models.CharField(
        _("liability"), max_length=20, choices=Liability.choices, blank=True
    )
    root_cause = models.ForeignKey(
        "complaints.RootCause",
        verbose_name=_("root cause"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )

    # Deadlines from the policy per priority, and the moments they were met.
    acknowledge_due_at = models.DateTimeField(_("acknowledge before"))
    resolve_due_at = models.DateTimeField(_("resolve before"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set only by the bulk import (reports.imports): the record was handled in the system it came
    # from, which does not say when (or, for a row still open there, how) it was resolved. Such a
    # complaint is closed here without inventing the moments: resolved_at stays empty, so it is
    # in no timing figure and never overdue.
    closed_in_source = models.BooleanField(_("closed in its source"), default=False, editable=False)
    # Set by the deadline watcher (complaints.scheduling) when a deadline passed unmet.
    acknowledge_breached_at = models.DateTimeField(
        _("acknowledgement deadline missed at"), null=True, blank=True, editable=False
    )
    resolve_breached_at = models.DateTimeField(
        _("resolution deadline missed at"), null=True, blank=True, editable=False
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [
            ("work_complaint", _("Can work own complaints through the triad")),
            ("supervise_complaint", _("Can act on and reassign the team's complaints")),
            ("view_all_complaints", _("Can view every complaint")),
        ]
        indexes = [
            models.Index(fields=["owner", "stage"], name="complaint_owner_stage"),
            models.Index(fields=["stage", "received_at"], name="complaint_stage_received"),
            models.Index(fields=["received_at", "id"], name="complaint_received_id"),
            models.Index(fields=["resolve_due_at"], name="complaint_resolve_due"),
            models.Index(fields=["root_cause", "resolved_at"], name="complaint_cause_resolved"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="complaint_stage_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="complaint_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(priority__in=Priority.values), name="complaint_priority_valid"
            ),
            # A resolved or closed complaint always carries its outcome, root cause and moment,
            # except one imported as closed in its source, whose record lacks them.
            models.CheckConstraint(
                condition=~models.Q(stage__in=[Stage.RESOLVED, Stage.CLOSED])
                | (
                    models.Q(root_cause__isnull=False, resolved_at__isnull=False)
                    & ~models.Q(outcome="")
                )
                | models.Q(stage=Stage.CLOSED, closed_in_source=True),
                name="complaint_resolution_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(emotion_intensity__isnull=True)
                | models.Q(emotion_intensity__gte=1, emotion_intensity__lte=5),
                name="complaint_intensity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def is_overdue(self, now: datetime | None = None) -> bool:
        return is_overdue(
            stage=self.stage,
            resolve_due_at=self.resolve_due_at,
            acknowledged_at=self.acknowledged_at,
            acknowledge_due_at=self.acknowledge_due_at,
            now=now or timezone.now(),
        )


class ReferenceCounter(models.Model):
    """The last number handed out for a year's references (KL-2026-000123)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")
