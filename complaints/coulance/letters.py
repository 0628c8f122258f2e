"""Rendering of the coulance letter: the draft text from the complaint's record, HTML and PDF.

Pure functions of their arguments; nothing here writes. The templates are ordinary Django
templates in ``templates/letters/<language>/`` (``coulance.subject.txt``, ``coulance.txt``,
``coulance.html``), so an administrator changes the wording by editing or overriding those
files, and the tests render exactly what production renders.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from complaints.choices import Language
from complaints.coulance.currencies import format_amount
from complaints.models import Complaint, CoulanceLetter, CoulanceRequest

TEMPLATE_DIR = "letters"


def letter_language(complaint: Complaint) -> str:
    """The customer's language, Dutch when it is not one the letters are written in."""
    language = complaint.customer.language
    return language if language in Language.values else Language.DUTCH


def _day(moment: datetime | date, language: str) -> str:
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date()
    with translation.override(language):
        return formats.date_format(moment, "DATE_FORMAT")


def draft_context(request: CoulanceRequest, *, language: str) -> dict[str, Any]:
    """What the letter says, taken from the complaint's own record and the approved request."""
    complaint = request.complaint
    understanding = getattr(complaint, "understanding", None)
    apology = getattr(complaint, "apology", None)
    solution = getattr(complaint, "solution", None)
    return {
        "customer_name": complaint.customer.name,
        "reference": complaint.reference,
        "subject": complaint.subject,
        "received_on": _day(complaint.received_at, language),
        "understanding": understanding.acknowledgement if understanding else "",
        "apology": apology.apology if apology else "",
        "apologised_on": _day(apology.apologised_at, language) if apology else "",
        "facts_summary": solution.facts_summary if solution else "",
        "next_steps": solution.next_steps if solution else "",
        "resolution_summary": complaint.resolution_summary,
        "customer_contribution": complaint.customer_contribution,
        "kind": request.kind,
        "description": request.description,
        "amount": format_amount(request.amount, request.currency, language),
        "agent_name": str(complaint.owner),
        "company_name": settings.COMPANY_NAME,
    }


def render_draft(request: CoulanceRequest) -> tuple[str, str, str]:
    """``(language, subject, body)`` of a new letter for the approved ``request``."""
    language = letter_language(request.complaint)
    context = draft_context(request, language=language)
    with translation.override(language):
        subject = render_to_string(f"{TEMPLATE_DIR}/{language}/coulance.subject.txt", context)
        body = render_to_string(f"{TEMPLATE_DIR}/{language}/coulance.txt", context)
    return language, " ".join(subject.split()), body.strip() + "\n"


def render_html(letter: CoulanceLetter, *, dated: datetime | None = None) -> str:
    """The letter as an HTML page (for the preview and the PDF), dated when it was frozen."""
    complaint = letter.request.complaint
    moment = dated or letter.frozen_at or timezone.now()
    context = {
        "subject": letter.subject,
        "body": letter.body,
        "version": letter.version,
        "reference": complaint.reference,
        "customer_name": complaint.customer.name,
        "customer_email": complaint.customer.email,
        "company_name": settings.COMPANY_NAME,
        "dated": _day(moment, letter.language),
    }
    with translation.override(letter.language):
        return render_to_string(f"{TEMPLATE_DIR}/{letter.language}/coulance.html", context)


def render_pdf(letter: CoulanceLetter, *, dated: datetime | None = None) -> bytes:
    """The letter as a PDF (WeasyPrint; imported here, once per process, when first needed)."""
    from weasyprint import HTML

    pdf = HTML(string=render_html(letter, dated=dated)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
