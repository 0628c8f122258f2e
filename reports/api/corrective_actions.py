"""REST endpoints for corrective actions: what the organisation changes because of a root cause.

Refusals come in the usual order: 404 (not visible), 403 (not allowed), 409 (not in a state for
this), then 400 (the data); the services check again under their row locks.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from common import limits
from common.errors import InvalidData
from complaints.api import fields as strict
from complaints.api.common import actor as _actor
from complaints.api.common import error_responses, query_data
from complaints.api.common import valid as _valid
from complaints.api.pagination import OldestFirstPagination
from complaints.api.serializers import ModelSerializer, UserSummarySerializer
from complaints.models import Complaint, RootCause
from reports import actions
from reports.models import ActionStatus, CorrectiveAction

_ERRORS = error_responses()
_STATE_ERRORS = error_responses(state="item's current state")


class ActionPagination(OldestFirstPagination):
    ordering = ("due_on", "id")


class EffectSerializer(serializers.Serializer[Any]):
    window_days = serializers.IntegerField()
    before = serializers.IntegerField()
    after = serializers.IntegerField()
    change = serializers.FloatField(allow_null=True)


class CorrectiveActionSerializer(ModelSerializer):
    root_cause: serializers.SlugRelatedField[RootCause] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    owner = UserSummarySerializer(read_only=True)
    created_by = UserSummarySerializer(read_only=True)
    complaints = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    effect = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "root_cause",
            "title",
            "description",
            "owner",
            "due_on",
            "status",
            "overdue",
            "complaints",
            "result",
            "drop_reason",
            "created_by",
            "created_at",
            "started_at",
            "done_at",
            "dropped_at",
            "effect",
        ]
        read_only_fields = fields

    def get_complaints(self, obj: CorrectiveAction) -> list[str]:
        """The references of the complaints that showed the cause."""
        return sorted(c.reference for c in obj.complaints.all())

    def get_overdue(self, obj: CorrectiveAction) -> bool:
        return obj.is_overdue(actions.local_today())

    @extend_schema_field(EffectSerializer(allow_null=True))
    def get_effect(self, obj: CorrectiveAction) -> dict[str, Any] | None:
        effect = actions.action_effect(action=obj)
        if effect is None:
            return None
        return {
            "window_days": effect.window_days,
            "before": effect.before,
            "after": effect.after,
            "change": effect.change,
        }


class ActionQuerySerializer(serializers.Serializer[Any]):
    """The list's query parameters."""

    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    root_cause = strict.CharField(
        max_length=limits.CODE, required=False, help_text="A cause's or group's code."
    )
    overdue = serializers.BooleanField(required=False, default=False)


class ActionCreateSerializer(serializers.Serializer[Any]):
    root_cause = strict.SlugRelatedField(
        slug_field="code",
        max_length=limits.CODE,
        queryset=RootCause.objects.all(),
        help_text="The cause's code.",
    )
    title = strict.CharField(max_length=limits.SUBJECT)
    description = strict.CharField(
        max_length=limits.TEXT, required=False, allow_blank=True, default=""
    )
    owner = strict.PrimaryKeyRelatedField(queryset=User.objects.all())
    due_on = serializers.DateField()
    complaints = serializers.ListField(
        child=strict.CharField(max_length=limits.REFERENCE),
        max_length=limits.LINKED_COMPLAINTS,
        required=False,
        default=list,
        help_text="References of complaints that showed the cause, e.g. KL-2026-000123.",
    )


class ActionUpdateSerializer(serializers.Serializer[Any]):
    title = strict.CharField(max_length=limits.SUBJECT, required=False)
    description = strict.CharField(max_length=limits.TEXT, required=False, allow_blank=True)
    owner = strict.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    due_on = serializers.DateField(required=False)


class LinkSerializer(serializers.Serializer[Any]):
    complaints = serializers.ListField(
        child=strict.CharField(max_length=limits.REFERENCE),
        min_length=1,
        max_length=limits.LINKED_COMPLAINTS,
    )


class CompleteSerializer(serializers.Serializer[Any]):
    result = strict.CharField(max_length=limits.TEXT, required=False, allow_blank=True, default="")


