"""The complaint page's "Write to the customer" form (the view is in ``complaint``): an email through the outbox, recorded as an
outbound interaction (``complaints.mail.outbound``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from common import limits
from common.errors import ActionForbidden, DomainError
from complaints.mail import outbound
from complaints.models import Complaint
from complaints.web.forms import WebForm


class AnswerForm(WebForm):
    body = forms.CharField(
        max_length=limits.TEXT,
        label=gettext_lazy("Your message to the customer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Write the message to the customer.")},
    )


def answer_form_for(complaint: Complaint, user: object) -> tuple[AnswerForm | None, str]:
    """The empty form when ``user`` may write to the customer now, else why not (or nothing
    when the user may not work the complaint at all)."""
    try:
        outbound.check_may_answer(complaint, user)  # type: ignore[arg-type]
    except ActionForbidden:
        return None, ""
    except DomainError as error:
        return None, str(error.message)
    return AnswerForm(auto_id="answer-%s"), ""
