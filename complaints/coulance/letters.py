"""Rendering of the coulance letter: the draft text from the complaint's record, HTML and PDF.

Pure functions of their arguments; nothing here writes. The templates are ordinary Django
templates in ``templates/letters/<language>/`` (``coulance.subject.txt``, ``coulance.txt``,
``coulance.html``), so an administrator changes the wording by editing or overriding those
files, and the tests render exactly what production renders. How a kind of gesture is named
(``GESTURE_WORDS``) is declared here once, because ``missing_essentials`` checks a reviewed
text against the same words before it may be sent.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from complaints.choices import Language
from complaints.coulance import letter_fonts, review
from complaints.coulance.letterhead import LetterheadData, current_letterhead, letterhead_of
from complaints.models import Complaint, CoulanceKind, CoulanceLetter, CoulanceRequest
from complaints.money import format_amount

TEMPLATE_DIR = "letters"

# How the letter names each kind of gesture, per language: (article, words). The templates
# write "article words"; a reviewed text must still hold the words (the article may change).
# Plain per-language text like the templates themselves, not gettext: the letter's language
# is the customer's, whatever the reader's.
GESTURE_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    Language.DUTCH: {
        CoulanceKind.REFUND: ("een", "terugbetaling"),
        CoulanceKind.CREDIT: ("een", "creditering op uw volgende factuur"),
        CoulanceKind.VOUCHER: ("een", "waardebon"),
        CoulanceKind.FREE_SERVICE: ("een", "gratis service"),
        CoulanceKind.SMALL_GIFT: ("een", "kleine attentie"),
    },
    Language.ENGLISH: {
        CoulanceKind.REFUND: ("a", "refund"),
        CoulanceKind.CREDIT: ("a", "credit on your next invoice"),
        CoulanceKind.VOUCHER: ("a", "voucher"),
        CoulanceKind.FREE_SERVICE: ("a", "free service"),
        CoulanceKind.SMALL_GIFT: ("a", "small gift"),
    },
}

# Words of which a letter must keep at least one to still apologise (matched case-insensitively
# anywhere in the text, so "apolog" covers apology, apologise and apologies).
APOLOGY_WORDS: dict[str, tuple[str, ...]] = {
    Language.DUTCH: ("excuses", "sorry", "spijt"),
    Language.ENGLISH: ("apolog", "sorry"),
}


# Words of which a letter must keep at least one to still say that the gesture is goodwill.
GOODWILL_WORDS: dict[str, tuple[str, ...]] = {
    Language.DUTCH: ("coulance", "goodwill"),
    Language.ENGLISH: ("goodwill", "coulance"),
}


# What tells the customer that the company is not liable (a letter saying so binds the
# complaint's resolution: see selectors.coulance_letter_saying_not_liable).
NOT_LIABLE_WORDS: dict[str, tuple[str, ...]] = {
    Language.DUTCH: ("niet aansprakelijk", "geen erkenning van aansprakelijkheid"),
    Language.ENGLISH: ("not liable", "not an admission of liability", "no admission of liability"),
}


def states_not_liable(text: str, language: str) -> bool:
    """Whether ``text`` tells the customer that the company is not liable."""
    plain = _plain(text)
    return any(words in plain for words in NOT_LIABLE_WORDS.get(language, ()))


def letter_language(complaint: Complaint) -> str:
    """The customer's language, Dutch when it is not one the letters are written in."""
    language = complaint.customer.language
    return language if language in Language.values else Language.DUTCH


def _day(moment: datetime | date, language: str) -> str:
    """The day as a letter writes it: "7 december 2026", "7 December 2026" (day, month, year
    in both languages: the company writes from the Netherlands)."""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date()
    with translation.override(language):
        return formats.date_format(moment, "j F Y")


def _gesture_words(request: CoulanceRequest, language: str) -> tuple[str, str]:
    """``(article, words)`` naming what is given; the description itself for "other"."""
    known = GESTURE_WORDS.get(language, GESTURE_WORDS[Language.DUTCH]).get(request.kind)
    return known if known is not None else ("", request.description)


def draft_context(
    request: CoulanceRequest, *, language: str, letterhead: LetterheadData | None = None
) -> dict[str, Any]:
    """What the letter says, from the complaint's record and the approved request.

    Only what was written for the customer is passed on: the words for the customer the agent
    gave with each triad step (empty: the template writes its own sentence, never the note),
    the customer's contribution, and the complaint's subject; each without emoji or shouting
    marks. The internal notes (how it was acknowledged, the facts, the next steps, the
    resolution) stay out of the letter.
    """
    complaint = request.complaint
    understanding = getattr(complaint, "understanding", None)
    apology = getattr(complaint, "apology", None)
    solution = getattr(complaint, "solution", None)
    return {
        "customer_name": complaint.customer.name,
        "reference": complaint.reference,
        "subject": review.formal(complaint.subject),
        "received_on": _day(complaint.received_at, language),
        "emotion": understanding.emotion if understanding else "",
        "understanding": review.formal(understanding.acknowledgement_for_customer)
        if understanding
        else "",
        "apology": review.formal(apology.apology_for_customer) if apology else "",
        "done": review.formal(solution.next_steps_for_customer) if solution else "",
        # Asked for with the request; the complaint's own (set at resolve) when it was not.
        "customer_contribution": review.formal(
            request.customer_contribution or complaint.customer_contribution
        ),
        "kind": request.kind,
        "gesture": review.formal(
            " ".join(part for part in _gesture_words(request, language) if part)
        ),
        "amount": format_amount(request.amount, request.currency, language)
        if request.amount
        else "",
        "agent_name": str(complaint.owner),
        "company_name": (letterhead or current_letterhead()).company_name,
    }


