"""API shapes. Serializers parse and present; every write goes through services/workflow."""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from typing import Any

from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.models import User
from common import limits
from complaints import policies, privacy, selectors, transfers
from complaints.api import fields as strict
from complaints.api.common import reference_field
from complaints.care import followups
from complaints.choices import (
    Balance,
    Channel,
    Direction,
    Emotion,
    InteractionKind,
    Language,
    Liability,
    Outcome,
    Priority,
    RequestDomain,
    Wish,
)
from complaints.models import (
    ApologyStep,
    Complaint,
    ComplaintEvent,
    Customer,
    FollowUp,
    FollowUpState,
    Interaction,
    RootCause,
    SolutionStep,
    UnderstandingStep,
)
from complaints.states import Stage, allowed_transitions
from dbperf import sql

_WITH_CHILDREN = (
    serializers.BaseSerializer,
    serializers.ListField,
    serializers.DictField,
    serializers.ManyRelatedField,
)


def _fresh(field: serializers.Field[Any, Any, Any, Any]) -> serializers.Field[Any, Any, Any, Any]:
    """A copy of an unbound field to bind to one serializer.

    DRF deep-copies, which builds every field anew through its ``__init__``. A leaf field is
    copied shallowly here: binding sets its name, parent, label and source on the copy, and
    what it shares with the original (choices, validators, messages) is never changed after
    ``__init__``. Fields with children (nested serializers, list, dict and many-related
    fields) bind those children to themselves, so they are still deep-copied.
    """
    if isinstance(field, _WITH_CHILDREN):
        return copy.deepcopy(field)
    return copy.copy(field)


class Serializer(serializers.Serializer[Any]):
    """A Serializer that copies its declared fields cheaply (see ``_fresh``)."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {name: _fresh(field) for name, field in self._declared_fields.items()}


class ModelSerializer(serializers.ModelSerializer[Any]):
    """A ModelSerializer that reads its model's fields once per class, not once per instance.

    DRF introspects the model every time a ModelSerializer is made (a third of a create's time
    went there); the built fields are kept here and copied for each instance (see ``_fresh``).
    """

    _built_fields: dict[type, dict[str, serializers.Field[Any, Any, Any, Any]]] = {}
    # A model's text, whole-number, yes/no and moment fields take only that JSON type (see ``strict``).
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: strict.CharField,
        models.TextField: strict.CharField,
        models.EmailField: strict.EmailField,
        models.IntegerField: strict.IntegerField,
        models.PositiveIntegerField: strict.IntegerField,
        models.PositiveSmallIntegerField: strict.IntegerField,
        models.SmallIntegerField: strict.IntegerField,
        models.BooleanField: strict.BooleanField,
        models.DateTimeField: strict.DateTimeField,
    }

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        built = self._built_fields.get(type(self))
        if built is None:
            built = self._built_fields[type(self)] = super().get_fields()
        return {name: _fresh(field) for name, field in built.items()}

    def include_extra_kwargs(
        self, kwargs: MutableMapping[str, Any], extra_kwargs: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        """As DRF's, but a read-only field that may be blank keeps ``allow_blank``.

        DRF drops it from read-only fields, and the schema then left out the "" that an
        outcome, emotion or balance not yet recorded (or an e-mail address not known) is
        answered as.
        """
        blank = bool(kwargs.get("allow_blank"))
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs


class UserSummarySerializer(ModelSerializer):
    name = strict.CharField(source="__str__", read_only=True)
    team = strict.CharField(source="team.name", default=None, read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "team"]
        read_only_fields = fields


class CustomerSerializer(ModelSerializer):
    language = serializers.ChoiceField(choices=Language.choices, default=Language.DUTCH)

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "email",
            "phone",
            "customer_number",
            "language",
            "created_at",
            "erased_at",
        ]
        read_only_fields = ["id", "created_at", "erased_at"]
        # Uniqueness and requiredness are the service's to judge, with its own messages.
        extra_kwargs: dict[str, dict[str, object]] = {"customer_number": {"validators": []}}


class CustomerChangeSerializer(CustomerSerializer):
    """A correction of a customer's details; a new email address or phone number says why."""

    reason = strict.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=limits.NOTE,
        help_text=(
            "Why the details change, e.g. the customer's request on the phone; required when "
            "the email address or the phone number changes. Kept in each complaint's audit trail."
        ),
    )

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "reason"]


