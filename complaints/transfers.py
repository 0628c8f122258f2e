"""Reassigning several complaints at once: each one a single transfer, all of them or none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.errors import ActionForbidden, DomainError, ErrorCollector, InvalidData
from complaints import policies, selectors, services
from complaints.models import Complaint

MAX_COMPLAINTS = 200  # one team's open complaints fit; a larger batch is a mistake


@dataclass(frozen=True)
class Refusal:
    """Why one complaint of the batch could not be transferred."""

    reference: str
    message: str | Promise

    def __str__(self) -> str:
        return f"{self.reference}: {self.message}"


class BulkTransferRefused(InvalidData):
    """One or more complaints cannot be transferred, so none was; ``refusals`` says which."""

    code = "bulk_transfer_refused"

    def __init__(self, refusals: list[Refusal]) -> None:
        self.refusals = refusals
        super().__init__({"references": [str(r) for r in refusals]})


def check_may_transfer_many(actor: User) -> None:
    """403 unless ``actor`` supervises complaints (a manager or an administrator)."""
    if not actor.has_perm("complaints.supervise_complaint"):
        raise ActionForbidden(_("Only a team's manager can reassign several complaints."))


def complaint_transfer_many(
    *,
    references: list[str],
    actor: User,
    to_user: User,
    reason: str,
    now: datetime | None = None,
) -> list[Complaint]:
    """Give each complaint to ``to_user`` with one ``reason``, as the owner's manager.

    Each is a ``services.complaint_transfer`` (its transfer row, event and rerouting), inside
    one transaction: if any is refused, the others are rolled back and every refusal is told.
    """
    now = now or timezone.now()
    check_may_transfer_many(actor)
    wanted = list(dict.fromkeys(r.strip() for r in references if r and r.strip()))
    errors = ErrorCollector()
    if not wanted:
        errors.add("references", _("Choose at least one complaint."))
    elif len(wanted) > MAX_COMPLAINTS:
        errors.add(
            "references",
            _("Choose at most %(max)d complaints at once.") % {"max": MAX_COMPLAINTS},
        )
    errors.require("reason", reason)
    if not policies.can_own(to_user):
        errors.add("to_user", _("This person cannot own complaints."))
    errors.raise_if_any()

    found = {
        c.reference: c
        for c in selectors.complaint_visible(user=actor)
        .filter(reference__in=wanted)
        .select_related("owner__team")
    }
    refusals: list[Refusal] = []
    for reference in wanted:
        complaint = found.get(reference)
        if complaint is None:
            refusals.append(Refusal(reference, _("No such complaint, or not one you may see.")))
        elif not policies.supervises(actor, complaint):
            refusals.append(
                Refusal(reference, _("Only the manager of the owner's team can reassign this."))
            )
            del found[reference]
    done: list[Complaint] = []
    with transaction.atomic():
        # Rows are locked in one order (by id), so two batches that share complaints wait for
        # each other instead of deadlocking.
        for complaint in sorted(found.values(), key=lambda c: c.pk):
            try:
                done.append(
                    services.complaint_transfer(
                        complaint=complaint, actor=actor, to_user=to_user, reason=reason, now=now
                    )
                )
            except InvalidData as error:  # the single transfer's own words, per complaint
                for messages in error.errors.values():
                    refusals.extend(Refusal(complaint.reference, m) for m in messages)
            except DomainError as error:  # each transfer has its own savepoint: go on checking
                refusals.append(Refusal(complaint.reference, error.message))
        if refusals:
            # Raised inside the block: every transfer above (and its on_commit work) is undone.
            raise BulkTransferRefused(sorted(refusals, key=lambda r: wanted.index(r.reference)))
    return done
