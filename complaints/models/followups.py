"""The one-month follow-up (nazorg) and the customer's survey invitation."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import limits
from complaints.choices import Emotion
from complaints.models.care import complaint_link, ended_by_link, owner_link, state_field


class FollowUpState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    WAIVED = "waived", _("Waived")
    CANCELLED = "cancelled", _("Cancelled: the complaint was reopened")


class AnsweredVia(models.TextChoices):
    AGENT = "agent", _("Asked by the owner")
    SURVEY = "survey", _("Answered by the customer in the survey")


class NpsCategory(models.TextChoices):
    PROMOTER = "promoter", _("Promoter")
    PASSIVE = "passive", _("Passive")
    DETRACTOR = "detractor", _("Detractor")


def nps_category(score: int | None) -> NpsCategory | None:
    """9–10 promoter, 7–8 passive, 0–6 detractor."""
    if score is None:
        return None
    if score >= 9:
        return NpsCategory.PROMOTER
    if score >= 7:
        return NpsCategory.PASSIVE
    return NpsCategory.DETRACTOR


class FollowUp(models.Model):
    """A month after resolution (configurable), ask how the customer feels now.

    Only ``complaints.care.followups`` (and the dispatcher, when it comes due) writes it.
    """

    complaint = complaint_link(related_name="follow_ups")
    owner = owner_link(related_name="follow_ups")
    due_at = models.DateTimeField(_("due at"))
    state = state_field(FollowUpState)
    send_survey = models.BooleanField(
        _("email the customer a survey"),
        default=True,
        help_text=_("When due, send the customer a personal link to a one-page survey."),
    )
    created_at = models.DateTimeField(_("created at"))
    notified_at = models.DateTimeField(_("owner notified at"), null=True, blank=True)

    satisfied = models.BooleanField(_("satisfied now"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(
        _("NPS answer"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    emotion_now = models.CharField(
        _("emotion now"), max_length=20, choices=Emotion.choices, blank=True
    )
    note = models.TextField(_("note"), max_length=limits.NOTE, blank=True)
    answered_via = models.CharField(
        _("answered via"), max_length=10, choices=AnsweredVia.choices, blank=True
    )
    waive_reason = models.TextField(_("reason for waiving"), max_length=limits.NOTE, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = ended_by_link(help_text=_("Empty when the customer answered the survey."))

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(fields=["owner", "state", "due_at"], name="followup_owner_state_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=FollowUpState.values), name="followup_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(nps__isnull=True) | models.Q(nps__gte=0, nps__lte=10),
                name="followup_nps_range",
            ),
            # One follow-up at a time per complaint; a reopened complaint's is cancelled first.
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(state="scheduled"),
                name="followup_one_scheduled_per_complaint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} @ {self.due_at:%Y-%m-%d}"

    @property
    def nps_category(self) -> NpsCategory | None:
        return nps_category(self.nps)


class SurveyInvitation(models.Model):
    """A personal survey link: a random id (signed in the link), valid for a while, used once.

    The link carries nothing but the signed random id, so it reveals nothing about the complaint.
    """

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="invitations")
    public_id = models.CharField(max_length=43, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=2)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")

    def __str__(self) -> str:
        return f"survey invitation {self.pk}"
