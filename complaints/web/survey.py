"""The customer's one-page follow-up survey, reached by the personal link in the email.

Opening the link only shows the form (mail scanners follow links); only submitting it records
the answer and completes the follow-up (``complaints.care.survey``). The page speaks the
customer's language.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from common import limits
from complaints.care.survey import (
    SurveyUnavailable,
    survey_get,
    survey_language,
    survey_submit,
)


class SurveyForm(forms.Form):
    nps = forms.TypedChoiceField(
        label=_("How likely is it that you would recommend us to a friend or colleague?"),
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a number from 0 to 10."),
            "invalid_choice": _("Choose a number from 0 to 10."),
        },
    )
    comment = forms.CharField(
        max_length=limits.SURVEY_COMMENT,
        label=_("Is there anything you would like to tell us?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


def _page(
    request: HttpRequest, template: str, context: dict[str, object], status: int
) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The link is personal: never pass it on to another site. ("no-referrer" would also make
    # the browser send "Origin: null" with the form, which the CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    language = survey_language(token) or settings.LANGUAGE_CODE
    with translation.override(language):
        context: dict[str, object] = {"language": language, "company": settings.COMPANY_NAME}
        try:
            survey_get(token=token)
        except SurveyUnavailable as exc:
            return _page(
                request, "survey/unavailable.html", context | {"message": exc.message}, 410
            )
        form = SurveyForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                survey_submit(
                    token=token,
                    nps=form.cleaned_data["nps"],
                    comment=form.cleaned_data["comment"],
                )
            except SurveyUnavailable as exc:  # answered in another tab meanwhile
                return _page(
                    request, "survey/unavailable.html", context | {"message": exc.message}, 410
                )
            return _page(request, "survey/thanks.html", context, 200)
        status = 400 if request.method == "POST" else 200
        return _page(request, "survey/form.html", context | {"form": form}, status)
