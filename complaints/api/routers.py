"""The API's router: a detail route takes a whole-number id unless its viewset says otherwise."""

from __future__ import annotations

from django.urls import register_converter
from rest_framework.routers import DefaultRouter

from complaints.api.common import REFERENCE_PATTERN


class ReferenceConverter:
    """A complaint's reference in a path, e.g. ``KL-2026-000123``."""

    regex = REFERENCE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")


class Router(DefaultRouter):
    """A ``DefaultRouter`` whose routes use path converters, ``<int:pk>`` by default.

    Every id in this API is a whole number. With DRF's default (anything but a slash or a dot)
    ``/api/promises/null,null/`` reached the view and failed there with a 500; now such a path
    matches no route and is a 404 like any unknown address, and the schema types the id as an
    integer. A viewset with other keys names its converter in ``lookup_value_converter`` (the
    complaints: ``reference``). No format suffixes (``/api/complaints.json``): every endpoint
    answers in one format, and the schema describes the paths as they are written.
    """

    include_format_suffixes = False

    def __init__(self) -> None:
        super().__init__(use_regex_path=False)
        self._default_value_pattern = "int"
