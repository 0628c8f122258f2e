"""REST endpoints for one coulance letter version: ``/api/coulance-letters/{id}/``.

Read it, edit the draft, see its HTML and PDF, and ``send`` it (freeze and email). A sent
letter never changes; a correction is a new version, made on its request. Every refusal comes
in the order 404, 403, 409, then 400.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common import limits
from common.csp import allow_own_styles
from complaints.api import fields as strict
from complaints.api.common import actor as _actor
from complaints.api.common import error_responses
from complaints.api.common import valid as _valid
from complaints.api.renderers import HTMLRenderer, OneFormatNegotiation, PDFRenderer
from complaints.api.serializers import ModelSerializer, UserSummarySerializer
from complaints.coulance import letter_services, letters, selectors
from complaints.models import CoulanceLetter, LetterStatus

_ERRORS = error_responses(
    "request or letter",
    forbidden="Not allowed for this user (four eyes, role, limit).",
    state="request's or letter's current state",
)


class LetterReviewSerializer(serializers.Serializer[Any]):
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the text must still say before it may be sent (sending is refused).",
    )
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="What reads as notes or informal (emoji, “I” inside “we”, the customer in "
        "the third person, very long sentences); these do not block sending.",
    )


class LetterSerializer(ModelSerializer):
    coulance_request = serializers.IntegerField(source="request_id", read_only=True)
    complaint = strict.CharField(source="request.complaint.reference", read_only=True)
    created_by = UserSummarySerializer(read_only=True)
    edited_by = UserSummarySerializer(read_only=True, allow_null=True)
    frozen_by = UserSummarySerializer(read_only=True, allow_null=True)
    review = serializers.SerializerMethodField()

    class Meta:
        model = CoulanceLetter
        fields = [
            "id",
            "coulance_request",
            "complaint",
            "version",
            "language",
            "subject",
            "body",
            "status",
            "created_by",
            "created_at",
            "edited_by",
            "edited_at",
            "frozen_by",
            "frozen_at",
            "content_hash",
            "recipient",
            "send_attempts",
            "sent_at",
            "last_error",
            "review",
        ]
        read_only_fields = fields

    @extend_schema_field(LetterReviewSerializer(allow_null=True))
    def get_review(self, obj: CoulanceLetter) -> dict[str, list[str]] | None:
        """A draft's review, in the reader's language; null once the letter is frozen."""
        if obj.status != LetterStatus.DRAFT:
            return None
        missing, warnings = letters.review_draft(obj)
        return {"missing": missing, "warnings": warnings}


class LetterUpdateSerializer(serializers.Serializer[Any]):
    subject = strict.CharField(max_length=limits.SUBJECT, required=False, allow_blank=True)
    body = strict.CharField(
        max_length=limits.LETTER, required=False, allow_blank=True, trim_whitespace=False
    )


class CoulanceLetterViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    """One version of a coulance letter: review and edit the draft, preview, send."""

    serializer_class = LetterSerializer
    pagination_class = None
    filterset_class = None

    def get_queryset(self) -> QuerySet[CoulanceLetter]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return CoulanceLetter.objects.none()
        return CoulanceLetter.objects.filter(
            request__in=selectors.coulance_visible(user=_actor(self.request))
        )

    def get_object(self) -> CoulanceLetter:
        try:
            pk = int(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        return selectors.coulance_letter_get_for_user(user=_actor(self.request), pk=pk)

    @extend_schema(responses={200: LetterSerializer, 404: _ERRORS[404]})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(LetterSerializer(self.get_object()).data)

    @extend_schema(request=LetterUpdateSerializer, responses={200: LetterSerializer, **_ERRORS})
    def partial_update(self, request: Request, pk: str) -> Response:
        """Edit the draft's subject or text; a frozen or sent letter answers 409."""
        letter = self.get_object()
        letter_services.check_may_handle_letter(letter, _actor(request))
        letter_services.check_letter_is_draft(letter)
        data = _valid(LetterUpdateSerializer, request)
        letter = letter_services.coulance_letter_update(
            letter=letter, actor=_actor(request), **data
        )
        return Response(LetterSerializer(letter).data)

    @extend_schema(
        responses={(200, "text/html"): OpenApiTypes.STR, 404: _ERRORS[404]},
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[HTMLRenderer],
        content_negotiation_class=OneFormatNegotiation,
    )
    def html(self, request: Request, pk: str) -> Response:
        """The letter as it will be printed (a draft is dated today)."""
        html = letters.render_html(self.get_object())
        response = Response(html)
        allow_own_styles(response, html, framed_by_self=False)
        return response

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: _ERRORS[404]},
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[PDFRenderer],
        content_negotiation_class=OneFormatNegotiation,
    )
    def pdf(self, request: Request, pk: str) -> Response:
        """The frozen PDF as it was sent; for a draft, a preview rendered now (not stored)."""
        letter = self.get_object()
        content = bytes(letter.pdf) if letter.pdf else letters.render_pdf(letter)
        filename = f"{letter.request.complaint.reference}-v{letter.version}.pdf"
        return Response(content, headers={"Content-Disposition": f'inline; filename="{filename}"'})

    @extend_schema(request=None, responses={202: LetterSerializer, **_ERRORS})
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        """Freeze the letter (text, PDF, SHA-256) and email it to the customer; a letter whose
        sending failed is sent again as it was frozen (its owner's resend)."""
        letter = letter_services.coulance_letter_send(
            letter=self.get_object(), actor=_actor(request)
        )
        return Response(LetterSerializer(letter).data, status=status.HTTP_202_ACCEPTED)
