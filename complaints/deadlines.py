"""Acknowledging a new complaint to the customer, and watching its deadlines.

The deadlines themselves come from the policy per priority (``services.deadlines_for``); the
dispatcher warns the owner before each passes and flags a breach (``Complaint.*_breached_at``),
telling the owner and their manager.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from complaints import status_links
from complaints.models import Complaint
from complaints.scheduling import jobs
from complaints.scheduling.outbox import email_build, email_queue


def complaint_watch(complaint: Complaint, *, now: datetime) -> None:
    """For a complaint just logged (inside its transaction): queue the acknowledgement email
    when the customer has an address, and schedule the deadline warnings and breach checks."""
    customer = complaint.customer
    if customer.email:
        # The personal status link, in the customer's language, also for a complaint that came
        # in by phone or email: the acknowledgement is where the customer first gets it.
        link = status_links.status_link_create(complaint=complaint, now=now)
        email_queue(
            [
                email_build(
                    # One acknowledgement per complaint, whatever happens twice.
                    key=f"acknowledgement:{complaint.pk}",
                    template="acknowledgement",
                    to=customer.email,
                    language=customer.language,
                    context={
                        "customer_name": customer.name,
                        "reference": complaint.reference,
                        "subject": complaint.subject,
                        "owner_name": str(complaint.owner),
                        "hear_by": timezone.localtime(complaint.acknowledge_due_at),
                        "company": settings.COMPANY_NAME,
                        "status_url": status_links.status_url(link.public_id, customer.language),
                    },
                    now=now,
                    complaint_id=complaint.pk,
                )
            ]
        )
    jobs.deadline_jobs_schedule(complaint, now=now)


def deadlines_moved(complaint: Complaint, *, now: datetime) -> None:
    """The priority changed: watch the new deadlines (jobs for the old ones will be skipped)."""
    jobs.deadline_jobs_schedule(complaint, now=now)
