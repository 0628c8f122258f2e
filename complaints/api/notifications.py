"""REST endpoints for the user's own notifications: list, filter, mark read."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from complaints import notifications
from complaints.api.common import FilterSet, error_responses
from complaints.api.common import actor as _actor
from complaints.api.pagination import NewestCreatedFirstPagination
from complaints.api.serializers import ModelSerializer
from complaints.models import Notification, NotificationKind

_ERRORS = error_responses()


class NotificationSerializer(ModelSerializer):
    complaint = serializers.CharField(source="complaint.reference", read_only=True)
    title = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "complaint",
            "promise",
            "follow_up",
            "title",
            "text",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields

    def get_title(self, obj: Notification) -> str:
        return notifications.notification_text(obj.kind, obj.payload)[0]

    def get_text(self, obj: Notification) -> str:
        return notifications.notification_text(obj.kind, obj.payload)[1]


class NotificationFilter(FilterSet):
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="_unread",
        help_text="Only unread (true) or only read (false) notifications.",
    )
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices)

    class Meta:
        model = Notification
        fields: list[str] = []

    def _unread(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(read_at__isnull=value == "true")


class MarkedReadSerializer(serializers.Serializer[Any]):
    marked_read = serializers.IntegerField()


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Any]):
    """The user's own notifications, newest first, in the user's language."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    pagination_class = NewestCreatedFirstPagination

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications.notification_list(user=_actor(self.request))

    @extend_schema(request=None, responses={200: NotificationSerializer, 404: _ERRORS[404]})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        """Mark one notification read."""
        notification = self.get_queryset().filter(pk=int(pk)).first()
        if notification is None:  # someone else's is not even there
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        notification = notifications.notification_mark_read(
            notification=notification, actor=_actor(request), now=timezone.now()
        )
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: MarkedReadSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark all of the user's notifications read."""
        count = notifications.notification_mark_all_read(actor=_actor(request))
        return Response({"marked_read": count})
