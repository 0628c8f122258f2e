"""The complaint's stages and the transition table, as plain data.

The workflow functions, the UI's buttons and the tests' allowed/forbidden matrix all read
this table; nothing else decides which stage follows which.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDERSTOOD = "understood", _("Understanding shown")
    APOLOGISED = "apologised", _("Apologised")
    SOLVING = "solving", _("Solving")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Transition(models.TextChoices):
    UNDERSTAND = "understand", _("Show understanding")
    APOLOGISE = "apologise", _("Apologise")
    SOLVE = "solve", _("Solve")
    RESOLVE = "resolve", _("Resolve")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")


# transition -> (allowed source stages, target stage)
TRANSITIONS: dict[Transition, tuple[frozenset[Stage], Stage]] = {
    Transition.UNDERSTAND: (frozenset({Stage.RECEIVED}), Stage.UNDERSTOOD),
    Transition.APOLOGISE: (frozenset({Stage.UNDERSTOOD}), Stage.APOLOGISED),
    Transition.SOLVE: (frozenset({Stage.APOLOGISED}), Stage.SOLVING),
    Transition.RESOLVE: (frozenset({Stage.SOLVING}), Stage.RESOLVED),
    Transition.CLOSE: (frozenset({Stage.RESOLVED}), Stage.CLOSED),
    Transition.REOPEN: (frozenset({Stage.RESOLVED, Stage.CLOSED}), Stage.SOLVING),
}

OPEN_STAGES = frozenset({Stage.RECEIVED, Stage.UNDERSTOOD, Stage.APOLOGISED, Stage.SOLVING})


def allowed_transitions(stage: str) -> list[Transition]:
    """The transitions that may start from ``stage``, in table order."""
    return [t for t, (sources, _target) in TRANSITIONS.items() if stage in sources]


def target_of(transition: Transition) -> Stage:
    return TRANSITIONS[transition][1]