class CustomerSearchQuerySerializer(Serializer):
    search = strict.CharField(
        min_length=selectors.SEARCH_MIN_LENGTH,
        max_length=100,
        help_text=(
            "At least 3 characters of the name, email address or phone number, or the whole "
            "customer number."
        ),
    )


class CustomerMatchSerializer(Serializer):
    """Enough to pick the customer when logging a complaint; the full record is at
    ``/api/customers/{id}/`` for who sees one of their complaints."""

    id = serializers.IntegerField(read_only=True)
    name = strict.CharField(read_only=True)
    email = serializers.SerializerMethodField(help_text="Masked: j…@example.com.")
    phone = serializers.SerializerMethodField(help_text="Masked: 06 …… 78.")

    def get_email(self, customer: Customer) -> str:
        return privacy.mask_email(customer.email)

    def get_phone(self, customer: Customer) -> str:
        return privacy.mask_phone(customer.phone)


@extend_schema_serializer(many=False)  # one object with the matches in it, not a list of them
class CustomerMatchesSerializer(Serializer):
    results = CustomerMatchSerializer(many=True)
    more = serializers.BooleanField(
        help_text="More customers match than are shown: make the search more precise."
    )


class ErasureSerializer(Serializer):
    reason = strict.CharField(
        max_length=limits.NOTE,
        help_text="Why, e.g. the customer's request of 3 December by email (without their name).",
    )


class RootCauseSerializer(ModelSerializer):
    group = strict.CharField(source="parent.code", default=None, read_only=True, allow_null=True)

    class Meta:
        model = RootCause
        fields = ["id", "code", "group", "name_nl", "name_en", "description", "active"]
        read_only_fields = fields


class CustomerSummarySerializer(ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "customer_number", "language"]
        read_only_fields = fields


class RootCauseSummarySerializer(ModelSerializer):
    class Meta:
        model = RootCause
        fields = ["id", "code", "name_nl", "name_en"]
        read_only_fields = fields


class ComplaintListSerializer(ModelSerializer):
    customer = CustomerSummarySerializer(read_only=True)
    owner = UserSummarySerializer(read_only=True)
    root_cause = RootCauseSummarySerializer(read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "reference",
            "customer",
            "channel",
            "received_at",
            "subject",
            "category",
            "priority",
            "owner",
            "stage",
            "acknowledge_due_at",
            "resolve_due_at",
            "is_overdue",
            "outcome",
            "root_cause",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj: Complaint) -> bool:
        return obj.is_overdue()


