from __future__ import annotations

from rest_framework.pagination import CursorPagination


class ComplaintCursorPagination(CursorPagination):
    """Cursor pages: constant cost however deep the page, no COUNT(*) over the table."""

    ordering: tuple[str, ...] = ("-received_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


class NewestFirstPagination(ComplaintCursorPagination):
    ordering = ("-id",)


class OldestFirstPagination(ComplaintCursorPagination):
    ordering = ("created_at", "id")


class NewestCreatedFirstPagination(ComplaintCursorPagination):
    ordering = ("-created_at", "-id")


class DueOrderPagination(ComplaintCursorPagination):
    ordering = ("due_at", "id")
