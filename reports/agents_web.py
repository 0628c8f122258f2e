"""Learning per agent in the web interface: "my figures", and the figures of the people in
one's scope (a manager's team members, Quality's everyone) side by side."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import User
from common.errors import InvalidData
from common.web import actor, add_domain_errors
from reports import agents
from reports.figure_parts import Period
from reports.presentation import JOURNEY_LABELS, STEP_LABELS


class FiguresPeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("Until (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def few_text(share: float | None, whole: int) -> str:
    """A share as a percentage; below ``MIN_CASES`` cases the number of cases instead."""
    if whole == 0:
        return "–"
    if share is None:
        return _("too few (%(count)s)") % {"count": whole}
    return f"{share * 100:.0f} %"


def _readable(figures: dict[str, Any]) -> dict[str, Any]:
    promises, emotions, triad, nps = (
        figures["promises"],
        figures["emotions"],
        figures["triad"],
        figures["nps"],
    )
    return {
        **figures,
        "promise_rate_text": few_text(promises["rate"], promises["kept"] + promises["broken"]),
        "legs": [
            {
                "key": leg,
                "label": label(),
                **emotions[leg],
                "share_text": few_text(emotions[leg]["better_share"], emotions[leg]["compared"]),
            }
            for leg, label in JOURNEY_LABELS.items()
        ],
        "nps_text": (
            "–"
            if nps["answers"] == 0
            else _("too few (%(count)s)") % {"count": nps["answers"]}
            if nps["nps"] is None
            else f"{nps['nps']:.0f}"
        ),
        "triad_share_text": few_text(triad["share"], triad["resolved"]),
        "steps": [{**step, "label": STEP_LABELS[step["step"]]()} for step in triad["steps"]],
    }


def _period(request: HttpRequest) -> tuple[FiguresPeriodForm, Period | None]:
    form = FiguresPeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    try:
        return form, agents.figures_period(data.get("start"), data.get("end"))
    except InvalidData as error:
        add_domain_errors(form, error)
        return form, None


def _page(request: HttpRequest, template: str, people: list[User], **extra: Any) -> HttpResponse:
    form, period = _period(request)
    rows = [] if period is None else [_readable(f) for f in agents.agent_figures(people, period)]
    return render(
        request,
        template,
        {"form": form, "period": period, "rows": rows, "min_cases": agents.MIN_CASES, **extra},
        status=400 if period is None else 200,
    )


@login_required
@require_GET
def agent_figures_list(request: HttpRequest) -> HttpResponse:
    """The figures of everyone in one's scope; an agent's scope is themself."""
    people = list(agents.agents_in_scope(actor(request)))
    if not people:
        raise Http404(_("There are no figures of this person that you may see."))
    if people == [actor(request)]:
        query = request.GET.urlencode()
        return redirect(reverse("my-figures") + (f"?{query}" if query else ""))
    return _page(request, "reports/agent_figures_list.html", people)


@login_required
@require_GET
def agent_figures_page(request: HttpRequest, pk: int) -> HttpResponse:
    agent = agents.agent_in_scope(actor(request), pk)
    return _page(request, "reports/agent_figures.html", [agent], agent=agent)


@login_required
@require_GET
def my_figures(request: HttpRequest) -> HttpResponse:
    agent = agents.agent_in_scope(actor(request), actor(request).pk)
    return _page(request, "reports/agent_figures.html", [agent], agent=agent, mine=True)
