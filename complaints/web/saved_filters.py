"""Saved filters under "my work" and the team page: save the list's current filter, delete one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.models import SavedFilter
from common.errors import InvalidData
from common.web import actor

LIST_URL_NAMES = {SavedFilter.Page.MY_WORK: "home", SavedFilter.Page.TEAM: "team-complaints"}


def saved_filters_context(request: HttpRequest, page: str) -> dict[str, Any]:
    """What ``includes/saved_filters.html`` shows: the user's saved filters and the current one."""
    current = request.GET.copy()
    current.pop("page", None)
    return {
        "saved_filters": list(selectors.saved_filter_list(user=actor(request), page=page)),
        "saved_filter_page": page,
        "saved_filter_query": current.urlencode(),
        "saved_filter_list_url": reverse(LIST_URL_NAMES[SavedFilter.Page(page)]),
        "saved_filter_name_max": SavedFilter.NAME_MAX,
    }


def _back(page: str, query: str = "") -> HttpResponse:
    url = reverse(LIST_URL_NAMES.get(SavedFilter.Page(page), "home"))
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_POST
def saved_filter_save(request: HttpRequest, page: str) -> HttpResponse:
    """Save the list's filter (the query string sent along) under the given name."""
    if page not in SavedFilter.Page.values:
        return _back(SavedFilter.Page.MY_WORK)
    query = request.POST.get("query", "")
    try:
        saved = services.saved_filter_create(
            user=actor(request), page=page, name=request.POST.get("name", ""), query=query
        )
    except InvalidData as error:
        for message in (m for messages_ in error.errors.values() for m in messages_):
            messages.error(request, _("The filter was not saved: %(why)s") % {"why": message})
        # Back to the list as it was filtered, so nothing of the user's choice is lost.
        return _back(page, QueryDict(query).urlencode()[: SavedFilter.QUERY_MAX])
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return _back(page, saved.query)


@login_required
@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's saved filters (404 for another's)."""
    user = actor(request)
    saved = selectors.saved_filter_get_for_user(user=user, pk=pk)
    services.saved_filter_delete(saved=saved, user=user)
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return _back(saved.page)
