from complaints.models.activity import Interaction, OwnershipTransfer
from complaints.models.attachments import Attachment, AttachmentSource, Refusal
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
from complaints.models.followups import (
    AnsweredVia,
    FollowUp,
    FollowUpState,
    NpsCategory,
    SurveyInvitation,
)
from complaints.models.letterhead import Letterhead, LogoType
from complaints.models.mail import InboundEmail, InboundState
from complaints.models.privacy import AccessKind, AccessVia, DataAccess
from complaints.models.promises import CallbackPromise, PromiseOrigin, PromiseState
from complaints.models.scheduling import (
    EmailState,
    JobKind,
    JobState,
    Notification,
    NotificationKind,
    OutgoingEmail,
    ScheduledJob,
)
from complaints.models.status_links import StatusLink
from complaints.models.steps import ApologyStep, SolutionStep, UnderstandingStep
from complaints.models.taxonomy import RootCause

__all__ = [
    "AccessKind",
    "AccessVia",
    "AnsweredVia",
    "ApologyStep",
    "Attachment",
    "AttachmentSource",
    "CallbackPromise",
    "Complaint",
    "ComplaintEvent",
    "ComplaintQuerySet",
    "CoulanceKind",
    "CoulanceLetter",
    "CoulanceRequest",
    "CoulanceStatus",
    "Customer",
    "DataAccess",
    "EmailState",
    "EventType",
    "FollowUp",
    "FollowUpState",
    "InboundEmail",
    "InboundState",
    "Interaction",
    "JobKind",
    "JobState",
    "LetterStatus",
    "Letterhead",
    "LogoType",
    "Notification",
    "NotificationKind",
    "NpsCategory",
    "OutgoingEmail",
    "OwnershipTransfer",
    "PromiseOrigin",
    "PromiseState",
    "ReferenceCounter",
    "Refusal",
    "RootCause",
    "ScheduledJob",
    "SolutionStep",
    "StatusLink",
    "SurveyInvitation",
    "UnderstandingStep",
]
