"""The complaints' files in the API: list and upload (multipart) per complaint, and download.

An upload is all files or none: 413 when one is over the limit per file or all over the limit
per request, 400 for a kind not accepted, each with the field's message; nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.downloads import download_response
from complaints import attachments, selectors
from complaints.api.common import actor, error_responses
from complaints.api.serializers import ModelSerializer, UserSummarySerializer
from complaints.models import Attachment, AttachmentSource

_ERRORS = error_responses("complaint")


class AttachmentSerializer(ModelSerializer):
    uploaded_by = UserSummarySerializer(read_only=True, allow_null=True)
    refused = serializers.BooleanField(read_only=True)
    refused_reason = serializers.SerializerMethodField(
        help_text="Why the file was not stored, in words; empty for a stored file."
    )
    download_url = serializers.SerializerMethodField(
        help_text="Where to fetch the file (null for a refused one)."
    )

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "content_type",
            "size",
            "sha256",
            "source",
            "interaction",
            "uploaded_by",
            "refused",
            "refused_reason",
            "download_url",
            "created_at",
        ]
        read_only_fields = fields

    def get_refused_reason(self, attachment: Attachment) -> str:
        return attachment.refused_words

    def get_download_url(self, attachment: Attachment) -> str | None:
        if attachment.refused:
            return None
        return reverse("api-attachment-download", args=[attachment.pk])


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    """For the schema: the multipart body."""

    files = serializers.ListField(child=serializers.FileField(), help_text="One or more files.")


class ComplaintAttachmentsView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="complaints_attachments_list",
        responses={200: AttachmentSerializer(many=True), 404: _ERRORS[404]},
    )
    def get(self, request: Request, reference: str) -> Response:
        """The complaint's files, refused ones included (with the reason)."""
        complaint = selectors.complaint_get_for_user(user=actor(request), reference=reference)
        items = selectors.complaint_attachments(complaint=complaint)
        return Response(AttachmentSerializer(items, many=True).data)

    @extend_schema(
        operation_id="complaints_attachments_create",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer(many=True),
            **_ERRORS,
            413: OpenApiResponse(description="A file, or all together, over the size limit."),
        },
    )
    def post(self, request: Request, reference: str) -> Response:
        """Attach files (multipart, field ``files``): all of them or none."""
        user = actor(request)
        complaint = selectors.complaint_get_for_user(user=user, reference=reference)
        files = [attachments.IncomingFile.from_upload(f) for f in request.FILES.getlist("files")]
        added = attachments.attachments_upload(
            complaint=complaint, files=files, actor=user, source=AttachmentSource.API
        )
        return Response(
            AttachmentSerializer(added.stored, many=True).data, status=status.HTTP_201_CREATED
        )


class AttachmentDownloadView(APIView):
    @extend_schema(
        operation_id="attachments_download",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such file, or not visible to this user."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        """The file itself, as a download (``Content-Disposition: attachment``)."""
        attachment = selectors.attachment_get_for_user(user=actor(request), pk=pk)
        return download_response(
            storage=attachment.file.storage,
            stored_name=attachment.file.name,
            name=attachment.name,
            content_type=attachment.content_type,
            size=attachment.size,
        )
