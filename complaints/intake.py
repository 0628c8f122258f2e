"""Complaints a customer files themselves through the public form (``/klacht/``, ``/complaint/``).

One function takes the form's words and files and logs the complaint through the same service
as an agent does (``services.complaint_create``), channel "web form": the customer is found by
email address (the newest one not erased) or registered, in the language of the form they used;
the owner is chosen by a rule (``PUBLIC_FORM_TEAM``: the least-loaded agent of that team) and
is the one who receives it, so the audit trail names them as the receiver. Abuse is held off by
a rate per email address and per client address (``PUBLIC_FORM_RATE``, counted in the cache).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from common.errors import DomainError, ErrorCollector
from complaints import customer_files, policies, services
from complaints.choices import Channel, Language
from complaints.models import Complaint, Customer
from complaints.states import OPEN_STAGES

WHAT_HAPPENED_MAX = 6_000  # with the wish and its heading, within the facts' limits.TEXT
WISH_MAX = 3_000
SUBJECT_WORDS = 80  # characters of what happened that make the complaint's subject


class TooManyComplaints(DomainError):
    """Too many complaints from one email address or client address in the rate's window."""

    status_code = 429
    code = "too_many_complaints"
    default_message = _(
        "You have sent us several complaints in a short time. Please wait an hour and try "
        "again, or call us."
    )


class NoOneToReceive(DomainError):
    """Nobody may own complaints (none in ``PUBLIC_FORM_TEAM``): the form cannot take one."""

    status_code = 503
    code = "no_one_to_receive"
    default_message = _(
        "We cannot take complaints through the website at the moment. Please call or email us."
    )


def _window() -> tuple[int, int]:
    """The rate's number of complaints and the length of its window in seconds."""
    count, seconds = SimpleRateThrottle.parse_rate(None, settings.PUBLIC_FORM_RATE)  # type: ignore[arg-type]
    return int(count or 1), int(seconds or 3600)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def rate_count(*, email: str, address: str | None, now: float | None = None) -> None:
    """Count one complaint for this email address and client address; 429 when either has
    had its rate in the current window already.

    A fixed window per key; ``cache.add`` then ``incr`` is atomic in Redis and in the local
    memory cache, so two requests at once cannot both take the last place.
    """
    allowed, seconds = _window()
    window = int((time.time() if now is None else now) // seconds)
    over = False
    idents = [("email", email.strip().lower())]
    if address:
        idents.append(("address", address))
    for kind, ident in idents:
        key = f"public_form:{kind}:{_digest(ident)}:{window}"
        cache.add(key, 0, timeout=seconds + 1)
        try:
            hits = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=seconds + 1)
            hits = 1
        over = over or hits > allowed
    if over:
        raise TooManyComplaints


def public_owner() -> User:
    """Who receives a complaint from the form: of the agents in ``PUBLIC_FORM_TEAM`` (all
    agents when it is empty), the one with the fewest open complaints, the longest known first
    on a tie; only when there is no agent, anyone else there who may own complaints (a manager).
    """
    people = User.objects.filter(is_active=True)
    if settings.PUBLIC_FORM_TEAM:
        people = people.filter(team__name=settings.PUBLIC_FORM_TEAM)
    is_agent = Exists(
        User.groups.through.objects.filter(user=OuterRef("pk"), group__name=GROUP_NAMES[Role.AGENT])
    )
    ranked = people.annotate(
        agent=is_agent,
        open_count=Count("owned_complaints", filter=Q(owned_complaints__stage__in=OPEN_STAGES)),
    ).order_by("-agent", "open_count", "pk")
    for person in ranked.iterator(chunk_size=50):
        if policies.can_own(person):
            return person
    raise NoOneToReceive


def _subject(text: str) -> str:
    line = " ".join(text.split())
    if len(line) <= SUBJECT_WORDS:
        return line
    cut = line[:SUBJECT_WORDS].rsplit(" ", 1)[0] or line[:SUBJECT_WORDS]
    return cut.rstrip(" ,.;:") + "…"


def _facts(what_happened: str, wish: str, language: str) -> str:
    """What happened, and what the customer would like under its own heading (in their
    language: the agent reads the customer's own words)."""
    facts = what_happened.strip()
    if wish.strip():
        with override(language):
            heading = str(_("What the customer would like:"))
        facts += f"\n\n{heading}\n{wish.strip()}"
    return facts


def _customer(*, name: str, email: str, phone: str, language: str, owner: User) -> Customer:
    found = (
        Customer.objects.filter(email__iexact=email, erased_at__isnull=True).order_by("-pk").first()
    )
    if found is None:
        return services.customer_create(
            name=name, email=email, phone=phone, language=language, actor=owner
        )
    if found.language != language:
        # The language they wrote in now is the one they read our answers in.
        Customer.objects.filter(pk=found.pk).update(language=language)
        found.language = language
    return found


def public_complaint_submit(
    *,
    name: str,
    email: str,
    phone: str,
    what_happened: str,
    wish: str,
    language: str,
    files: Sequence[UploadedFile] = (),
    address: str | None = None,
    now: datetime | None = None,
) -> Complaint:
    """Log the complaint a customer sent through the form, with its files.

    400 (``InvalidData``) with field messages, 429 over the rate, 503 when nobody may receive
    it; in each case nothing is written. The acknowledgement email with the status link is
    queued by ``complaint_create`` (``deadlines.complaint_watch``).
    """
    now = now or timezone.now()
    if language not in Language.values:
        raise ValueError(f"unknown language: {language!r}")
    name, email, phone = name.strip(), email.strip(), phone.strip()
    errors = ErrorCollector()
    errors.require("name", name)
    errors.require("email", email)
    errors.require("what_happened", what_happened.strip())
    for message in customer_files.customer_files_check(files):
        errors.add("attachments", message)
    errors.raise_if_any()
    rate_count(email=email, address=address)
    owner = public_owner()
    with transaction.atomic():
        customer = _customer(name=name, email=email, phone=phone, language=language, owner=owner)
        complaint = services.complaint_create(
            customer=customer,
            channel=Channel.WEB_FORM,
            subject=_subject(what_happened),
            facts=_facts(what_happened, wish, language),
            actor=owner,
            owner=owner,
            now=now,
        )
        customer_files.customer_files_add(complaint=complaint, files=files, source="public_form")
    return complaint
