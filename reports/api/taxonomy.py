"""REST endpoints for the managed root-cause taxonomy: read by everyone, kept by quality staff."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common import limits
from complaints.api import fields as strict
from complaints.api.common import actor as _actor
from complaints.api.common import error_responses
from complaints.api.common import valid as _valid
from complaints.api.serializers import ModelSerializer
from complaints.models import RootCause
from reports import taxonomy

_ERRORS = error_responses()
_STATE_ERRORS = error_responses(state="item's current state")


class TaxonomyNodeSerializer(ModelSerializer):
    group = strict.CharField(source="parent.code", default=None, read_only=True, allow_null=True)
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


class TaxonomyCreateSerializer(serializers.Serializer[Any]):
    group = strict.SlugRelatedField(
        slug_field="code",
        max_length=limits.CODE,
        queryset=RootCause.objects.filter(parent__isnull=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="The group's code; leave out to make a new group.",
    )
    code = serializers.SlugField(
        max_length=limits.CODE, required=False, allow_blank=True, default=""
    )
    name_nl = strict.CharField(max_length=limits.ROOT_CAUSE_NAME)
    name_en = strict.CharField(max_length=limits.ROOT_CAUSE_NAME)
    description = strict.CharField(
        max_length=limits.NOTE, required=False, allow_blank=True, default=""
    )


class TaxonomyUpdateSerializer(serializers.Serializer[Any]):
    name_nl = strict.CharField(max_length=limits.ROOT_CAUSE_NAME, required=False)
    name_en = strict.CharField(max_length=limits.ROOT_CAUSE_NAME, required=False)
    description = strict.CharField(max_length=limits.NOTE, required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(responses={200: TaxonomyNodeSerializer(many=True), 403: _ERRORS[403]}),
    retrieve=extend_schema(
        responses={200: TaxonomyNodeSerializer, 403: _ERRORS[403], 404: _ERRORS[404]}
    ),
)
class TaxonomyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]
):
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
