"""The API's own account endpoints: who am I, and API tokens (obtain, list, create, revoke)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken, User
from accounts.selectors import token_get_for_user, token_list
from accounts.services import token_create, token_revoke


class MeSerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(source="__str__", read_only=True)
    team = serializers.CharField(source="team.name", default=None, read_only=True, allow_null=True)
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "team", "roles", "language", "approval_limit"]
        read_only_fields = fields


def _user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User):  # IsAuthenticated turned anonymous callers away
        raise NotAuthenticated
    return user


class MeView(APIView):
    """The logged-in user, with their roles and team."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(_user(request)).data)


# --- API tokens ---------------------------------------------------------------------------------


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    """A token as its owner sees it later: never the key, only its first characters."""

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created", "expires", "last_used"]
        read_only_fields = fields


class NewApiTokenSerializer(ApiTokenSerializer):
    """A token just made, with its key: the only time the key is shown."""

    token = serializers.CharField(read_only=True, help_text="The key: shown this once only.")

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


class _Text(serializers.CharField):
    """Text only, as the schema says: ``"name": 0`` is refused ("Not a valid string."), not read
    as "0". The same as ``complaints.api.fields.CharField``, which accounts may not import."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TokenNameSerializer(serializers.Serializer[Any]):
    name = _Text(max_length=100, help_text="What the token is for.")


class TokenObtainSerializer(serializers.Serializer[Any]):
    username = _Text(max_length=150)
    password = _Text(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}, write_only=True
    )
    name = _Text(
        max_length=100, required=False, default="", allow_blank=True, help_text="What it is for."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        if not isinstance(user, User):
            raise serializers.ValidationError(
                _("Unable to log in with provided credentials."), code="authorization"
            )
        attrs["user"] = user
        return attrs


def _new_token_answer(token: ApiToken, key: str, code: int) -> Response:
    # The key is no attribute of the row (only its digest is): it is added to the answer here.
    response = Response({"token": key, **ApiTokenSerializer(token).data}, status=code)
    response["Cache-Control"] = "no-store"  # the key must not stay in any cache
    return response


class TokenObtainView(APIView):
    """A new API token for a username and password: ``{"token": …, "id": …, "expires": …}``.

    Every call makes a new token (the keys are kept only as hashes, so an earlier one cannot be
    shown again); it is valid ``TOKEN_TTL_DAYS`` and listed under ``/api/auth/tokens/``.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    # As DRF's obtain_auth_token did: scripts post a login form as well as JSON.
    parser_classes = (parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser)

    @extend_schema(
        request=TokenObtainSerializer,
        responses={
            200: NewApiTokenSerializer,
            400: OpenApiResponse(description="Wrong username or password, or missing fields."),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, key = token_create(user=user, name=serializer.validated_data["name"])
        return _new_token_answer(token, key, status.HTTP_200_OK)


class TokenListView(APIView):
    """The user's own API tokens that still work (GET), or a new one with a name (POST)."""

    pagination_class = None

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ApiTokenSerializer(token_list(user=_user(request)), many=True).data)

    @extend_schema(
        request=TokenNameSerializer,
        responses={
            201: NewApiTokenSerializer,
            400: OpenApiResponse(description="Invalid data: field names with messages."),
        },
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        serializer = TokenNameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = token_create(user=user, name=serializer.validated_data["name"])
        return _new_token_answer(token, key, status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    """Revoke one of the user's own tokens; anyone else's is not found."""

    @extend_schema(
        responses={
            204: None,
            404: OpenApiResponse(description="No such token of this user (or already revoked)."),
        }
    )
    def delete(self, request: Request, pk: int) -> Response:
        user = _user(request)
        token_revoke(token=token_get_for_user(user=user, pk=pk), actor=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
