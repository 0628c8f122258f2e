"""Renderers for endpoints that answer with a document (PDF, HTML) instead of JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import Http404
from rest_framework import renderers
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.request import Request


class PDFRenderer(renderers.BaseRenderer):
    """Bytes as ``application/pdf``; an error (a dict) is answered as JSON instead."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes | bytearray | memoryview):
            return bytes(data)
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, default=str).encode()


class HTMLRenderer(renderers.StaticHTMLRenderer):
    """The letter page as ``text/html``; an error is answered as JSON."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        if isinstance(data, str):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, default=str)


class OneFormatNegotiation(BaseContentNegotiation):
    """For endpoints that answer in one format only: always that one, whatever the suffix
    or Accept header says, so that a refusal (401/403/404) is never hidden behind a 404 or
    406 about the format."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


class FallbackNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, but an Accept header or ``?format=`` that no renderer of the view
    matches gets the view's first format (JSON) instead of a 406 or 404: the API answers in
    the formats its schema describes, whatever a client asks for. With the browsable API
    gone from the renderers (settings), ``Accept: text/html`` no longer gets an HTML page."""

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[Any, str]:
        try:
            chosen: tuple[Any, str] = super().select_renderer(request, renderers, format_suffix)
            return chosen
        except (NotAcceptable, Http404):
            return renderers[0], renderers[0].media_type