def _plain(text: str) -> str:
    """``text`` lower-cased with every run of white space (also non-breaking) as one space."""
    return " ".join(text.casefold().split())


def missing_essentials(request: CoulanceRequest, text: str, language: str) -> list[str]:
    """What a reviewed letter text no longer says that it must, in the reader's language
    (empty when nothing is missing).

    The gesture must stay visible (what is given and its amount, as the draft wrote them) and
    the apology must stay: editing may change the wording, not drop what makes it coulance.
    """
    plain = _plain(text)
    missing: list[str] = []
    words = _gesture_words(request, language)[1]
    if request.amount:
        amount = format_amount(request.amount, request.currency, language)
        if not all(_plain(part) in plain for part in (words, amount)):
            missing.append(
                _(
                    "The letter no longer makes the gesture visible: it must name "
                    "“%(gesture)s” and “%(amount)s”."
                )
                % {"gesture": words, "amount": amount}
            )
    elif _plain(given := request.description or words) not in plain:
        missing.append(
            _(
                "The letter no longer makes the gesture visible: it must name what is given, "
                "“%(gesture)s”."
            )
            % {"gesture": given}
        )
    apologies = APOLOGY_WORDS.get(language, APOLOGY_WORDS[Language.DUTCH])
    if not any(word in plain for word in apologies):
        missing.append(
            _("The letter no longer apologises: say sorry for the inconvenience, as the draft did.")
        )
    goodwill = GOODWILL_WORDS.get(language, GOODWILL_WORDS[Language.DUTCH])
    if not any(word in plain for word in goodwill):
        missing.append(
            _(
                "The letter no longer says that the gesture is goodwill (“%(word)s”), not an "
                "admission of liability."
            )
            % {"word": goodwill[0]}
        )
    return missing


def review_draft(letter: CoulanceLetter) -> tuple[list[str], list[str]]:
    """``(missing, warnings)`` for a draft as sending would judge it: what blocks sending, and
    what only reads badly (in the reader's language)."""
    missing = missing_essentials(letter.request, letter.body, letter.language)
    advice = review.warnings(
        letter.body,
        language=letter.language,
        customer_name=letter.request.complaint.customer.name,
        subject=letter.subject,
    )
    return missing, advice


def render_draft(
    request: CoulanceRequest, *, letterhead: LetterheadData | None = None
) -> tuple[str, str, str]:
    """``(language, subject, body)`` of a new letter for the approved ``request``, signed in
    the name of ``letterhead`` (by default the current one)."""
    language = letter_language(request.complaint)
    context = draft_context(request, language=language, letterhead=letterhead)
    with translation.override(language):
        subject = render_to_string(f"{TEMPLATE_DIR}/{language}/coulance.subject.txt", context)
        body = render_to_string(f"{TEMPLATE_DIR}/{language}/coulance.txt", context)
    return language, " ".join(subject.split()), body.strip() + "\n"


# The space between a currency and its amount ("€ 25,00", "USD 12.00"): never a line break
# there on the page (the text and the email keep the plain space).
_AMOUNT_SPACE = re.compile(r"(€|\b[A-Z]{3}) (?=\d)")


def render_html(
    letter: CoulanceLetter,
    *,
    dated: datetime | None = None,
    letterhead: LetterheadData | None = None,
    for_pdf: bool = False,
) -> str:
    """The letter as an HTML page (for the preview and the PDF), dated when it was frozen,
    under ``letterhead`` (by default the one it was sent with, or the current one for a draft;
    ``letters/letterhead.html`` lays it out). ``for_pdf`` adds the embedded fonts' rules."""
    complaint = letter.request.complaint
    moment = dated or letter.frozen_at or timezone.now()
    head = letterhead or letterhead_of(letter)
    context = {
        "letterhead": head,
        "subject": letter.subject,
        "body": _AMOUNT_SPACE.sub("\\1\u00a0", letter.body),
        "version": letter.version,
        "reference": complaint.reference,
        "customer_name": complaint.customer.name,
        "customer_email": complaint.customer.email,
        "company_name": head.company_name,
        "dated": _day(moment, letter.language),
        # Our own constant rules (file URLs of the committed fonts), not the user's text.
        "font_faces": mark_safe(letter_fonts.font_faces_css()) if for_pdf else "",  # noqa: S308
    }
    with translation.override(letter.language):
        return render_to_string(f"{TEMPLATE_DIR}/{letter.language}/coulance.html", context)


def render_pdf(
    letter: CoulanceLetter,
    *,
    dated: datetime | None = None,
    letterhead: LetterheadData | None = None,
) -> bytes:
    """The letter as a PDF (WeasyPrint; imported here, once per process, when first needed).

    The fonts of ``letter_fonts`` are already cut to the letter's characters; on a machine
    without HarfBuzz's subsetter they are embedded whole (``full_fonts``), not subset again."""
    from weasyprint import HTML

    page = render_html(letter, dated=dated, letterhead=letterhead, for_pdf=True)
    pdf = HTML(string=page).write_pdf(full_fonts=letter_fonts.embed_whole())
    if pdf is None:
        raise ValueError("pdf is missing")
    return bytes(pdf)
