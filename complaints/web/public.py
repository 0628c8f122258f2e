"""The customer's public pages: the complaint form and the personal status page.

No login. The language comes from the address (``/klacht/`` Dutch, ``/complaint/`` English).
The pages work without JavaScript, say no to robots (noindex, a honeypot field), are never
cached, and never pass the personal link on to another site: "same-origin" rather than
"no-referrer", because with "no-referrer" the browser sends ``Origin: null`` with the form and
Django's CSRF check rightly refuses it (as on the survey page).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.lockout import client_address
from common.errors import DomainError, InvalidData
from common.web import add_domain_errors
from complaints import customer_files, intake, status_links
from complaints.choices import Language
from complaints.web.public_forms import PublicComplaintForm, StatusMessageForm

FORM_URL: dict[str, str] = {Language.DUTCH: "public-form-nl", Language.ENGLISH: "public-form-en"}
STATUS_URL: dict[str, str] = {
    Language.DUTCH: "public-status-nl",
    Language.ENGLISH: "public-status-en",
}


def _other(language: str) -> str:
    return Language.ENGLISH if language == Language.DUTCH else Language.DUTCH


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    language = context["language"]
    context = {"other_language": _other(language), "company": settings.COMPANY_NAME, **context}
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    response["Content-Language"] = language
    return response


def _refused(request: HttpRequest, language: str, error: DomainError) -> HttpResponse:
    return _page(
        request,
        "public/refused.html",
        {"language": language, "message": error.message, "status": error.status_code},
        status=error.status_code,
    )


def _robot(request: HttpRequest, language: str) -> HttpResponse:
    return _page(request, "public/robot.html", {"language": language}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest, language: str) -> HttpResponse:
    with translation.override(language):
        form = PublicComplaintForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        if request.method == "POST":
            if form.is_robot():
                return _robot(request, language)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    complaint = intake.public_complaint_submit(
                        name=data["name"],
                        email=data["email"],
                        phone=data["phone"],
                        what_happened=data["what_happened"],
                        wish=data["wish"],
                        language=language,
                        files=data["attachments"],
                        address=client_address(request),
                    )
                except InvalidData as error:
                    add_domain_errors(form, error)
                except (intake.TooManyComplaints, intake.NoOneToReceive) as error:
                    return _refused(request, language, error)
                else:
                    link = complaint.status_link
                    path = status_links.status_path(link.public_id, language)
                    return HttpResponseRedirect(f"{path}?new=1")
        status = 400 if request.method == "POST" else 200
        context = {
            "language": language,
            "form": form,
            "other_url": reverse(FORM_URL[_other(language)]),
        }
        return _page(request, "public/form.html", context, status=status)


def _not_found(request: HttpRequest, language: str) -> HttpResponse:
    return _page(request, "public/not_found.html", {"language": language}, status=404)


def _files_summary(files: list[Any]) -> str:
    return _("Sent files: %(names)s") % {"names": ", ".join(f.name for f in files)}


@never_cache
@require_http_methods(["GET", "POST"])
def status_page(request: HttpRequest, language: str, token: str) -> HttpResponse:
    with translation.override(language):
        try:
            complaint = status_links.status_complaint_get(token=token)
        except status_links.StatusLinkUnknown:
            return _not_found(request, language)
        form = StatusMessageForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        if request.method == "POST":
            if form.is_robot():
                return _robot(request, language)
            if form.is_valid():
                files = form.cleaned_data["attachments"]
                summary = form.cleaned_data["summary"].strip() or _files_summary(files)
                refusals = customer_files.customer_files_check(files)
                for message in refusals:
                    form.add_error("attachments", message)
                if not refusals:
                    try:
                        customer_files.customer_message_with_files_add(
                            complaint=complaint, summary=summary, files=files, via="status_page"
                        )
                    except InvalidData as error:
                        add_domain_errors(form, error)
                    else:
                        return HttpResponseRedirect(f"{request.path}?sent=1")
        view = status_links.status_view(complaint=complaint)
        context = {
            "language": language,
            "view": view,
            "steps": [str(status_links.STAGE_WORDS[s]) for s in status_links.STEPS],
            "form": form,
            "other_url": reverse(STATUS_URL[_other(language)], args=[token]),
            "new": request.GET.get("new") == "1",
            "sent": request.GET.get("sent") == "1",
        }
        status = 400 if request.method == "POST" else 200
        return _page(request, "public/status.html", context, status=status)
