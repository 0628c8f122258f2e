"""Test emails as raw bytes, as a customer's mail program or a mail server would send them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


def customer_email(
    *,
    sender: str = "Joke de Vries <joke@example.nl>",
    subject: str = "Mijn factuur klopt niet",
    text: str = "Ik heb twee keer betaald voor dezelfde maand en dat is niet de bedoeling.",
    html: str | None = None,
    message_id: str | None = "",
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
    attachment: tuple[str, str, bytes] | None = None,
    more_attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "klachten@example.com"
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    if message_id is not None:
        message["Message-ID"] = message_id or make_msgid(uuid.uuid4().hex[:8], "mail.example.nl")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    if html is not None and text:
        message.set_content(text)
        message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(text)
    for name, content_type, data in ((attachment,) if attachment else ()) + more_attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def bounce(original_to: str = "joke@example.nl") -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mail.example.nl>\r\n"
        "To: klachten@example.com\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@mail.example.nl>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        f"Final-Recipient: rfc822; {original_to}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--B--\r\n"
    ).encode()
