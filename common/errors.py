"""Domain errors. One DRF exception handler (config.exceptions) maps them to HTTP:
wrong state 409, invalid data 400 with field messages, not allowed 403."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    code = "domain_error"
    default_message: str | Promise = _("The request could not be carried out.")

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))


class TransitionNotAllowed(DomainError):
    """The complaint is not in a stage from which this step may be taken."""

    status_code = 409
    code = "transition_not_allowed"
    default_message = _("This step is not possible in the complaint's current stage.")


class FollowUpAwaited(TransitionNotAllowed):
    """A resolved complaint closes only once its follow-up is completed or waived."""

    code = "follow_up_awaited"
    default_message = _("Closing waits for the follow-up.")


class ActionForbidden(DomainError):
    """The acting user may not do this to this complaint."""

    status_code = 403
    code = "forbidden"
    default_message = _("You are not allowed to do this.")


class InvalidData(DomainError):
    """The step's data is missing or invalid; ``errors`` maps field names to messages."""

    status_code = 400
    code = "invalid"
    default_message = _("Some fields are missing or invalid.")

    def __init__(self, errors: dict[str, list[str | Promise]]) -> None:
        self.errors = errors
        super().__init__()


class TooLarge(InvalidData):
    """A file or a request over its size limit: 413, with the field's message in words."""

    status_code = 413
    code = "too_large"
    default_message = _("Too large.")


class ErrorCollector:
    """Gathers field messages so that all problems are reported at once, then raises."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str | Promise]] = {}

    def add(self, field: str, message: str | Promise) -> None:
        self.errors.setdefault(field, []).append(message)

    def require(self, field: str, value: object) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(field, _("This field is required."))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidData(self.errors)


class SelfApprovalForbidden(ActionForbidden):
    """Four eyes: whoever asked for a goodwill gesture never decides on it."""

    code = "self_approval_forbidden"
    default_message = _("You asked for this yourself: another manager must decide on it.")


class ApprovalLimitExceeded(ActionForbidden):
    """The amount is above what this manager may approve."""

    code = "above_approval_limit"
    default_message = _("This amount is above your approval limit.")
