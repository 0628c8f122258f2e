"""Body fields that take the JSON type the schema gives them, not something DRF converts.

DRF reads ``"phone": 0`` as the text "0", ``"nps": "7"`` as 7 and ``"notify_customer": "yes"``
as true. The schema says string, integer, boolean, and a client that sends another type has
a bug that a quiet conversion hides, so these refuse it (400, DRF's own message). A form or
multipart body has only text, so there an integer or a yes/no is still read from its text.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.utils import html


def _from_json(field: serializers.Field) -> bool:
    """Whether the data ``field`` reads came as JSON (not a form, multipart or query)."""
    data = getattr(field.root, "initial_data", None)
    return data is not None and not html.is_html_input(data)


class CharField(serializers.CharField):
    """Text only: a number or a boolean is refused ("Not a valid string.")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IntegerField(serializers.IntegerField):
    """A JSON number without fraction; a string (or a boolean) is refused."""

    def to_internal_value(self, data: Any) -> int:
        if _from_json(self) and (isinstance(data, bool) or not isinstance(data, int | float)):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    """JSON true or false; "yes", 1 or "true" is refused."""

    def to_internal_value(self, data: Any) -> bool:
        if _from_json(self) and not isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)
