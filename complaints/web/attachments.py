"""The complaint page's files: the upload form (multipart, works without JavaScript) and the
download, which only someone who may see the complaint gets (404 for anyone else)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from common.downloads import download_response
from common.errors import ActionForbidden, InvalidData
from common.web import actor
from complaints import attachments, selectors
from complaints.models import AttachmentSource
from complaints.web.page import render_page


@login_required
@require_POST
def complaint_attachment_upload(request: HttpRequest, reference: str) -> HttpResponse:
    """Add files to the complaint: all of them, or none with the reason in words."""
    user = actor(request)
    complaint = selectors.complaint_get_for_user(user=user, reference=reference)
    files = [attachments.IncomingFile.from_upload(f) for f in request.FILES.getlist("files")]
    try:
        added = attachments.attachments_upload(
            complaint=complaint, files=files, actor=user, source=AttachmentSource.PAGE
        )
    except ActionForbidden as error:
        raise PermissionDenied(str(error.message)) from error
    except InvalidData as error:
        reasons = " ".join(str(m) for m in error.errors.get("files", []))
        refusal = _("Nothing was added. %(reasons)s") % {"reasons": reasons}
        response = render_page(request, complaint, attachment_refusal=refusal)
        response.status_code = error.status_code
        return response
    count = len(added.stored)
    messages.success(
        request,
        ngettext("%(count)d file added.", "%(count)d files added.", count) % {"count": count},
    )
    return redirect(reverse("complaint-page", args=[complaint.reference]) + "#attachments")


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = selectors.attachment_get_for_user(user=actor(request), pk=pk)
    return download_response(
        storage=attachment.file.storage,
        stored_name=attachment.file.name,
        name=attachment.name,
        content_type=attachment.content_type,
        size=attachment.size,
    )
