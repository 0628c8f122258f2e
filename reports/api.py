"""REST endpoints for the learning organisation: corrective actions and root-cause reports.

Refusals come in the usual order: 404 (not visible), 403 (not allowed), 409 (not in a state for
this), then 400 (the data); the services check again under their row locks.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from complaints.api.common import actor as _actor
from complaints.api.common import valid as _valid
from complaints.api.pagination import ComplaintCursorPagination, OldestFirstPagination
from complaints.api.serializers import ModelSerializer, UserSummarySerializer
from complaints.errors import InvalidData
from complaints.models import Complaint, RootCause
from reports import actions, exports, policies, selectors, services, taxonomy
from reports.models import ActionStatus, CorrectiveAction, RootCauseReport

_ERRORS = {
    400: OpenApiResponse(description="Invalid data: field names with messages."),
    403: OpenApiResponse(description="Not allowed for this user."),
    404: OpenApiResponse(description="No such item, or not visible to this user."),
}
_STATE_ERRORS = {
    **_ERRORS,
    409: OpenApiResponse(description="Not possible in the item's current state."),
}


# --- Corrective actions ------------------------------------------------------------------------


class ActionPagination(OldestFirstPagination):
    ordering = ("due_on", "id")


class EffectSerializer(serializers.Serializer):
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


class ActionCreateSerializer(serializers.Serializer):
    root_cause = serializers.SlugRelatedField(
        slug_field="code", queryset=RootCause.objects.all(), help_text="The cause's code."
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    due_on = serializers.DateField()
    complaints = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="References of complaints that showed the cause, e.g. KL-2026-000123.",
    )


class ActionUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    due_on = serializers.DateField(required=False)


class LinkSerializer(serializers.Serializer):
    complaints = serializers.ListField(child=serializers.CharField(), min_length=1)


class CompleteSerializer(serializers.Serializer):
    result = serializers.CharField(required=False, allow_blank=True, default="")


class DropSerializer(serializers.Serializer):
    reason = serializers.CharField()


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
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Corrective actions (verbeteracties): raised by Quality on one root cause, with an owner
    and a due date; open → in progress → done, or dropped with a reason."""

    serializer_class = CorrectiveActionSerializer
    pagination_class = ActionPagination

    def get_queryset(self) -> QuerySet[CorrectiveAction]:
        if getattr(self, "swagger_fake_view", False):
            return CorrectiveAction.objects.none()
        params = self.request.query_params
        filters: dict[str, Any] = {
            "status": params.get("status") or None,
            "overdue": params.get("overdue") in {"1", "true", "yes"},
        }
        if code := params.get("root_cause"):
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

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=ActionStatus.values),
            OpenApiParameter("root_cause", str, description="A cause's or group's code."),
            OpenApiParameter("overdue", bool),
        ]
    )
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
        item = self.get_object()
        actions.check_may_change(item, _actor(request), step="complete")
        data = _valid(CompleteSerializer, request)
        return self._answer(
            actions.action_step(action=item, step="complete", actor=_actor(request), **data)
        )

    @extend_schema(
        request=DropSerializer, responses={200: CorrectiveActionSerializer, **_STATE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def drop(self, request: Request, pk: str) -> Response:
        """Open or in progress → dropped, with the reason."""
        item = self.get_object()
        actions.check_may_change(item, _actor(request), step="drop")
        data = _valid(DropSerializer, request)
        return self._answer(
            actions.action_step(action=item, step="drop", actor=_actor(request), **data)
        )


# --- Root-cause reports ------------------------------------------------------------------------


class ReportPagination(ComplaintCursorPagination):
    ordering = ("-period_start", "-id")


class ReportSummarySerializer(ModelSerializer):
    generated_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = RootCauseReport
        fields = [
            "id",
            "kind",
            "period_start",
            "period_end",
            "generated_at",
            "generated_by",
            "emailed_at",
        ]
        read_only_fields = fields


class ReportSerializer(ReportSummarySerializer):
    figures = serializers.JSONField(read_only=True, help_text="Every figure, as stored.")

    class Meta(ReportSummarySerializer.Meta):
        fields = [*ReportSummarySerializer.Meta.fields, "figures"]
        read_only_fields = fields


class ReportCreateSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First local date of the period.")
    end = serializers.DateField(help_text="Last local date of the period (inclusive, not future).")
    email = serializers.BooleanField(default=False, help_text="Also email the subscribers.")


class RootCauseReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Root-cause reports: snapshots of every figure for a month or a date range. Readable by
    Quality, managers and admins; made on demand by Quality and admins."""

    pagination_class = ReportPagination

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return ReportSummarySerializer if self.action == "list" else ReportSerializer

    def get_queryset(self) -> QuerySet[RootCauseReport]:
        if getattr(self, "swagger_fake_view", False):
            return RootCauseReport.objects.none()
        return selectors.report_list(user=_actor(self.request))

    def get_object(self) -> RootCauseReport:
        try:
            pk = int(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        return selectors.report_get(user=_actor(self.request), pk=pk)

    @extend_schema(
        request=ReportCreateSerializer,
        responses={201: ReportSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
    )
    def create(self, request: Request) -> Response:
        """Make a report now for any past month or date range (at most two years)."""
        actor = _actor(request)
        policies.ensure_may_manage(actor)  # 403 whatever the payload
        data = _valid(ReportCreateSerializer, request)
        report = services.report_generate(actor=actor, **data)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The raw aggregates."),
            403: _ERRORS[403],
            404: _ERRORS[404],
        }
    )
    @action(detail=True, methods=["get"])
    def csv(self, request: Request, pk: str) -> HttpResponse:
        """The report's figures as CSV: section, dimension, key, metric, value."""
        report = self.get_object()
        response = HttpResponse(exports.report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.csv_filename(report, "csv")}"'
        )
        return response

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            403: _ERRORS[403],
            404: _ERRORS[404],
        }
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        """The whole report with its charts as PDF."""
        report = self.get_object()
        response = HttpResponse(exports.report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.csv_filename(report, "pdf")}"'
        )
        return response


