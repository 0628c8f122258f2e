"""REST endpoints for coulance: requests, their four-eyes decision, and the letter versions.

``/api/coulance/`` lists, filters and creates requests (the complaint named by its reference);
``/api/coulance/{id}/approve|reject/`` decide; ``/api/coulance/{id}/letter/`` is the current
letter (the letter versions themselves are in ``coulance_letters``). Every refusal comes in the
order 404, 403, 409, then 400.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common import limits
from common.errors import TransitionNotAllowed
from complaints.api import fields as strict
from complaints.api.common import REFERENCE_PATTERN, FilterSet, error_responses, reference_field
from complaints.api.common import actor as _actor
from complaints.api.common import complaint_named as _complaint_from
from complaints.api.common import valid as _valid
from complaints.api.coulance_letters import LetterSerializer
from complaints.api.pagination import NewestFirstPagination
from complaints.api.serializers import ModelSerializer, UserSummarySerializer
from complaints.choices import Balance, Liability, RequestDomain
from complaints.coulance import letter_services, selectors
from complaints.coulance import services as coulance
from complaints.models import CoulanceKind, CoulanceLetter, CoulanceRequest, CoulanceStatus

_ERRORS = error_responses(
    "request or letter",
    forbidden="Not allowed for this user (four eyes, role, limit).",
    state="request's or letter's current state",
)


# --- Serializers -----------------------------------------------------------------------------------


class LetterSummarySerializer(ModelSerializer):
    class Meta:
        model = CoulanceLetter
        fields = ["id", "version", "status", "language", "frozen_at", "sent_at"]
        read_only_fields = fields


class CoulanceRequestSerializer(ModelSerializer):
    complaint = strict.CharField(source="complaint.reference", read_only=True)
    complaint_subject = strict.CharField(source="complaint.subject", read_only=True)
    team = strict.CharField(
        source="complaint.owner.team.name", default=None, read_only=True, allow_null=True
    )
    requested_by = UserSummarySerializer(read_only=True)
    waiting_for = UserSummarySerializer(read_only=True, allow_null=True)
    decided_by = UserSummarySerializer(read_only=True, allow_null=True)
    pending_reason = strict.CharField(
        read_only=True,
        help_text="Why nobody can decide yet, in the caller's language (empty when someone can).",
    )
    letter = serializers.SerializerMethodField()

    class Meta:
        model = CoulanceRequest
        fields = [
            "id",
            "complaint",
            "complaint_subject",
            "team",
            "kind",
            "description",
            "amount",
            "currency",
            "amount_eur",
            "reason",
            "customer_contribution",
            "liability",
            "request_domain",
            "assessment",
            "balance",
            "status",
            "requested_by",
            "requested_at",
            "waiting_for",
            "pending_reason",
            "decided_by",
            "decided_at",
            "decision_comment",
            "letter",
        ]
        read_only_fields = fields

    @extend_schema_field(LetterSummarySerializer(allow_null=True))
    def get_letter(self, obj: CoulanceRequest) -> Any:
        """The newest letter version (none until approved)."""
        if obj.status != CoulanceStatus.APPROVED:
            return None
        letter = selectors.coulance_letter_current(coulance_request=obj)
        return LetterSummarySerializer(letter).data if letter is not None else None


class CoulanceRequestCreateSerializer(serializers.Serializer[Any]):
    """A new request. Amount as a decimal string ("25.00"); limits are judged in EUR."""

    complaint = reference_field()
    kind = serializers.ChoiceField(choices=CoulanceKind.choices)
    description = strict.CharField(
        max_length=limits.GESTURE_DESCRIPTION,
        required=False,
        allow_blank=True,
        default="",
        help_text="What is given, in the customer's words; required for kind “other”.",
    )
    amount = strict.CharField(
        max_length=limits.AMOUNT, help_text="More than zero, at most two decimals, e.g. 25.00."
    )
    currency = strict.CharField(
        max_length=limits.CURRENCY, required=False, default="EUR", help_text="ISO 4217 code."
    )
    reason = strict.CharField(max_length=limits.NOTE)
    customer_contribution = strict.CharField(
        max_length=limits.TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional: what the customer did or did not do themselves; the letter names it.",
    )
    liability = serializers.ChoiceField(
        choices=Liability.choices, help_text="Must be not_liable: otherwise it is compensation."
    )
    request_domain = serializers.ChoiceField(choices=RequestDomain.choices)
    assessment = strict.CharField(
        max_length=limits.TEXT,
        allow_blank=True,
        help_text="Past: reasonable and fair? Future: the risk for the company. Present: why.",
    )
    balance = serializers.ChoiceField(choices=Balance.choices)


class DecisionSerializer(serializers.Serializer[Any]):
    comment = strict.CharField(max_length=limits.NOTE, required=False, allow_blank=True, default="")


class RejectionSerializer(serializers.Serializer[Any]):
    comment = strict.CharField(max_length=limits.NOTE, help_text="Why not: the requester reads it.")


class NewVersionSerializer(serializers.Serializer[Any]):
    regenerate = strict.BooleanField(
        required=False,
        default=False,
        help_text="Start from the complaint's record as it is now, not from the last letter.",
    )


class TotalSerializer(serializers.Serializer[Any]):
    currency = strict.CharField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)


class TotalsSerializer(serializers.Serializer[Any]):
    complaint = strict.CharField()
    granted = TotalSerializer(many=True)


# --- Filters ---------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class _IdFilter(django_filters.NumberFilter):
    """A whole-number id: 0.5 is refused (400), not read as 0."""

    field_class = forms.IntegerField  # type: ignore[assignment]


class CoulanceFilter(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CoulanceStatus.choices)
    team = _IdFilter(help_text="Team id of the complaint's owner.")
    amount_min = django_filters.NumberFilter(help_text="Amount at least (in its own currency).")
    amount_max = django_filters.NumberFilter(help_text="Amount at most (in its own currency).")
    currency = django_filters.CharFilter(help_text="ISO 4217 code.")
    kind = django_filters.ChoiceFilter(choices=CoulanceKind.choices)
    complaint = django_filters.CharFilter(help_text="The complaint's reference.")
    waiting_for = _IdFilter(help_text="User id: the pending requests waiting for them.")

    class Meta:
        model = CoulanceRequest
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        given = {
            name: int(value) if name in {"team", "waiting_for"} else value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [])
        }
        return selectors.coulance_filter(queryset, given)


# --- Views -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Coulance requests the user may see",
        responses={200: CoulanceRequestSerializer(many=True)},
    ),
    retrieve=extend_schema(responses={200: CoulanceRequestSerializer, 404: _ERRORS[404]}),
)
class CoulanceRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]
):
    """Goodwill gestures: proposed by the agent, decided by a manager who did not ask for it."""

    serializer_class = CoulanceRequestSerializer
    filterset_class = CoulanceFilter
    pagination_class = NewestFirstPagination

    def get_queryset(self) -> QuerySet[CoulanceRequest]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return CoulanceRequest.objects.none()
        return selectors.coulance_list(user=_actor(self.request))

    def get_object(self) -> CoulanceRequest:
        try:
            pk = int(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        return selectors.coulance_get_for_user(user=_actor(self.request), pk=pk)

    def _answer(self, request: CoulanceRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.coulance_list(user=_actor(self.request)).filter(pk=request.pk).first()
        return Response(
            CoulanceRequestSerializer(fresh or request, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        request=CoulanceRequestCreateSerializer,
        responses={201: CoulanceRequestSerializer, **_ERRORS},
    )
    def create(self, request: Request) -> Response:
        actor = _actor(request)
        complaint = _complaint_from(request, actor)
        coulance.check_may_request(complaint, actor)  # 403/409 whatever the rest of the payload
        data = _valid(CoulanceRequestCreateSerializer, request)
        data.pop("complaint")
        created = coulance.coulance_request_create(complaint=complaint, actor=actor, **data)
        return self._answer(created, status.HTTP_201_CREATED)

    @extend_schema(
        request=DecisionSerializer, responses={200: CoulanceRequestSerializer, **_ERRORS}
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def approve(self, request: Request, pk: str) -> Response:
        """Approve within your limit; the draft letter is made at once."""
        item = self.get_object()
        coulance.check_may_decide(item, _actor(request), approve=True)
        data = _valid(DecisionSerializer, request)
        decided = coulance.coulance_request_approve(
            coulance_request=item, actor=_actor(request), **data
        )
        return self._answer(decided)

    @extend_schema(
        request=RejectionSerializer, responses={200: CoulanceRequestSerializer, **_ERRORS}
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def reject(self, request: Request, pk: str) -> Response:
        """Reject with a comment saying why."""
        item = self.get_object()
        coulance.check_may_decide(item, _actor(request), approve=False)
        data = _valid(RejectionSerializer, request)
        decided = coulance.coulance_request_reject(
            coulance_request=item, actor=_actor(request), **data
        )
        return self._answer(decided)

    @extend_schema(
        responses={200: LetterSerializer, 404: _ERRORS[404], 409: _ERRORS[409]},
    )
    @action(detail=True, methods=["get"], filterset_class=None)
    def letter(self, request: Request, pk: str) -> Response:
        """The newest letter version; 409 while the request is pending or when it was rejected."""
        item = self.get_object()
        letter_services.check_request_has_letters(item)
        current = selectors.coulance_letter_current(coulance_request=item)
        if current is None:  # approved before letters existed: nothing to show yet
            raise TransitionNotAllowed(_("This request has no letter yet."))
        return Response(LetterSerializer(current).data)

    @extend_schema(
        methods=["get"],
        responses={200: LetterSerializer(many=True), 404: _ERRORS[404]},
    )
    @extend_schema(
        methods=["post"],
        request=NewVersionSerializer,
        responses={201: LetterSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def letters(self, request: Request, pk: str) -> Response:
        """Every letter version, oldest first; POST makes a new version for a correction."""
        item = self.get_object()
        if request.method == "POST":
            data = _valid(NewVersionSerializer, request)
            letter = letter_services.coulance_letter_new_version(
                coulance_request=item, actor=_actor(request), **data
            )
            return Response(LetterSerializer(letter).data, status=status.HTTP_201_CREATED)
        return Response(
            LetterSerializer(selectors.coulance_letters(coulance_request=item), many=True).data
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "complaint",
                str,
                required=True,
                description="The reference.",
                pattern=f"^{REFERENCE_PATTERN}$",
            )
        ],
        responses={200: TotalsSerializer, 400: _ERRORS[400], 404: _ERRORS[404]},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def totals(self, request: Request) -> Response:
        """What was granted on one complaint (``?complaint=KL-…``), per currency."""
        actor = _actor(request)
        complaint = _complaint_from(request, actor, source=request.query_params)
        granted = selectors.coulance_total_granted(complaint=complaint)
        return Response(
            TotalsSerializer(
                {
                    "complaint": complaint.reference,
                    "granted": [{"currency": c, "total": t} for c, t in granted.items()],
                }
            ).data
        )
