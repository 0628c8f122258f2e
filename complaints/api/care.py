"""REST endpoints for callback promises and follow-ups (notifications: ``notifications``).

Both are lists of due contacts with the same filters, the same way to one of them and the same
order of refusals: 404 (not visible), 403 (not allowed), 409 (not in a state for this), then
400 (the data); the services (``complaints.care``) check again under their row locks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from common import limits
from common.errors import InvalidData
from complaints.api import fields as strict
from complaints.api.common import FilterSet, complaint_named, error_responses, reference_field
from complaints.api.common import actor as _actor
from complaints.api.common import valid as _valid
from complaints.api.pagination import DueOrderPagination
from complaints.api.serializers import ModelSerializer, UserSummarySerializer
from complaints.care import followups, promises, selectors
from complaints.choices import Channel, Emotion
from complaints.models import CallbackPromise, FollowUp, FollowUpState, PromiseState

_ERRORS = error_responses()
_STATE_ERRORS = error_responses(state="item's current state")


# --- Serializers -------------------------------------------------------------------------------


class PromiseSerializer(ModelSerializer):
    complaint = strict.CharField(source="complaint.reference", read_only=True)
    customer = strict.CharField(source="complaint.customer.name", read_only=True)
    customer_phone = strict.CharField(source="complaint.customer.phone", read_only=True)
    owner = UserSummarySerializer(read_only=True)
    created_by = UserSummarySerializer(read_only=True)
    ended_by = UserSummarySerializer(read_only=True, allow_null=True)
    delay_seconds = serializers.SerializerMethodField()

    class Meta:
        model = CallbackPromise
        fields = [
            "id",
            "complaint",
            "customer",
            "customer_phone",
            "owner",
            "due_at",
            "channel",
            "purpose",
            "origin",
            "notify_customer",
            "state",
            "rescheduled_from",
            "reminded_at",
            "ended_at",
            "ended_by",
            "delay_seconds",
            "note",
            "cancel_reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_delay_seconds(self, obj: CallbackPromise) -> int | None:
        """How late a kept promise was kept, in seconds (0 when on time)."""
        return None if obj.delay is None else int(obj.delay.total_seconds())


class PromiseCreateSerializer(serializers.Serializer[Any]):
    complaint = reference_field()
    due_at = strict.DateTimeField(help_text="When we will contact the customer (future).")
    purpose = strict.CharField(max_length=limits.PURPOSE)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    notify_customer = strict.BooleanField(
        default=False, help_text="Email the customer that we will contact them at this moment."
    )


class PromiseKeepSerializer(serializers.Serializer[Any]):
    kept_at = strict.DateTimeField(required=False, help_text="Default: now.")
    note = strict.CharField(max_length=limits.NOTE, required=False, allow_blank=True, default="")


class PromiseRescheduleSerializer(serializers.Serializer[Any]):
    due_at = strict.DateTimeField(help_text="The new moment (future).")
    note = strict.CharField(max_length=limits.NOTE, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer[Any]):
    reason = strict.CharField(max_length=limits.NOTE)


class FollowUpSerializer(ModelSerializer):
    complaint = strict.CharField(source="complaint.reference", read_only=True)
    customer = strict.CharField(source="complaint.customer.name", read_only=True)
    customer_phone = strict.CharField(source="complaint.customer.phone", read_only=True)
    owner = UserSummarySerializer(read_only=True)
    ended_by = UserSummarySerializer(read_only=True, allow_null=True)
    nps_category = strict.CharField(read_only=True, allow_null=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "complaint",
            "customer",
            "customer_phone",
            "owner",
            "due_at",
            "state",
            "send_survey",
            "notified_at",
            "satisfied",
            "nps",
            "nps_category",
            "emotion_now",
            "note",
            "answered_via",
            "waive_reason",
            "ended_at",
            "ended_by",
            "created_at",
        ]
        read_only_fields = fields


class FollowUpCompleteSerializer(serializers.Serializer[Any]):
    satisfied = strict.BooleanField(allow_null=True)
    # Range checked by the service, so the message is the domain's own.
    nps = strict.IntegerField(allow_null=True, help_text="0–10, or null if not answered.")
    emotion_now = serializers.ChoiceField(choices=Emotion.choices)
    note = strict.CharField(max_length=limits.NOTE, required=False, allow_blank=True, default="")


# --- Filters -----------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": "^(me|[0-9]+)$"})
class _OwnerFilter(django_filters.CharFilter):
    """A user id or “me” (the schema says so; ``filter_queryset`` reads it)."""

    refuses_blank = True  # "" is neither (see ``FilterSet``)


class _DueFilter(FilterSet):
    # No filter runs on its own: filter_queryset applies them together, so each declares only
    # its name, type and help (the schema is read from these).
    owner = _OwnerFilter(help_text="User id of the owner, or “me”.")
    complaint = django_filters.CharFilter(help_text="Complaint reference.")
    due_after = django_filters.IsoDateTimeFilter(help_text="Due at or after (ISO 8601).")
    due_before = django_filters.IsoDateTimeFilter(help_text="Due before (ISO 8601).")

    def _noop(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        data = {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [])}
        owner = data.get("owner")
        if owner is not None:
            if owner == "me":
                if self.request is None:
                    return queryset.none()  # “me” is nobody without a request
                data["owner"] = self.request.user.pk
            elif str(owner).isdigit():
                data["owner"] = int(owner)
            else:
                raise InvalidData({"owner": [_("Give a user id or “me”.")]})
        return selectors.due_filter(queryset, data)


class PromiseFilter(_DueFilter):
    state = django_filters.MultipleChoiceFilter(choices=PromiseState.choices, method="_noop")

    class Meta:
        model = CallbackPromise
        fields: list[str] = []


class FollowUpFilter(_DueFilter):
    state = django_filters.MultipleChoiceFilter(choices=FollowUpState.choices, method="_noop")

    class Meta:
        model = FollowUp
        fields: list[str] = []


# --- Views -------------------------------------------------------------------------------------

Item = TypeVar("Item", CallbackPromise, FollowUp)


class _DueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Item], Generic[Item]):
    """A list of due contacts, soonest first, with one of them and the changes on it.

    A view set names its selectors (``items`` a user may see, one ``item`` or 404) and the
    check before a change (403/409); the model is its serializer's."""

    pagination_class = DueOrderPagination
    items: Callable[..., QuerySet[Item]]
    item: Callable[..., Item]
    check_may_change: Callable[[Item, User], None]

    def get_queryset(self) -> QuerySet[Item]:
        if getattr(self, "swagger_fake_view", False):
            serializer: Any = self.get_serializer_class()  # a ModelSerializer
            nothing: QuerySet[Item] = serializer.Meta.model.objects.none()
            return nothing
        return self.items(user=_actor(self.request))

    def get_object(self) -> Item:
        return self.item(user=_actor(self.request), pk=int(self.kwargs["pk"]))

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer_class()(self.get_object()).data)

    def _act(self, request: Request) -> Item:
        item = self.get_object()
        self.check_may_change(item, _actor(request))
        return item

    def _answer(self, item: Item, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.items(user=_actor(self.request)).get(pk=item.pk)
        return Response(self.get_serializer_class()(fresh).data, status=code)


@extend_schema_view(retrieve=extend_schema(responses={200: PromiseSerializer, 404: _ERRORS[404]}))
class PromiseViewSet(_DueViewSet[CallbackPromise]):
    """Callback promises: “I'll call you back tomorrow at 15:00”. Filter ``owner=me`` and
    ``due_before`` for today's callbacks, ``state=broken`` for the manager's list."""

    serializer_class = PromiseSerializer
    filterset_class = PromiseFilter
    items = staticmethod(selectors.promise_list)
    item = staticmethod(selectors.promise_get_for_user)
    check_may_change = staticmethod(promises.check_may_change_promise)

    @extend_schema(
        request=PromiseCreateSerializer, responses={201: PromiseSerializer, **_STATE_ERRORS}
    )
    def create(self, request: Request) -> Response:
        complaint = complaint_named(request, _actor(request))
        promises.check_may_promise(complaint, _actor(request))  # 403/409 whatever the rest says
        data = _valid(PromiseCreateSerializer, request)
        del data["complaint"]
        promise = promises.promise_create(complaint=complaint, actor=_actor(request), **data)
        return self._answer(promise, status.HTTP_201_CREATED)

    @extend_schema(
        request=PromiseKeepSerializer, responses={200: PromiseSerializer, **_STATE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def keep(self, request: Request, pk: str) -> Response:
        """The customer was contacted as promised (a late contact records the delay)."""
        promise = self._act(request)
        data = _valid(PromiseKeepSerializer, request)
        return self._answer(promises.promise_keep(promise=promise, actor=_actor(request), **data))

    @extend_schema(
        request=PromiseRescheduleSerializer, responses={201: PromiseSerializer, **_STATE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str) -> Response:
        """The customer was unreachable: the promise ends so, and a new one is made (answered)."""
        promise = self._act(request)
        data = _valid(PromiseRescheduleSerializer, request)
        new = promises.promise_reschedule(promise=promise, actor=_actor(request), **data)
        return self._answer(new, status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses={200: PromiseSerializer, **_STATE_ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Withdraw the promise, with a reason."""
        promise = self._act(request)
        data = _valid(ReasonSerializer, request)
        return self._answer(promises.promise_cancel(promise=promise, actor=_actor(request), **data))


@extend_schema_view(retrieve=extend_schema(responses={200: FollowUpSerializer, 404: _ERRORS[404]}))
class FollowUpViewSet(_DueViewSet[FollowUp]):
    """One-month follow-ups (nazorg): how does the customer feel now?"""

    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    items = staticmethod(selectors.follow_up_list)
    item = staticmethod(selectors.follow_up_get_for_user)
    check_may_change = staticmethod(followups.check_may_change_follow_up)

    @extend_schema(
        request=FollowUpCompleteSerializer, responses={200: FollowUpSerializer, **_STATE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """Record satisfaction now, the NPS answer (0–10), the emotion now and a note."""
        follow_up = self._act(request)
        data = _valid(FollowUpCompleteSerializer, request)
        return self._answer(
            followups.follow_up_complete(follow_up=follow_up, actor=_actor(request), **data)
        )

    @extend_schema(request=ReasonSerializer, responses={200: FollowUpSerializer, **_STATE_ERRORS})
    @action(detail=True, methods=["post"])
    def waive(self, request: Request, pk: str) -> Response:
        """Skip the follow-up, with a reason (the customer asked not to be contacted); before
        it is due only a manager may (closing the complaint early)."""
        follow_up = self._act(request)
        followups.check_may_waive(follow_up, _actor(request), now=timezone.now())
        data = _valid(ReasonSerializer, request)
        return self._answer(
            followups.follow_up_waive(follow_up=follow_up, actor=_actor(request), **data)
        )
