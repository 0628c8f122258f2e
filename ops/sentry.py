"""Error reporting with sentry-sdk, only when SENTRY_DSN is set."""

from __future__ import annotations

from typing import Any

from ops.context import current


def _with_request_id(event: Any, hint: Any) -> Any:
    """Tag each event with the request id, so it can be found next to its log lines; drop the
    query string."""
    work = current.get()
    if work is not None and work.request_id:
        event.setdefault("tags", {})["request_id"] = work.request_id
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("query_string", None)  # ?q= may hold a customer's name
    return event


def init_sentry(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> bool:
    """Start sentry-sdk with the Django and Celery integrations; False (nothing started)
    without a DSN."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No user names, emails, addresses, cookies or bodies: complaints hold personal data.
        send_default_pii=False,
        max_request_body_size="never",  # a complaint's facts are personal data
        include_local_variables=False,  # so are the variables of the frames they pass through
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        before_send=_with_request_id,
    )
    return True
