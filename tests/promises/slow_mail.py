"""A file mail backend that holds on after the message is written, as a slow mail server's
final answer would: the fault tests restart PostgreSQL in that moment."""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        sent = super().send_messages(email_messages)
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "2")))
        return sent
