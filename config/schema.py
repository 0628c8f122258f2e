"""The API's schema generator: every refusal an operation can answer is described, with its body.

An endpoint names its particular refusals (``complaints.api.common.error_responses``); what
DRF itself answers on every endpoint is added here once, so the schema cannot forget it:

- 401 where authentication is required (no or an unknown token);
- 403 on every write (a session without its CSRF token; policies refuse with it too);
- 404 where the path names something (a wrong or invisible id) and on cursor-paged lists (a
  cursor that is not ours); 400 on those lists too (a ``page_size`` that is not a number);
- 400 where a body or query parameters are read (field names with their messages);
- 413 where a body is read (larger than ``API_MAX_BODY_BYTES``);
- 415 where a body is read (a content type the endpoint does not parse);
- 429 where a throttle applies (too many requests, or too many failed sign-ins), with
  Retry-After.

Every refusal is JSON, also on the endpoints that answer HTML or PDF otherwise (see
``complaints.api.renderers``): ``Error`` (``detail`` in words, ``code`` for domain errors) or,
for 400, ``ValidationError`` (messages per field).
"""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"

COMPONENTS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "A refusal in words, in the user's language.",
        "properties": {
            "detail": {"type": "string"},
            "code": {"type": "string", "description": "The domain's reason, where it has one."},
        },
        "required": ["detail"],
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": (
            "Invalid data: each field's name with its messages (``non_field_errors`` or "
            "``detail`` for what concerns no one field). A field of a list or an object "
            "nests its messages the same way."
        ),
        "additionalProperties": {},
    },
}

DEFAULT_DESCRIPTIONS = {
    400: "Invalid data: field names with messages.",
    401: "Not authenticated: no, or an unknown, token or session.",
    403: "Not allowed for this user, or a session request without its CSRF token.",
    404: "No such item, or not visible to this user.",
    413: "The body is larger than the API reads (API_MAX_BODY_BYTES).",
    415: "The body is not JSON (the only format this API reads).",
    429: (
        "Too many requests (or too many failed sign-ins for this user from this address): "
        "try again after the seconds in the Retry-After header."
    ),
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _body(code: int) -> dict[str, Any]:
    name = VALIDATION_ERROR if code == 400 else ERROR
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema with the refusals DRF answers everywhere (see above)."""

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for refusal in sorted(self._refusals()):
            responses.setdefault(str(refusal), {"description": DEFAULT_DESCRIPTIONS[refusal]})
        for key, response in responses.items():
            if key.isdigit() and int(key) >= 400:
                response["content"] = _body(int(key))
                response["description"] = response.get("description") or DEFAULT_DESCRIPTIONS.get(
                    int(key), ""
                )
        return responses

    def _refusals(self) -> set[int]:
        codes: set[int] = set()
        if not all(p is AllowAny for p in self.view.permission_classes):
            codes.add(401)
            if self.method in _WRITES:
                codes.add(403)
        if self._has_path_parameters() or self._is_cursor_paged():
            codes.add(404)
        if self._is_cursor_paged() and self._get_paginator().page_size_query_param:
            codes.add(400)  # a page_size that is not one whole number (pagination.py)
        if self._reads_body():
            codes |= {400, 413, 415}
        if self._get_filter_parameters() or self._query_overrides():
            codes.add(400)
        if self.view.get_throttles():
            codes.add(429)
        return codes

    def _has_path_parameters(self) -> bool:
        return "{" in self.path

    def _is_cursor_paged(self) -> bool:
        paginator = self._get_paginator()
        return isinstance(paginator, CursorPagination) and self._is_list_view()

    def _reads_body(self) -> bool:
        return self.method in {"POST", "PUT", "PATCH"} and self.get_request_serializer() is not None

    def _query_overrides(self) -> list[Any]:
        """Declared query parameters: ``OpenApiParameter``s in the query, or a serializer."""
        return [
            p
            for p in self.get_override_parameters()
            if not isinstance(p, OpenApiParameter) or p.location == OpenApiParameter.QUERY
        ]


def add_error_components(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: the ``Error`` and ``ValidationError`` bodies the refusals refer to."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    return result


class BlankableEmailField(OpenApiSerializerFieldExtension):
    """An e-mail field that may be blank is an address or "" (``format: email`` rejects "")."""

    target_class = "rest_framework.fields.EmailField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        email = build_basic_type(OpenApiTypes.EMAIL)
        if email is None:
            raise ValueError("email is missing")
        if not self.target.allow_blank:
            return email
        if self.target.max_length is not None:
            # drf-spectacular adds maxLength to a string only, not inside this oneOf.
            email = {**email, "maxLength": self.target.max_length}
        return {"oneOf": [email, {"type": "string", "maxLength": 0}]}


class LimitedSlugRelatedField(OpenApiSerializerFieldExtension):
    """A relation by code with its longest length (``complaints.api.fields.SlugRelatedField``)."""

    target_class = "complaints.api.fields.SlugRelatedField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer_field(
            self.target, direction, bypass_extensions=True
        )
        if self.target.max_length is not None:
            schema = {**schema, "maxLength": self.target.max_length}
        return schema