# --- The root-cause taxonomy -------------------------------------------------------------------


class TaxonomyNodeSerializer(ModelSerializer):
    group = serializers.CharField(source="parent.code", default=None, read_only=True)
    complaint_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = RootCause
        fields = [
            "id",
            "code",
            "group",
            "name_nl",
            "name_en",
            "description",
            "active",
            "complaint_count",
        ]
        read_only_fields = fields


class TaxonomyCreateSerializer(serializers.Serializer):
    group = serializers.SlugRelatedField(
        slug_field="code",
        queryset=RootCause.objects.filter(parent__isnull=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="The group's code; leave out to make a new group.",
    )
    code = serializers.SlugField(max_length=60, required=False, allow_blank=True, default="")
    name_nl = serializers.CharField(max_length=120)
    name_en = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class TaxonomyUpdateSerializer(serializers.Serializer):
    name_nl = serializers.CharField(max_length=120, required=False)
    name_en = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class TaxonomyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Managing the root-cause taxonomy (Quality and admins): groups and causes with how many
    complaints use them; retire instead of delete once in use."""

    serializer_class = TaxonomyNodeSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[RootCause]:
        if getattr(self, "swagger_fake_view", False):
            return RootCause.objects.none()
        taxonomy.check_may_manage(_actor(self.request))
        return (
            RootCause.objects.select_related("parent")
            .annotate(complaint_count=Count("complaints"))
            .order_by("parent__code", "code")
        )

    def get_object(self) -> RootCause:
        try:
            pk = int(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _answer(self, node: RootCause, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            TaxonomyNodeSerializer(self.get_queryset().get(pk=node.pk)).data, status=code
        )

    @extend_schema(
        request=TaxonomyCreateSerializer,
        responses={201: TaxonomyNodeSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
    )
    def create(self, request: Request) -> Response:
        taxonomy.check_may_manage(_actor(request))
        data = _valid(TaxonomyCreateSerializer, request)
        data["parent"] = data.pop("group")
        made = taxonomy.root_cause_create(actor=_actor(request), **data)
        return self._answer(made, status.HTTP_201_CREATED)

    @extend_schema(
        request=TaxonomyUpdateSerializer, responses={200: TaxonomyNodeSerializer, **_ERRORS}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        node = self.get_object()
        data = _valid(TaxonomyUpdateSerializer, request)
        return self._answer(
            taxonomy.root_cause_update(root_cause=node, actor=_actor(request), **data)
        )

    @extend_schema(request=None, responses={200: TaxonomyNodeSerializer, **_STATE_ERRORS})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str) -> Response:
        """No longer offered for new complaints; kept on those that have it."""
        node = self.get_object()
        changed = taxonomy.root_cause_set_active(
            root_cause=node, actor=_actor(request), active=False
        )
        return self._answer(changed)

    @extend_schema(request=None, responses={200: TaxonomyNodeSerializer, **_STATE_ERRORS})
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: str) -> Response:
        node = self.get_object()
        changed = taxonomy.root_cause_set_active(
            root_cause=node, actor=_actor(request), active=True
        )
        return self._answer(changed)

    @extend_schema(
        responses={204: None, 403: _ERRORS[403], 404: _ERRORS[404], 409: _STATE_ERRORS[409]}
    )
    def destroy(self, request: Request, pk: str) -> Response:
        """Delete a node nothing uses (409 when in use: retire it instead)."""
        taxonomy.root_cause_delete(root_cause=self.get_object(), actor=_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