class UnderstandingSerializer(ModelSerializer):
    recorded_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = UnderstandingStep
        fields = [
            "emotion",
            "intensity",
            "acknowledgement",
            "acknowledgement_for_customer",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class ApologySerializer(ModelSerializer):
    recorded_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = ApologyStep
        fields = ["apology", "apology_for_customer", "apologised_at", "recorded_by", "recorded_at"]
        read_only_fields = fields


class SolutionSerializer(ModelSerializer):
    recorded_by = UserSummarySerializer(read_only=True)
    wishes = serializers.ListField(child=serializers.ChoiceField(choices=Wish.choices))

    class Meta:
        model = SolutionStep
        fields = [
            "facts_summary",
            "next_steps",
            "next_steps_for_customer",
            "promised_at",
            "wishes",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class FollowUpSummarySerializer(ModelSerializer):
    """The complaint's latest follow-up: whether closing still waits for it, and its answer."""

    class Meta:
        model = FollowUp
        fields = ["id", "state", "due_at", "nps", "emotion_now", "ended_at"]
        read_only_fields = fields


class ComplaintDetailSerializer(ComplaintListSerializer):
    understanding = serializers.SerializerMethodField()
    apology = serializers.SerializerMethodField()
    solution = serializers.SerializerMethodField()
    follow_up = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta(ComplaintListSerializer.Meta):
        fields = [
            *ComplaintListSerializer.Meta.fields,
            "facts",
            "emotion_at_intake",
            "emotion_intensity",
            "emotion_at_resolution",
            "request_domain",
            "balance",
            "alternatives_offered",
            "resolution_summary",
            "customer_contribution",
            "liability",
            "acknowledged_at",
            "resolved_at",
            "closed_at",
            "acknowledge_breached_at",
            "resolve_breached_at",
            "created_at",
            "updated_at",
            "understanding",
            "apology",
            "solution",
            "follow_up",
            "available_actions",
        ]
        read_only_fields = fields

    @staticmethod
    def _step(obj: Complaint, name: str, serializer: type[serializers.Serializer[Any]]) -> Any:
        if obj.stage == Stage.RECEIVED:  # no step yet (reopening leads to solving): no query
            return None
        step = getattr(obj, name, None)
        return serializer(step).data if step is not None else None

    @extend_schema_field(UnderstandingSerializer(allow_null=True))
    def get_understanding(self, obj: Complaint) -> Any:
        return self._step(obj, "understanding", UnderstandingSerializer)

    @extend_schema_field(ApologySerializer(allow_null=True))
    def get_apology(self, obj: Complaint) -> Any:
        return self._step(obj, "apology", ApologySerializer)

    @extend_schema_field(SolutionSerializer(allow_null=True))
    def get_solution(self, obj: Complaint) -> Any:
        return self._step(obj, "solution", SolutionSerializer)

    @extend_schema_field(FollowUpSummarySerializer(allow_null=True))
    def get_follow_up(self, obj: Complaint) -> Any:
        if obj.stage not in (Stage.RESOLVED, Stage.CLOSED):  # none before resolving: no query
            return None
        latest = (
            obj.follow_ups.exclude(state=FollowUpState.CANCELLED)
            .order_by("-created_at", "-id")
            .first()
        )
        return FollowUpSummarySerializer(latest).data if latest is not None else None

    def get_available_actions(self, obj: Complaint) -> list[str]:
        """The steps the requesting user can take now (empty when they may not act)."""
        request = self.context.get("request")
        if request is None or not policies.can_work(request.user, obj):
            return []
        actions = [str(t) for t in allowed_transitions(obj.stage)]
        if "close" in actions and not followups.may_close_soon(
            request.user, obj, now=timezone.now()
        ):
            actions.remove("close")  # closing waits for the follow-up
        return [*actions, "transfer"] if obj.is_open else actions


class CustomerField(serializers.PrimaryKeyRelatedField[Customer]):
    """A customer by id, read with one kept statement (``sql.get``) on every create."""

    def to_internal_value(self, data: Any) -> Customer:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            number = int(str(data).strip())
        except ValueError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        customer = sql.get(Customer, number) if 0 < number < 2**63 else None
        if customer is None:
            self.fail("does_not_exist", pk_value=data)
        return customer


class ComplaintCreateSerializer(Serializer):
    customer = CustomerField(queryset=Customer.objects.all())
    channel = serializers.ChoiceField(choices=Channel.choices)
    subject = strict.CharField(max_length=limits.SUBJECT)
    facts = strict.CharField(max_length=limits.TEXT)
    category = strict.CharField(
        max_length=limits.CATEGORY, required=False, allow_blank=True, default=""
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    received_at = strict.DateTimeField(required=False)
    emotion_at_intake = serializers.ChoiceField(
        choices=Emotion.choices, required=False, allow_blank=True, default=""
    )
    emotion_intensity = strict.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True, default=None
    )
    owner = strict.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class ComplaintUpdateSerializer(Serializer):
    """The details that may be corrected while a complaint is open. ``stage`` is not here."""

    subject = strict.CharField(max_length=limits.SUBJECT, required=False)
    facts = strict.CharField(max_length=limits.TEXT, required=False)
    category = strict.CharField(max_length=limits.CATEGORY, required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)


FOR_CUSTOMER_HELP = (
    "Optional: the sentence a letter to the customer says for this step, written to them "
    "(u / you) in the company's voice (we). The note itself never goes into a letter; "
    "without this, the letter uses a template sentence."
)


def for_customer_field() -> serializers.CharField:
    """A step's optional words for the customer, beside its note."""
    return strict.CharField(
        max_length=limits.TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text=FOR_CUSTOMER_HELP,
    )


class UnderstandInputSerializer(Serializer):
    emotion = serializers.ChoiceField(choices=Emotion.choices)
    intensity = strict.IntegerField(min_value=1, max_value=5)
    acknowledgement = strict.CharField(max_length=limits.TEXT)
    acknowledgement_for_customer = for_customer_field()


class ApologiseInputSerializer(Serializer):
    apology = strict.CharField(max_length=limits.TEXT)
    apologised_at = strict.DateTimeField(required=False)
    apology_for_customer = for_customer_field()


class SolveInputSerializer(Serializer):
    facts_summary = strict.CharField(max_length=limits.TEXT)
    next_steps = strict.CharField(max_length=limits.TEXT)
    promised_at = strict.DateTimeField()
    wishes = serializers.ListField(
        child=serializers.ChoiceField(choices=Wish.choices),
        required=False,
        default=list,
        help_text="Optional: the real human wishes the solution serves.",
    )
    next_steps_for_customer = for_customer_field()


class ResolveInputSerializer(Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    resolution_summary = strict.CharField(max_length=limits.TEXT)
    root_cause = strict.PrimaryKeyRelatedField(queryset=RootCause.objects.all())
    emotion_at_resolution = serializers.ChoiceField(choices=Emotion.choices)
    liability = serializers.ChoiceField(choices=Liability.choices)
    customer_contribution = strict.CharField(
        max_length=limits.TEXT, required=False, allow_blank=True, default=""
    )
    request_domain = serializers.ChoiceField(
        choices=RequestDomain.choices, required=False, allow_blank=True, default=""
    )
    balance = serializers.ChoiceField(
        choices=Balance.choices, required=False, allow_blank=True, default=""
    )
    alternatives_offered = strict.CharField(
        max_length=limits.TEXT, required=False, allow_blank=True, default=""
    )


class CloseInputSerializer(Serializer):
    note = strict.CharField(max_length=limits.NOTE, required=False, allow_blank=True, default="")
    waive_reason = strict.CharField(
        max_length=limits.NOTE,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Closing waits for the follow-up. To close while it is still scheduled, waive it "
            "with this reason; before it is due only a manager may."
        ),
    )


class ReopenInputSerializer(Serializer):
    reason = strict.CharField(max_length=limits.NOTE)


class TransferInputSerializer(Serializer):
    to_user = strict.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    reason = strict.CharField(max_length=limits.NOTE)


class BulkTransferInputSerializer(Serializer):
    references = serializers.ListField(
        child=reference_field(), allow_empty=False, max_length=transfers.MAX_COMPLAINTS
    )
    to_user = strict.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    reason = strict.CharField(max_length=limits.NOTE)


class BulkTransferResultSerializer(Serializer):
    references = serializers.ListField(child=serializers.CharField())
    to_user = serializers.IntegerField()


class InteractionSerializer(ModelSerializer):
    author = UserSummarySerializer(read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=InteractionKind.choices)
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.INTERNAL)
    occurred_at = strict.DateTimeField(required=False)

    class Meta:
        model = Interaction
        fields = ["id", "kind", "direction", "summary", "occurred_at", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class ComplaintEventSerializer(ModelSerializer):
    actor = UserSummarySerializer(read_only=True, allow_null=True)
    type_display = strict.CharField(source="get_type_display", read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = [
            "id",
            "type",
            "type_display",
            "actor",
            "from_stage",
            "to_stage",
            "payload",
            "created_at",
        ]
        read_only_fields = fields
