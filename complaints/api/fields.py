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
from rest_framework.utils.formatting import lazy_format


class _Worded:
    """A limit's message, worded each time it is shown, in the language of that request."""

    __slots__ = ("args", "kwargs", "template")

    def __init__(self, template: Any, *args: Any, **kwargs: Any) -> None:
        self.template, self.args, self.kwargs = template, args, kwargs

    def __str__(self) -> str:
        return str(self.template).format(*self.args, **self.kwargs)

    def __mod__(self, value: Any) -> str:
        worded: str = str(self) % value
        return worded


class WordedEachTime:
    """DRF words a limit's message ("no more than 200 characters") once and keeps it: the
    serializers here share their fields between requests (``serializers._fresh``), so the
    message stayed in the language of the first request that saw it. Worded anew here."""

    validators: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for validator in self.validators:
            message = getattr(validator, "message", None)
            if isinstance(message, lazy_format) and message.format_string is not None:
                validator.message = _Worded(message.format_string, *message.args, **message.kwargs)


class CharField(WordedEachTime, serializers.CharField):
    """Text only: a number or a boolean is refused ("Not a valid string.")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IntegerField(WordedEachTime, serializers.IntegerField):
    """A JSON number without fraction; a string (or a boolean) is refused."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class EmailField(WordedEachTime, serializers.EmailField):
    """An e-mail address (the longest one's message in the request's language)."""


class RegexField(WordedEachTime, serializers.RegexField):
    """Text matching a pattern (the longest one's message in the request's language)."""


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
    with at least one character does not allow: leave the field out or send null). A code
    longer than ``max_length`` is refused as a text field's would be (the schema says so)."""

    default_error_messages = {
        "blank": serializers.CharField.default_error_messages["blank"],
        "max_length": serializers.CharField.default_error_messages["max_length"],
    }

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        self.max_length = max_length
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "":
            self.fail("blank")
        if self.max_length is not None and isinstance(data, str) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """By whole-number id: "" (read as null by DRF) and "5" (a string) are refused."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "" or isinstance(data, bool | str | float):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().run_validation(data)
