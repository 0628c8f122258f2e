"""The learning organisation: corrective actions raised from root causes, and the monthly
root-cause report kept as a snapshot that never changes afterwards."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import limits


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


# Statuses in which an action is still to be done (and can therefore be overdue).
ACTIVE_ACTION_STATUSES = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]


class CorrectiveAction(models.Model):
    """A verbeteractie: what the organisation does about one root cause, by whom, by when.

    ``status`` and its moments are written only by ``reports.services``.
    """

    root_cause = models.ForeignKey(
        "complaints.RootCause",
        verbose_name=_("root cause"),
        on_delete=models.PROTECT,
        related_name="corrective_actions",
    )
    title = models.CharField(_("title"), max_length=limits.SUBJECT)
    description = models.TextField(_("description"), max_length=limits.TEXT, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="corrective_actions",
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActionStatus.choices,
        default=ActionStatus.OPEN,
        editable=False,
    )
    complaints = models.ManyToManyField(
        "complaints.Complaint",
        verbose_name=_("complaints that showed the cause"),
        blank=True,
        related_name="corrective_actions",
    )
    drop_reason = models.TextField(_("reason for dropping"), max_length=limits.NOTE, blank=True)
    result = models.TextField(_("what was done"), max_length=limits.TEXT, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("raised at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    dropped_at = models.DateTimeField(_("dropped at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        indexes = [
            models.Index(fields=["status", "due_on"], name="action_status_due"),
            models.Index(fields=["root_cause", "created_at"], name="action_cause_created"),
            models.Index(fields=["created_at"], name="action_created"),
            models.Index(fields=["done_at"], name="action_done"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="dropped")
                | (~models.Q(drop_reason="") & models.Q(dropped_at__isnull=False)),
                name="action_dropped_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_at__isnull=False),
                name="action_done_has_moment",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        """Still to be done and its due date has passed (``today`` is a local date)."""
        return self.status in ACTIVE_ACTION_STATUSES and self.due_on < today


class ActionEventType(models.TextChoices):
    """Stored values are never renamed."""

    RAISED = "raised", _("Raised")
    CHANGED = "changed", _("Changed")
    STARTED = "started", _("Started")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")
    COMPLAINTS_LINKED = "complaints_linked", _("Complaints linked")


class CorrectiveActionEvent(models.Model):
    """Append-only history of a corrective action: who did what, when."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=30, choices=ActionEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    payload = models.JSONField(_("details"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("corrective action event")
        verbose_name_plural = _("corrective action events")
        indexes = [models.Index(fields=["action", "created_at"], name="action_event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_type_display()} @ {self.created_at:%Y-%m-%d %H:%M}"


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    ON_DEMAND = "on_demand", _("On demand")


class RootCauseReport(models.Model):
    """The root-cause report for a month or a date range, computed once and kept as it was.

    ``figures`` holds every figure the page, CSV and PDF show; nothing is recomputed later, so
    complaints that arrive or change afterwards do not alter a report already shared.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    # The local (Europe/Amsterdam) dates the report covers, both inclusive.
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    figures = models.JSONField(_("figures"), encoder=DjangoJSONEncoder, editable=False)
    generated_at = models.DateTimeField(_("generated at"), editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the monthly schedule produced it."),
    )
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-period_start", "-generated_at", "-id"]
        verbose_name = _("root-cause report")
        verbose_name_plural = _("root-cause reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReportKind.values), name="report_kind_valid"
            ),
            # The schedule produces a month's report once, however often it fires.
            models.UniqueConstraint(
                fields=["period_start"],
                condition=models.Q(kind="monthly"),
                name="report_one_monthly_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"


class ImportRun(models.Model):
    """One bulk import of historical complaints from a CSV file, with its rejection report."""

    source = models.SlugField(_("source"), max_length=40)
    mapping = models.CharField(_("column mapping"), max_length=40)
    file_name = models.CharField(_("file"), max_length=255)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    skipped = models.PositiveIntegerField(
        _("already imported"), default=0, help_text=_("Rows imported before (same source and id).")
    )
    # [{"row": 12, "external_id": "…", "reason": "…"}, …]: the rejection report.
    rejected = models.JSONField(_("rejected rows"), default=list, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.source}: {self.file_name}"


class ImportedComplaint(models.Model):
    """Which complaint a source's record became: importing the same record twice finds it here
    (unique per source and external id) and creates nothing."""

    source = models.SlugField(_("source"), max_length=40)
    external_id = models.CharField(_("id in the source"), max_length=100)
    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="import_record"
    )
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="records")
    # The record's status in its source ("In progress", "Closed with explanation"), verbatim.
    source_status = models.CharField(_("status in the source"), max_length=100, blank=True)
    # sha256 of the record's columns and values: the same record imported under another source
    # name is recognised by its external id and this (empty for runs before it existed).
    content_hash = models.CharField(_("fingerprint of the record"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("imported complaint")
        verbose_name_plural = _("imported complaints")
        indexes = [
            models.Index(fields=["external_id", "content_hash"], name="import_record_content"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="import_one_complaint_per_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# States after which a job never runs again.
FINISHED_IMPORT_STATES = [ImportState.DONE, ImportState.FAILED, ImportState.CANCELLED]


class ImportJob(models.Model):
    """An uploaded CSV file waiting for, or going through, the import in the background.

    The file's bytes are kept in the row, so any worker on any host can read them; they are
    dropped once the import is done or cancelled. The counts and the refused rows are on the
    run (``ImportRun``) the job makes when it starts; ``rows_done`` is committed together with
    the rows of each chunk, so a job picked up again after a crash goes on from there.
    ``state`` and the moments are written only by ``reports.import_jobs``.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"))
    file_name = models.CharField(_("file"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content = models.BinaryField(_("content"), editable=False)
    mapping = models.CharField(_("column mapping"), max_length=40)
    source = models.SlugField(_("source"), max_length=40)
    import_again = models.BooleanField(_("import again"), default=False)
    # The language of the upload's page: the refused rows' reasons are written in it.
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ImportState.choices,
        default=ImportState.QUEUED,
        editable=False,
    )
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    run = models.OneToOneField(
        ImportRun,
        verbose_name=_("import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job",
    )
    # Each claim by a worker counts; a chunk is written only by the claim that holds the count
    # (a worker thought dead that wakes up finds a newer claim and stops).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The last sign of life: queued, claimed, or a chunk committed. The sweep looks at it.
    heartbeat_at = models.DateTimeField(_("last progress at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    cancel_requested_at = models.DateTimeField(_("cancel asked at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ImportState.values), name="import_job_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")),
                name="import_job_done_within_total",
            ),
        ]
        indexes = [
            # The sweep polls the unfinished jobs only.
            models.Index(
                fields=["heartbeat_at"],
                name="import_job_unfinished",
                condition=models.Q(state__in=[ImportState.QUEUED, ImportState.RUNNING]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.file_name} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_IMPORT_STATES

    @property
    def percent(self) -> int:
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0
