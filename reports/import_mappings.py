"""The column mappings of the bulk import: which CSV column holds what, and how a source's values
become ours.

Two are built in: ``cfpb`` (the US Consumer Financial Protection Bureau's export layout, whose
issues are mapped onto our taxonomy by the first matching rule) and ``klachtwijzer`` (our own
columns, with root-cause codes). Another source is one more ``Mapping`` in ``MAPPINGS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from complaints.choices import Channel, Outcome


@dataclass(frozen=True)
class Mapping:
    """Which column holds what, and how a source's values become ours."""

    name: str
    label: Any
    external_id: str
    received_at: str
    channel: str
    subject: str
    facts: tuple[str, ...]
    category: tuple[str, ...] = ()
    root_cause: str = ""
    outcome: str = ""
    acknowledged_at: str = ""
    resolved_at: str = ""
    emotion_at_intake: str = ""
    emotion_at_resolution: str = ""
    alternatives_offered: str = ""
    channels: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    # Outcome values that mean "not resolved (yet)" in the source: such rows are imported closed
    # in their source, with that status and no outcome, never as open complaints here.
    open_outcomes: tuple[str, ...] = ("",)
    # (regular expression on the root-cause column, cause code): first match wins.
    cause_rules: tuple[tuple[str, str], ...] = ()
    default_cause: str = ""

    @property
    def required_columns(self) -> set[str]:
        names = {self.external_id, self.received_at, self.channel, self.subject, *self.facts}
        optional = (
            self.root_cause,
            self.outcome,
            self.acknowledged_at,
            self.resolved_at,
            self.emotion_at_intake,
            self.emotion_at_resolution,
            self.alternatives_offered,
            *self.category,
        )
        return names | {name for name in optional if name}


CFPB = Mapping(
    name="cfpb",
    label=gettext_lazy("CFPB consumer complaint export"),
    external_id="Complaint ID",
    received_at="Date received",
    channel="Submitted via",
    subject="Issue",
    facts=("Consumer complaint narrative", "Issue", "Sub-issue"),
    category=("Product", "Sub-product"),
    root_cause="Issue",
    outcome="Company response to consumer",
    # "Date sent to company" is the day the CFPB forwarded the complaint to the company: neither
    # an acknowledgement to the consumer nor a resolution. The export says when the company
    # answered nowhere ("Timely response?" only says whether it was within 15 days), so both
    # moments stay empty and the rows are closed in their source (see ``imports``).
    acknowledged_at="",
    resolved_at="",
    channels={
        "Web": Channel.WEB_FORM,
        "Referral": Channel.LETTER,
        "Phone": Channel.PHONE,
        "Postal mail": Channel.LETTER,
        "Fax": Channel.LETTER,
        "Email": Channel.EMAIL,
    },
    outcomes={
        "Closed with monetary relief": Outcome.UPHELD,
        "Closed with non-monetary relief": Outcome.PARTLY_UPHELD,
        "Closed with relief": Outcome.PARTLY_UPHELD,
        "Closed with explanation": Outcome.NOT_UPHELD,
        "Closed without relief": Outcome.NOT_UPHELD,
        "Closed": Outcome.NOT_UPHELD,
    },
    open_outcomes=("", "In progress", "Untimely response"),
    cause_rules=(
        (r"incorrect information|improper use|not owed|identity|credit report", "website-it-data"),
        (r"fee|charge|interest|billing|payoff|balance", "billing-unexpected-charge"),
        (r"payment|funds|transaction|deposit", "billing-incorrect-amount"),
        (
            r"communication|notification|disclosure|false statement|information",
            "communication-unclear",
        ),
        (
            r"investigation|dispute|didn't receive|did not receive|problem with",
            "communication-no-response",
        ),
        (r"threat|harass|took or threatened", "staff-behaviour-attitude"),
        (r"fraud|scam|unauthori", "third-party-supplier"),
        (r"closing|opening|cancel|term", "policy-cancellation"),
        (r"struggling|repay|loan modification|collection", "policy-contract-terms"),
        (r"advertis|marketing|offer|rewards", "product-expectation"),
        (r"managing|servicing|trouble|getting|applying", "process-procedure"),
    ),
    default_cause="process-procedure",
)

KLACHTWIJZER = Mapping(
    name="klachtwijzer",
    label=gettext_lazy("Klachtwijzer columns (root-cause codes)"),
    external_id="id",
    received_at="received_at",
    channel="channel",
    subject="subject",
    facts=("facts",),
    category=("category",),
    root_cause="root_cause",
    outcome="outcome",
    acknowledged_at="acknowledged_at",
    resolved_at="resolved_at",
    emotion_at_intake="emotion_at_intake",
    emotion_at_resolution="emotion_at_resolution",
    alternatives_offered="alternatives_offered",
    channels={value: value for value in Channel.values},
    outcomes={value: value for value in Outcome.values},
)

MAPPINGS = {m.name: m for m in (CFPB, KLACHTWIJZER)}
