"""A dovecot for the session (a throwaway mailbox per test) and an SMTP receiver per test.

Without dovecot the tests are skipped with the reason; with CI=true they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from tests.mail.servers import Dovecot, SmtpReceiver, dovecot_binary, free_port


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    binary = dovecot_binary()
    if binary is None:
        message = "dovecot is not installed (apt-get install dovecot-imapd)"
        if _in_ci():
            pytest.fail(f"{message}. CI=true: the mail tests must run in CI.", pytrace=False)
        pytest.skip(message)
    server = Dovecot.throwaway().start(binary)
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot: Dovecot, team: Any) -> Iterator[dict[str, Any]]:
    """A fresh, empty mailbox whose mail goes to ``team``, configured as the only one."""
    box = dovecot.mailbox(f"intake-{uuid.uuid4().hex[:10]}", team=team.name)
    with override_settings(INBOUND_MAILBOXES=[box]):
        yield box


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver(port=free_port()).start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=receiver.port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        yield receiver
    receiver.stop()
