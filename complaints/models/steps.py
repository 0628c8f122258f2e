"""One record per triad step: what was done, by whom, when."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import limits
from complaints.choices import Emotion, Wish


class TriadStep(models.Model):
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        abstract = True


class UnderstandingStep(TriadStep):
    """Step 1, begrip tonen: the emotion sensed (aanvoelen) and how it was acknowledged."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="understanding"
    )
    emotion = models.CharField(_("emotion sensed"), max_length=20, choices=Emotion.choices)
    intensity = models.PositiveSmallIntegerField(
        _("intensity"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    acknowledgement = models.TextField(_("how it was acknowledged"), max_length=limits.TEXT)
    # What a letter to the customer says instead of the note above (empty: a template
    # sentence for the emotion, never the note).
    acknowledgement_for_customer = models.TextField(
        _("acknowledgement, in words for the customer"),
        max_length=limits.TEXT,
        blank=True,
        default="",
        db_default="",
    )

    class Meta:
        verbose_name = _("understanding shown")
        verbose_name_plural = _("understanding shown")


class ApologyStep(TriadStep):
    """Step 2, sorry zeggen: the apology for the inconvenience, also without liability."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="apology"
    )
    apology = models.TextField(_("apology"), max_length=limits.TEXT)
    apology_for_customer = models.TextField(
        _("apology, in words for the customer"),
        max_length=limits.TEXT,
        blank=True,
        default="",
        db_default="",
    )
    apologised_at = models.DateTimeField(_("apologised at"))

    class Meta:
        verbose_name = _("apology")
        verbose_name_plural = _("apologies")


class SolutionStep(TriadStep):
    """Step 3, oplossen: the facts summarised, the next steps and the promised moment."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="solution"
    )
    facts_summary = models.TextField(_("facts summary"), max_length=limits.TEXT)
    next_steps = models.TextField(_("next steps"), max_length=limits.TEXT)
    next_steps_for_customer = models.TextField(
        _("what we did, in words for the customer"),
        max_length=limits.TEXT,
        blank=True,
        default="",
        db_default="",
    )
    promised_at = models.DateTimeField(_("promised moment"))
    wishes = models.JSONField(
        _("wishes served"),
        default=list,
        blank=True,
        help_text=_(
            "Optional: the real human wishes the solution serves (physical comfort, "
            "convenience, identity affirmation, social recognition, mental stimulation)."
        ),
    )

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")

    @property
    def wish_labels(self) -> list[str]:
        """The wishes served, by name in the active language."""
        return [str(Wish(wish).label) for wish in self.wishes if wish in Wish.values]
