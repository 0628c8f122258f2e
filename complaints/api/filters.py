"""Query parameters of the complaint list, as the API reads and describes them.

The parameters are declared once, in ``complaints.list_filters``. ``ComplaintFilter`` is made
from them for the API's description (drf-spectacular reads it); ``list_filters`` validates a
request's parameters with them into the dict that ``listing.ListQuery`` reads. The validation
is written out rather than run through the filter form, which django-filter builds anew on
every request at a cost of more than a millisecond on the busiest endpoint.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError

from complaints import list_filters as declared
from complaints.api.common import BLANK_MESSAGE

ComplaintFilter = declared.filterset()


def list_filters(request: Any) -> dict[str, Any]:
    """The list filters of ``request``, validated: 400 with the messages per parameter."""
    params = request.query_params
    given: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for parameter in declared.PARAMETERS:
        name = parameter.name
        values = params.getlist(name)
        if not values:
            continue
        if parameter.kind is not declared.Kind.TEXT and "" in values:
            # Given without a value: no date, choice or id is "" (see common.BLANK_MESSAGE).
            errors[name] = [str(BLANK_MESSAGE)]
            continue
        try:
            if parameter.multiple:
                given[name] = [parameter.parse(value) for value in values]
            else:
                given[name] = parameter.parse(values[-1])
        except DjangoValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return given
