from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User


class MeSerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(source="__str__", read_only=True)
    team = serializers.CharField(source="team.name", default=None, read_only=True, allow_null=True)
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "team", "roles", "language", "approval_limit"]
        read_only_fields = fields


class MeView(APIView):
    """The logged-in user, with their roles and team."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        if not isinstance(user, User):  # IsAuthenticated turned anonymous callers away
            raise NotAuthenticated
        return Response(MeSerializer(user).data)
