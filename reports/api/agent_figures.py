"""REST endpoints for learning per agent: an agent's own figures, a manager's team members',
Quality's everyone's. Outside one's scope a person's figures do not exist (404)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from complaints.api.common import actor as _actor
from complaints.api.common import error_responses, query_data
from reports import agents
from reports.figure_parts import Period

_ERRORS = error_responses("person")
_SHARE = "Share (0–1); null below 5 cases."


class PeriodQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateField(
        required=False, help_text="First local date; default: 90 days before the end."
    )
    end = serializers.DateField(
        required=False, help_text="Last local date (inclusive, not future); default: today."
    )


class AgentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    team = serializers.CharField(source="team.name", default=None, allow_null=True)


class PromiseFiguresSerializer(serializers.Serializer[Any]):
    kept = serializers.IntegerField()
    broken = serializers.IntegerField()
    unreachable = serializers.IntegerField()
    rescheduled = serializers.IntegerField(
        help_text="Promises made anew because the customer was unreachable (in any state)."
    )
    rate = serializers.FloatField(allow_null=True, help_text=f"Kept / (kept + broken). {_SHARE}")


class ShiftSerializer(serializers.Serializer[Any]):
    compared = serializers.IntegerField()
    better = serializers.IntegerField()
    same = serializers.IntegerField()
    worse = serializers.IntegerField()
    better_share = serializers.FloatField(allow_null=True, help_text=_SHARE)


class JourneySerializer(serializers.Serializer[Any]):
    resolved = serializers.IntegerField(help_text="Complaints resolved in the period.")
    followed_up = serializers.IntegerField(help_text="Follow-ups completed in the period.")
    intake_resolution = ShiftSerializer()
    resolution_follow_up = ShiftSerializer()
    intake_follow_up = ShiftSerializer()


class NpsSerializer(serializers.Serializer[Any]):
    answers = serializers.IntegerField()
    promoters = serializers.IntegerField()
    passives = serializers.IntegerField()
    detractors = serializers.IntegerField()
    nps = serializers.FloatField(allow_null=True, help_text="−100…100; null below 5 answers.")


class StepTimingSerializer(serializers.Serializer[Any]):
    step = serializers.CharField()
    count = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)


class TriadFiguresSerializer(serializers.Serializer[Any]):
    resolved = serializers.IntegerField()
    complete = serializers.IntegerField(help_text="Resolved with all three steps recorded.")
    share = serializers.FloatField(allow_null=True, help_text=_SHARE)
    steps = StepTimingSerializer(many=True)


class GoodwillSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="Approved coulance requests the agent made.")
    amount_eur = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)


class AgentFiguresSerializer(serializers.Serializer[Any]):
    agent = AgentSerializer()
    promises = PromiseFiguresSerializer()
    emotions = JourneySerializer()
    nps = NpsSerializer()
    triad = TriadFiguresSerializer()
    goodwill = GoodwillSerializer()


class PeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()


@extend_schema_serializer(many=False)  # one object with the people in it, not a list of them
class AgentFiguresListSerializer(serializers.Serializer[Any]):
    period = PeriodSerializer()
    min_cases = serializers.IntegerField(help_text="No share is given over fewer cases.")
    results = AgentFiguresSerializer(many=True)


class AgentFiguresOneSerializer(AgentFiguresSerializer):
    period = PeriodSerializer()
    min_cases = serializers.IntegerField()


_PERIOD = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First local date (YYYY-MM-DD)."),
    OpenApiParameter(
        "end", OpenApiTypes.DATE, description="Last local date (YYYY-MM-DD), not in the future."
    ),
]


def _period(request: Request) -> Period:
    query = PeriodQuerySerializer(data=query_data(request))  # ?start= is refused
    query.is_valid(raise_exception=True)
    return agents.figures_period(query.validated_data.get("start"), query.validated_data.get("end"))


def _head(period: Period) -> dict[str, Any]:
    return {"period": {"start": period.start, "end": period.end}, "min_cases": agents.MIN_CASES}


class AgentFiguresViewSet(viewsets.ViewSet):
    """Learning per agent: promise keeping, the emotion journey, NPS after the follow-up, triad
    timing and goodwill given, over a period (default the last 90 days)."""

    @extend_schema(
        parameters=_PERIOD, responses={200: AgentFiguresListSerializer, 400: _ERRORS[400]}
    )
    def list(self, request: Request) -> Response:
        """Everyone whose figures you may see: yourself; a manager also their team members;
        Quality and admins everyone who handles complaints."""
        period = _period(request)
        people = list(agents.agents_in_scope(_actor(request)))
        body = {**_head(period), "results": agents.agent_figures(people, period)}
        return Response(AgentFiguresListSerializer(body).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="The person's id."),
            *_PERIOD,
        ],
        responses={200: AgentFiguresOneSerializer, 400: _ERRORS[400], 404: _ERRORS[404]},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """One person's figures; 404 when they are outside your scope."""
        return self._one(request, pk)

    @extend_schema(
        parameters=_PERIOD,
        responses={200: AgentFiguresOneSerializer, 400: _ERRORS[400], 404: _ERRORS[404]},
    )
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        """Your own figures ("my figures"); 404 for who handles no complaints."""
        return self._one(request, str(_actor(request).pk))

    def _one(self, request: Request, pk: str) -> Response:
        agent = agents.agent_in_scope(_actor(request), int(pk))
        period = _period(request)
        [figures] = agents.agent_figures([agent], period)
        return Response(AgentFiguresOneSerializer({**_head(period), **figures}).data)
