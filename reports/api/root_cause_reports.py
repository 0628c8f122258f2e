"""REST endpoints for the monthly root-cause reports: list, make, read and export snapshots."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api import fields as strict
from complaints.api.common import actor as _actor
from complaints.api.common import error_responses
from complaints.api.common import valid as _valid
from complaints.api.pagination import ComplaintCursorPagination
from complaints.api.serializers import ModelSerializer, UserSummarySerializer
from reports import exports, policies, selectors, services
from reports.models import RootCauseReport

_ERRORS = error_responses()


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


class ReportCreateSerializer(serializers.Serializer[Any]):
    start = serializers.DateField(help_text="First local date of the period.")
    end = serializers.DateField(help_text="Last local date of the period (inclusive, not future).")
    email = strict.BooleanField(default=False, help_text="Also email the subscribers.")


@extend_schema_view(
    list=extend_schema(responses={200: ReportSummarySerializer(many=True), 403: _ERRORS[403]}),
    retrieve=extend_schema(responses={200: ReportSerializer, 403: _ERRORS[403], 404: _ERRORS[404]}),
)
class RootCauseReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]
):
    """Root-cause reports: snapshots of every figure for a month or a date range. Readable by
    Quality, managers and admins; made on demand by Quality and admins."""

    pagination_class = ReportPagination

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
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
        return exports.download(self.get_object(), "csv")

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
        return exports.download(self.get_object(), "pdf")
