"""REST endpoints for customers and complaints; the triad steps are POST actions."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from complaints import policies, privacy, selectors, services, transfers, workflow
from complaints.api import listing
from complaints.api import serializers as s
from complaints.api.common import actor as _actor
from complaints.api.common import error_responses, query_data
from complaints.api.common import valid as _valid
from complaints.api.filters import ComplaintFilter, list_filters
from complaints.api.messages import CustomerMessagesMixin
from complaints.models import AccessKind, AccessVia, Complaint, Customer, RootCause
from complaints.states import Transition

_ERRORS = error_responses("complaint")
_TRANSITION_ERRORS = error_responses("complaint", state="complaint's current stage")
_ERASURE_ERRORS = error_responses(
    "customer", state="state of the customer's complaints and goodwill gestures"
)


_CUSTOMER_ERRORS = error_responses("customer", state="customer's record (erased on request)")


@extend_schema_view(
    list=extend_schema(
        parameters=[s.CustomerSearchQuerySerializer],
        responses={200: s.CustomerMatchesSerializer, 400: _CUSTOMER_ERRORS[400]},
    ),
    retrieve=extend_schema(responses={200: s.CustomerSerializer, 404: _CUSTOMER_ERRORS[404]}),
    partial_update=extend_schema(
        request=s.CustomerChangeSerializer,
        responses={
            200: s.CustomerSerializer,
            **_CUSTOMER_ERRORS,
            409: OpenApiResponse(
                description="The customer's data were erased on request: register them anew."
            ),
        },
    ),
)
class CustomerViewSet(
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Any],
):
    """Customers: find (``search``), register, and read and correct the details of those with
    a complaint you see (404 for anyone else)."""

    serializer_class = s.CustomerSerializer
    pagination_class = None  # a search answers a short list, never pages of the directory
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Customer]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Customer.objects.none()
        # Reading or changing the details: only where a complaint of theirs is visible.
        return selectors.customer_visible(user=_actor(self.request))

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "partial_update":
            return s.CustomerChangeSerializer
        return s.CustomerSerializer

    def list(self, request: Request) -> Response:
        """Find a customer to log a complaint for: at most 10, each with the name and a masked
        email address and phone number. The term is required (at least 3 characters), and the
        search is recorded on each customer found."""
        query = s.CustomerSearchQuerySerializer(data=query_data(request))
        query.is_valid(raise_exception=True)
        term = query.validated_data["search"].strip()
        user = _actor(request)
        found = selectors.customer_search(user=user, term=term)
        shown = found[: selectors.SEARCH_LIMIT]
        privacy.searches_record(
            actor=user, via=AccessVia.API, term=term, customer_ids=[c.pk for c in shown]
        )
        body = {"results": shown, "more": len(found) > len(shown)}
        return Response(s.CustomerMatchesSerializer(body).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.check_may_register_customers(_actor(request))  # 403 whatever the payload
        return super().create(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = self.get_object()
        privacy.access_record(
            actor=_actor(request),
            kind=AccessKind.CUSTOMER_VIEWED,
            via=AccessVia.API,
            customer_id=customer.pk,
        )
        return Response(self.get_serializer(customer).data)

    @extend_schema(
        responses={
            200: OpenApiResponse(description="Everything held about the customer."),
            403: _ERASURE_ERRORS[403],
            404: _ERASURE_ERRORS[404],
        }
    )
    @action(detail=True, methods=["get"], url_path="personal-data")
    def personal_data(self, request: Request, pk: str) -> Response:
        """A copy of the customer's personal data (Quality and administrators; recorded)."""
        customer = self.get_object()
        data = privacy.customer_export(customer=customer, actor=_actor(request), via=AccessVia.API)
        return Response(
            data,
            headers={"Content-Disposition": f'attachment; filename="customer-{customer.pk}.json"'},
        )

    @extend_schema(
        request=s.ErasureSerializer, responses={200: s.CustomerSerializer, **_ERASURE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, pk: str) -> Response:
        """Erase the customer's personal data on their request; the figures stay as they were.

        409 while one of their complaints or goodwill gestures is still under way."""
        customer = self.get_object()
        privacy.check_may_erase(customer, _actor(request))  # 403/409 whatever the payload
        data = _valid(s.ErasureSerializer, request)
        erased = privacy.customer_erase(
            customer=customer, actor=_actor(request), via=AccessVia.API, **data
        )
        return Response(s.CustomerSerializer(erased).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object()  # 404 first
        services.check_may_change_customers(_actor(request))  # 403 whatever the payload
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.customer_create(
            actor=_actor(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        if serializer.instance is None:
            raise ValueError("serializer.instance is missing")
        serializer.instance = services.customer_update(
            customer=serializer.instance,
            actor=_actor(self.request),
            via=AccessVia.API,
            **serializer.validated_data,
        )


@extend_schema_view(
    list=extend_schema(
        summary="List complaints the user may see", responses={200: s.ComplaintListSerializer}
    ),
    retrieve=extend_schema(responses={200: s.ComplaintDetailSerializer, 404: _ERRORS[404]}),
)
class ComplaintViewSet(CustomerMessagesMixin, viewsets.GenericViewSet[Complaint]):
    """Complaints and their triad workflow. Identified by reference, e.g. ``KL-2026-000123``."""

    lookup_field = "reference"
    lookup_value_converter = "reference"  # complaints.api.routers.ReferenceConverter
    filterset_class = ComplaintFilter
    serializer_class = s.ComplaintDetailSerializer

    def get_queryset(self) -> QuerySet[Complaint]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Complaint.objects.none()
        return selectors.complaint_list(user=_actor(self.request))

    def get_object(self) -> Complaint:
        complaint = selectors.complaint_get_for_user(
            user=_actor(self.request),
            reference=self.kwargs["reference"],
        )
        self.check_object_permissions(self.request, complaint)
        return complaint

    def _get_changeable(self, change: str) -> Complaint:
        """The complaint, refused with 404, 403 or 409 before its data is even read."""
        complaint = self.get_object()
        services.check_may_change(complaint, _actor(self.request), change=change)
        return complaint

    def _detail(self, complaint: Complaint, *, status_code: int = status.HTTP_200_OK) -> Response:
        try:
            fresh = selectors.complaint_get_for_user(
                user=_actor(self.request), reference=complaint.reference
            )
        except Http404:
            # The write succeeded but took the complaint out of the actor's sight (handed to
            # another team): answer with what was written, not with 404.
            fresh = complaint
        return Response(
            s.ComplaintDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def list(self, request: Request) -> Response:
        # One hand-written query; DRF's cursor pagination drives it (see listing.ListQuery).
        query = listing.ListQuery(policies.sight(_actor(request)), list_filters(request))
        rows = self.paginate_queryset(cast(Any, query)) or []
        return self.get_paginated_response(listing.complaint_items(rows))

    def retrieve(self, request: Request, reference: str) -> Response:
        return Response(self.get_serializer(self._viewed()).data)

    def _viewed(self) -> Complaint:
        """The complaint, its viewing recorded (who saw which customer's data, and when)."""
        complaint = self.get_object()
        privacy.access_record(
            actor=_actor(self.request),
            kind=AccessKind.COMPLAINT_VIEWED,
            via=AccessVia.API,
            customer_id=complaint.customer_id,
            complaint_id=complaint.pk,
        )
        return complaint

    @extend_schema(
        request=s.ComplaintCreateSerializer,
        responses={201: s.ComplaintDetailSerializer, **_ERRORS},
    )
    def create(self, request: Request) -> Response:
        services.check_may_log_complaints(_actor(request))  # 403 whatever the payload
        data = _valid(s.ComplaintCreateSerializer, request)
        complaint = services.complaint_create(actor=_actor(request), **data)
        # Answer with what was written: customer and owner are at hand, steps do not exist yet.
        return Response(
            s.ComplaintDetailSerializer(complaint, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=s.ComplaintUpdateSerializer,
        responses={200: s.ComplaintDetailSerializer, **_TRANSITION_ERRORS},
    )
    def partial_update(self, request: Request, reference: str) -> Response:
        complaint = self._get_changeable(services.CHANGE_DETAILS)
        data = _valid(s.ComplaintUpdateSerializer, request)
        complaint = services.complaint_update_details(
            complaint=complaint, actor=_actor(request), **data
        )
        return self._detail(complaint)

    def _transition(
        self,
        request: Request,
        transition: Transition,
        input_class: type[serializers.Serializer[Any]],
    ) -> Response:
        complaint = self.get_object()
        # Answer 403/409 before judging the data, so a refusal never depends on the payload.
        workflow.check_allowed(complaint, actor=_actor(request), transition=transition)
        data = _valid(input_class, request)
        complaint = workflow.run(transition, complaint, actor=_actor(request), **data)
        return self._detail(complaint)

    @extend_schema(
        request=s.UnderstandInputSerializer,
        responses={200: s.ComplaintDetailSerializer, **_TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def understand(self, request: Request, reference: str) -> Response:
        """Step 1 – show understanding: the emotion sensed and how it was acknowledged."""
        return self._transition(request, Transition.UNDERSTAND, s.UnderstandInputSerializer)

    @extend_schema(
        request=s.ApologiseInputSerializer,
        responses={200: s.ComplaintDetailSerializer, **_TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def apologise(self, request: Request, reference: str) -> Response:
        """Step 2 – apologise for the inconvenience."""
        return self._transition(request, Transition.APOLOGISE, s.ApologiseInputSerializer)

    @extend_schema(
        request=s.SolveInputSerializer,
        responses={200: s.ComplaintDetailSerializer, **_TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def solve(self, request: Request, reference: str) -> Response:
        """Step 3 – solve: the facts, the next steps and the promised moment."""
        return self._transition(request, Transition.SOLVE, s.SolveInputSerializer)

    @extend_schema(
        request=s.ResolveInputSerializer,
        responses={200: s.ComplaintDetailSerializer, **_TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, reference: str) -> Response:
        """Resolve with outcome and root cause; a (partial) no needs domain, balance, alternatives."""
        return self._transition(request, Transition.RESOLVE, s.ResolveInputSerializer)

    @extend_schema(
        request=s.CloseInputSerializer,
        responses={200: s.ComplaintDetailSerializer, **_TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, reference: str) -> Response:
        return self._transition(request, Transition.CLOSE, s.CloseInputSerializer)

    @extend_schema(
        request=s.ReopenInputSerializer,
        responses={200: s.ComplaintDetailSerializer, **_TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, reference: str) -> Response:
        return self._transition(request, Transition.REOPEN, s.ReopenInputSerializer)

    @extend_schema(
        request=s.TransferInputSerializer,
        responses={200: s.ComplaintDetailSerializer, **_TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, reference: str) -> Response:
        """Hand the complaint to another owner, with a reason."""
        complaint = self._get_changeable(services.CHANGE_OWNER)
        data = _valid(s.TransferInputSerializer, request)
        complaint = services.complaint_transfer(complaint=complaint, actor=_actor(request), **data)
        return self._detail(complaint)

    @extend_schema(
        request=s.BulkTransferInputSerializer,
        responses={200: s.BulkTransferResultSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
    )
    @action(detail=False, methods=["post"], url_path="bulk-transfer")
    def bulk_transfer(self, request: Request) -> Response:
        """Give several complaints to one new owner with one reason, as their manager: each a
        single transfer, all or none (400 with each refusal under ``references``)."""
        transfers.check_may_transfer_many(_actor(request))  # 403 whatever the payload
        data = _valid(s.BulkTransferInputSerializer, request)
        done = transfers.complaint_transfer_many(actor=_actor(request), **data)
        return Response({"references": [c.reference for c in done], "to_user": data["to_user"].pk})

    @extend_schema(
        methods=["get"], responses={200: s.InteractionSerializer(many=True), 404: _ERRORS[404]}
    )
    @extend_schema(
        methods=["post"],
        request=s.InteractionSerializer,
        responses={201: s.InteractionSerializer, **_TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def interactions(self, request: Request, reference: str) -> Response:
        """Calls, emails, chats, letters, meetings and notes on the complaint."""
        if request.method == "POST":
            complaint = self._get_changeable(services.ADD_INTERACTION)
            data = _valid(s.InteractionSerializer, request)
            interaction = services.interaction_add(
                complaint=complaint, actor=_actor(request), **data
            )
            return Response(
                s.InteractionSerializer(interaction).data, status=status.HTTP_201_CREATED
            )
        items = selectors.complaint_interactions(complaint=self.get_object())
        return Response(s.InteractionSerializer(items, many=True).data)

    @extend_schema(responses={200: s.ComplaintEventSerializer(many=True), 404: _ERRORS[404]})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request: Request, reference: str) -> Response:
        """The audit trail: every step, with who, when and what, oldest first."""
        events = selectors.complaint_timeline(complaint=self._viewed())
        return Response(s.ComplaintEventSerializer(events, many=True).data)


class RootCauseViewSet(viewsets.ReadOnlyModelViewSet[RootCause]):
    """The root-cause taxonomy: groups and the causes within them."""

    serializer_class = s.RootCauseSerializer
    pagination_class = None
    queryset = RootCause.objects.select_related("parent").order_by("parent__code", "code")
