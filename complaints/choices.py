"""The closed vocabularies of a complaint (values are stored; never rename them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    WEB_FORM = "web_form", _("Web form")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")
    SOCIAL = "social", _("Social media")


# How we get in touch through a channel, as it reads inside a sentence to the customer
# ("… will contact you by phone on …").
CONTACT_BY = {
    Channel.PHONE: _("by phone"),
    Channel.EMAIL: _("by email"),
    Channel.CHAT: _("through the chat"),
    Channel.WEB_FORM: _("through our website"),
    Channel.LETTER: _("by letter"),
    Channel.IN_PERSON: _("in person"),
    Channel.SOCIAL: _("through social media"),
}


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Emotion(models.TextChoices):
    ANGRY = "angry", _("Angry")
    FRUSTRATED = "frustrated", _("Frustrated")
    ANXIOUS = "anxious", _("Anxious")
    AGGRIEVED = "aggrieved", _("Aggrieved")
    DISAPPOINTED = "disappointed", _("Disappointed")
    NEUTRAL = "neutral", _("Neutral / businesslike")
    SATISFIED = "satisfied", _("Satisfied")


class Wish(models.TextChoices):
    """The real human wishes a solution can serve (the five "Échte Mensen Wensen")."""

    PHYSICAL_COMFORT = "comfort", _("Physical comfort")
    CONVENIENCE = "convenience", _("Convenience")
    IDENTITY = "identity", _("Identity affirmation")
    RECOGNITION = "recognition", _("Social recognition")
    STIMULATION = "stimulation", _("Mental stimulation")


class RequestDomain(models.TextChoices):
    PAST = "past", _("Past (a settled fact: reasonable and fair?)")
    PRESENT = "present", _("Present")
    FUTURE = "future", _("Future (what is the risk for the company?)")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    NOT_UPHELD = "not_upheld", _("Not upheld")


class Balance(models.TextChoices):
    WIN_WIN = "win_win", _("Win-win")
    CUSTOMER_LOSES = "customer_loses", _("Win-lose: the customer loses")
    COMPANY_LOSES = "company_loses", _("Lose-win: the company loses")


class Liability(models.TextChoices):
    LIABLE = "liable", _("The company is liable")
    NOT_LIABLE = "not_liable", _("The company is not liable")
    UNCLEAR = "unclear", _("Not established")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Internal note")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("From the customer")
    OUTBOUND = "outbound", _("To the customer")
    INTERNAL = "internal", _("Internal")
