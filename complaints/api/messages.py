"""``POST /api/complaints/{reference}/messages/``: answer the customer by email.

A mixin of the complaint endpoints (it needs their ``get_object``). The answer is recorded as an
outbound email interaction and queued in the outbox with threading headers.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common import limits
from complaints.api import fields as strict
from complaints.api.common import actor as _actor
from complaints.api.common import error_responses
from complaints.api.common import valid as _valid
from complaints.api.serializers import InteractionSerializer
from complaints.mail import outbound

_ERRORS = error_responses(
    "complaint",
    state="complaint's state: the customer has no email address, was erased, or it is closed",
)


class CustomerMessageInputSerializer(serializers.Serializer[Any]):
    body = strict.CharField(
        max_length=limits.TEXT,
        help_text="The text of the email to the customer (plain text).",
    )


class CustomerMessagesMixin:
    get_object: Any

    @extend_schema(
        request=CustomerMessageInputSerializer,
        responses={201: InteractionSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    def messages(self, request: Request, reference: str) -> Response:
        """Email the customer from the complaint: recorded as an outbound email interaction,
        sent through the outbox with a subject carrying the reference, so the reply comes back
        to this complaint."""
        complaint = self.get_object()
        outbound.check_may_answer(complaint, _actor(request))  # 403/409 before the data
        data = _valid(CustomerMessageInputSerializer, request)
        interaction = outbound.customer_answer_send(
            complaint=complaint, actor=_actor(request), body=data["body"]
        )
        return Response(InteractionSerializer(interaction).data, status=status.HTTP_201_CREATED)
