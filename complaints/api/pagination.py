from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class ComplaintCursorPagination(CursorPagination):
    """Cursor pages: constant cost however deep the page, no COUNT(*) over the table."""

    ordering: tuple[str, ...] = ("-received_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        """As DRF's, but a ``page_size`` that is not a whole number is a 400, as the schema says
        (DRF would quietly answer a page of the default size)."""
        given = request.query_params.getlist(self.page_size_query_param)
        if any(not value.strip().lstrip("-").isdigit() for value in given) or len(given) > 1:
            raise ValidationError({self.page_size_query_param: [_("Give one whole number.")]})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer"}
                parameter["description"] = f"Items per page, at most {self.max_page_size}."
        return parameters


class NewestFirstPagination(ComplaintCursorPagination):
    ordering = ("-id",)


class OldestFirstPagination(ComplaintCursorPagination):
    ordering = ("created_at", "id")


class NewestCreatedFirstPagination(ComplaintCursorPagination):
    ordering = ("-created_at", "-id")


class DueOrderPagination(ComplaintCursorPagination):
    ordering = ("due_at", "id")
