"""Body fields that take the JSON type the schema gives them, not something DRF converts.

DRF reads ``"phone": 0`` as the text "0", ``"nps": "7"`` as 7 and ``"notify_customer": "yes"``
as true. The schema says string, integer, boolean, and a client that sends another type has
a bug that a quiet conversion hides, so these refuse it (400, DRF's own message). The API
reads JSON bodies only (settings), so there is no form whose values are all text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class CharField(serializers.CharField):
    """Text only: a number or a boolean is refused ("Not a valid string.")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IntegerField(serializers.IntegerField):
    """A JSON number without fraction; a string (or a boolean) is refused."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    """JSON true or false; "yes", 1 or "true" is refused."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class DateTimeField(serializers.DateTimeField):
    """A moment between 1970 and 9000. Earlier, the local time zone's offset had seconds in
    it (Amsterdam before 1937: +00:19:32), which no ISO 8601 moment has, so the answer broke
    its own schema; near the year 9999 DRF refuses the moment itself ("out of range")."""

    default_error_messages = {"range": _("Give a moment between 1970 and 9000.")}

    def to_internal_value(self, value: Any) -> datetime:
        moment = super().to_internal_value(value)
        if not EARLIEST <= moment < LATEST:
            self.fail("range")
        return moment


class SlugRelatedField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """By code; "" is refused (DRF reads "" as null for a relation, which the schema's string
    with at least one character does not allow: leave the field out or send null)."""

    default_error_messages = {"blank": serializers.CharField.default_error_messages["blank"]}

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "":
            self.fail("blank")
        return super().run_validation(data)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """By whole-number id: "" (read as null by DRF) and "5" (a string) are refused."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "" or isinstance(data, bool | str | float):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().run_validation(data)
