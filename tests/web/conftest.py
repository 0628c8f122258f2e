"""Web test helpers: a browser-like client logged in as a persona, in a chosen language."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import User


@pytest.fixture
def client_as(client: Client) -> Callable[..., Client]:
    """``client_as(user, language="en")``: the test client logged in as ``user``.

    The language is the user's own setting, which wins over the browser's, as in real use.
    """

    def login(user: User, language: str = "en") -> Client:
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
        return client

    return login


HTMX = {"HTTP_HX_REQUEST": "true"}


def field_html(page: str, field_id: str) -> str:
    """The rendered field group (label, help, errors, input) of the input with ``field_id``."""
    groups = page.split('<div class="field')[1:]
    return next(g for g in groups if f'id="{field_id}"' in g.split('<div class="field')[0])


def badges(fragment: str) -> list[str]:
    """The deadline badges' texts in ``fragment``, as a person reads them."""
    found = re.findall(r'<span class="badge deadline[^"]*"[^>]*>(.*?)</span>', fragment, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", b)).strip() for b in found]
