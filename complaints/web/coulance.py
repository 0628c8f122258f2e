"""Coulance in the web interface: the request on the complaint page, the manager's approval
queue, and the letter's review, PDF and sending.

Every change goes through ``complaints.coulance.services``; their refusals come back in words:
field messages next to the fields, a refused decision or letter step as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from common.csp import allow_own_styles
from common.errors import ActionForbidden, DomainError, InvalidData
from common.web import actor, add_domain_errors, say_refusal
from complaints import policies, selectors
from complaints.coulance import letter_services, letters
from complaints.coulance import selectors as coulance_selectors
from complaints.coulance import services as coulance
from complaints.models import CoulanceLetter, LetterStatus
from complaints.web.coulance_forms import CoulanceRequestForm, DecisionForm, LetterForm
from complaints.web.coulance_panel import may_decide, panel_context
from complaints.web.page import render_page

# --- The request, on the complaint page -----------------------------------------------------------


@login_required
@require_POST
def coulance_request(request: HttpRequest, reference: str) -> HttpResponse:
    user = actor(request)
    complaint = selectors.complaint_get_for_user(user=user, reference=reference)
    form = CoulanceRequestForm(request.POST, auto_id="coulance-%s")
    try:
        coulance.check_may_request(complaint, user)  # 403 / 409 whatever was typed
        if form.is_valid():
            made = coulance.coulance_request_create(
                complaint=complaint, actor=user, **form.cleaned_data
            )
            if made.waiting_for is not None:
                messages.success(
                    request,
                    _("The goodwill gesture waits for the approval of %(manager)s.")
                    % {"manager": made.waiting_for},
                )
            else:
                messages.warning(request, made.pending_reason)
            return redirect(reverse("complaint-page", args=[complaint.reference]) + "#coulance")
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error
    except InvalidData as error:
        add_domain_errors(form, error)
    except DomainError as error:  # the complaint is closed
        messages.error(request, str(error.message))
        return redirect(reverse("complaint-page", args=[complaint.reference]) + "#coulance")
    return render_page(request, complaint, extra=panel_context(request, complaint, form=form))


# --- The manager's approval queue ---------------------------------------------------------------


@login_required
@require_GET
def coulance_queue(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if not may_decide(user):
        raise PermissionDenied(_("Only managers decide on goodwill gestures."))
    pending = list(coulance_selectors.coulance_pending_for(user=user))
    for item in pending:
        item.form = DecisionForm(auto_id=f"decision-{item.pk}-%s")  # type: ignore[attr-defined]
    return render(request, "coulance/queue.html", {"pending": pending})


@login_required
@require_POST
def coulance_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("approve", "reject"):
        raise Http404
    user = actor(request)
    item = coulance_selectors.coulance_get_for_user(user=user, pk=pk)
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if decision == "approve":
            coulance.coulance_request_approve(coulance_request=item, actor=user, comment=comment)
            messages.success(
                request,
                _("Approved: %(reference)s. The agent can now review and send the letter.")
                % {"reference": item.complaint.reference},
            )
        else:
            coulance.coulance_request_reject(coulance_request=item, actor=user, comment=comment)
            messages.success(
                request, _("Rejected: %(reference)s.") % {"reference": item.complaint.reference}
            )
    except DomainError as error:  # no comment; not yours, above the limit, yours, or decided
        say_refusal(request, error)
    return redirect("coulance-queue")


# --- The letter -----------------------------------------------------------------------------------


@login_required
@require_GET
def letter_page(request: HttpRequest, pk: int) -> HttpResponse:
    letter = coulance_selectors.coulance_letter_get_for_user(user=actor(request), pk=pk)
    return _letter_page(request, letter)


def _letter_page(
    request: HttpRequest,
    letter: CoulanceLetter,
    *,
    form: LetterForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_work = policies.can_work(actor(request), letter.request.complaint)
    if form is None and may_work and letter.status == LetterStatus.DRAFT:
        form = LetterForm(
            initial={"subject": letter.subject, "body": letter.body}, auto_id="letter-%s"
        )
    versions = list(coulance_selectors.coulance_letters(coulance_request=letter.request))
    # The stored text as sending would judge it, so the agent sees a refusal coming.
    missing, warnings = (
        letters.review_draft(letter)
        if may_work and letter.status == LetterStatus.DRAFT
        else ([], [])
    )
    return render(
        request,
        "coulance/letter.html",
        {
            "letter": letter,
            "complaint": letter.request.complaint,
            "versions": versions,
            "form": form if may_work else None,
            "may_work": may_work,
            "missing_essentials": missing,
            "letter_warnings": warnings,
            "newest": not versions or letter.pk == versions[-1].pk,
        },
        status=status,
    )


@login_required
@require_GET
@xframe_options_sameorigin  # shown in the review page's frame
def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    letter = coulance_selectors.coulance_letter_get_for_user(user=actor(request), pk=pk)
    html = letters.render_html(letter)
    response = HttpResponse(html)
    allow_own_styles(response, html, framed_by_self=True)
    return response


@login_required
@require_GET
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen PDF as it was sent; for a draft, the PDF as it would look now."""
    letter = coulance_selectors.coulance_letter_get_for_user(user=actor(request), pk=pk)
    content = bytes(letter.pdf) if letter.pdf else letters.render_pdf(letter)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{letter.request.complaint.reference}-v{letter.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_POST
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    letter = coulance_selectors.coulance_letter_get_for_user(user=user, pk=pk)
    form = LetterForm(request.POST, auto_id="letter-%s")
    try:
        letter_services.check_may_handle_letter(letter, user)
        letter_services.check_letter_is_draft(letter)
        if not form.is_valid():
            return _letter_page(request, letter, form=form)
        letter_services.coulance_letter_update(letter=letter, actor=user, **form.cleaned_data)
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error
    except InvalidData as error:
        add_domain_errors(form, error)
        return _letter_page(request, letter, form=form)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("letter-page", pk=letter.pk)
    messages.success(request, _("The letter's text is saved."))
    return redirect("letter-page", pk=letter.pk)


@login_required
@require_POST
def letter_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    letter = coulance_selectors.coulance_letter_get_for_user(user=user, pk=pk)
    try:
        letter_services.coulance_letter_send(letter=letter, actor=user)
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error
    except DomainError as error:
        say_refusal(request, error)
    else:
        messages.success(
            request,
            _("The letter is frozen and on its way to %(email)s.")
            % {"email": letter.request.complaint.customer.email},
        )
    return redirect("letter-page", pk=letter.pk)


@login_required
@require_POST
def letter_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A correction after sending: a new draft version of the request's letter."""
    user = actor(request)
    letter = coulance_selectors.coulance_letter_get_for_user(user=user, pk=pk)
    try:
        new = letter_services.coulance_letter_new_version(
            coulance_request=letter.request, actor=user
        )
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("letter-page", pk=letter.pk)
    messages.success(request, _("Version %(version)s is a new draft.") % {"version": new.version})
    return redirect("letter-page", pk=new.pk)