class DropSerializer(serializers.Serializer[Any]):
    reason = strict.CharField(max_length=limits.NOTE)


def _complaints(references: list[str]) -> list[Complaint]:
    """The complaints with these references; 400 naming those that do not exist."""
    found = list(Complaint.objects.filter(reference__in=set(references)))
    missing = sorted(set(references) - {c.reference for c in found})
    if missing:
        raise InvalidData(
            {
                "complaints": [
                    _("No complaint with these references: %(refs)s.")
                    % {"refs": ", ".join(missing)}
                ]
            }
        )
    return found


class CorrectiveActionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]
):
    """Corrective actions (verbeteracties): raised by Quality on one root cause, with an owner
    and a due date; open → in progress → done, or dropped with a reason."""

    serializer_class = CorrectiveActionSerializer
    pagination_class = ActionPagination

    def get_queryset(self) -> QuerySet[CorrectiveAction]:
        if getattr(self, "swagger_fake_view", False):
            return CorrectiveAction.objects.none()
        filters: dict[str, Any] = {"status": None, "overdue": False}
        if self.action == "list":  # the list's filters, validated: 400 on a value it cannot be
            query = ActionQuerySerializer(data=query_data(self.request))  # ?status= refused
            query.is_valid(raise_exception=True)
            given = query.validated_data
            filters = {"status": given.get("status") or None, "overdue": given.get("overdue")}
            if code := given.get("root_cause"):
                filters["root_cause"] = RootCause.objects.filter(code=code).first() or -1
        return actions.action_list(user=_actor(self.request), filters=filters).prefetch_related(
            "complaints"
        )

    def get_object(self) -> CorrectiveAction:
        try:
            pk = int(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _answer(self, item: CorrectiveAction, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=item.pk)
        return Response(CorrectiveActionSerializer(fresh).data, status=code)

    @extend_schema(parameters=[ActionQuerySerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=ActionCreateSerializer,
        responses={201: CorrectiveActionSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
    )
    def create(self, request: Request) -> Response:
        actor = _actor(request)
        actions.check_may_raise(actor)  # 403 whatever the payload
        data = _valid(ActionCreateSerializer, request)
        data["complaints"] = _complaints(data["complaints"])
        created = actions.action_create(actor=actor, **data)
        return self._answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        request=ActionUpdateSerializer, responses={200: CorrectiveActionSerializer, **_STATE_ERRORS}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        actions.check_may_change(item, _actor(request))
        data = _valid(ActionUpdateSerializer, request)
        return self._answer(actions.action_update(action=item, actor=_actor(request), **data))

    @extend_schema(
        request=LinkSerializer, responses={200: CorrectiveActionSerializer, **_STATE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk: str) -> Response:
        """Link complaints (by reference) that showed the action's root cause."""
        item = self.get_object()
        actions.check_may_change(item, _actor(request))
        data = _valid(LinkSerializer, request)
        linked = actions.action_link_complaints(
            action=item, complaints=_complaints(data["complaints"]), actor=_actor(request)
        )
        return self._answer(linked)

    @extend_schema(request=None, responses={200: CorrectiveActionSerializer, **_STATE_ERRORS})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        """Open → in progress (Quality or the action's owner)."""
        item = self.get_object()
        return self._answer(actions.action_step(action=item, step="start", actor=_actor(request)))

    @extend_schema(
        request=CompleteSerializer, responses={200: CorrectiveActionSerializer, **_STATE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """In progress → done, with what was done; the effect is measured from then on."""
        return self._step(request, "complete", CompleteSerializer)

    @extend_schema(
        request=DropSerializer, responses={200: CorrectiveActionSerializer, **_STATE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def drop(self, request: Request, pk: str) -> Response:
        """Open or in progress → dropped, with the reason."""
        return self._step(request, "drop", DropSerializer)

    def _step(
        self, request: Request, step: str, input_class: type[serializers.Serializer[Any]]
    ) -> Response:
        """A step that carries data: refused with 404, 403 or 409 before the data is read."""
        item = self.get_object()
        actions.check_may_change(item, _actor(request), step=step)
        data = _valid(input_class, request)
        return self._answer(
            actions.action_step(action=item, step=step, actor=_actor(request), **data)
        )
