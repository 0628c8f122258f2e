from complaints.models.activity import Interaction, OwnershipTransfer
from complaints.models.complaint import Complaint, ComplaintQuerySet, ReferenceCounter
from complaints.models.coulance import (
    CoulanceKind,
    CoulanceLetter,
    CoulanceRequest,
    CoulanceStatus,
    LetterStatus,
)
from complaints.models.customer import Customer
from complaints.models.events import ComplaintEvent, EventType
from complaints.models.steps import ApologyStep, SolutionStep, UnderstandingStep
from complaints.models.taxonomy import RootCause

__all__ = [
    "ApologyStep",
    "Complaint",
    "ComplaintEvent",
    "ComplaintQuerySet",
    "CoulanceKind",
    "CoulanceLetter",
    "CoulanceRequest",
    "CoulanceStatus",
    "Customer",
    "EventType",
    "Interaction",
    "LetterStatus",
    "OwnershipTransfer",
    "ReferenceCounter",
    "RootCause",
    "SolutionStep",
    "UnderstandingStep",
]
