"""Reading one raw email: its addresses, threading headers, readable text and attachment parts.

Pure functions on bytes, no database: the intake decides what the message becomes. The text is
what a person wrote: quoted earlier messages and the signature are cut off, and an HTML-only
message is turned into text with the standard library's HTML parser (a script's content is
dropped, nothing is ever rendered as HTML).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser
from typing import NamedTuple


class ParseError(ValueError):
    """The message cannot be read; it goes to the quarantine with this reason."""


class MailPart(NamedTuple):
    """An attachment part, shaped like ``complaints.attachments.IncomingFile``."""

    name: str
    content_type_claimed: str
    data: bytes
    size: int


@dataclass
class ParsedEmail:
    key: str
    message_id: str
    sender: str
    sender_name: str
    subject: str
    text: str
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    automatic: str = ""  # why it is an auto-reply or a bounce; empty for a person's message
    parts: list[MailPart] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """The Message-IDs this message says it answers, nearest first."""
        return [*self.in_reply_to, *reversed(self.references)]


_MSGID = re.compile(r"<[^<>\s]+>")


def message_key(raw: bytes, message_id: str) -> str:
    """The exactly-once key: the Message-ID, or a hash of the bytes when there is none."""
    if message_id:
        return message_id[:255]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def header_message_id(raw: bytes) -> str:
    """The Message-ID of ``raw`` read leniently (for a message too broken to parse fully)."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"^message-id:\s*(<[^<>\s]+>)", head, re.IGNORECASE | re.MULTILINE)
    return match.group(1).decode("ascii", "replace") if match else ""


def _automatic(message: Message, sender: str) -> str:
    auto_submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    if message.get("X-Auto-Response-Suppress") is not None:
        return "X-Auto-Response-Suppress"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in {"bulk", "auto_reply", "junk", "list"}:
        return f"Precedence: {precedence}"
    if message.get_content_type() == "multipart/report":
        return "multipart/report (" + str(message.get_param("report-type", "")) + ")"
    local = sender.partition("@")[0].lower()
    if local in {"mailer-daemon", "postmaster"} or not sender:
        return f"sender {sender or '<>'}"
    return ""


class _Text(HTMLParser):
    """HTML to text: block elements become line breaks, script and style are dropped."""

    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag == "blockquote":
            self.quote_depth += 1
        if tag in self._BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
        if tag in self._BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        # A quoted earlier message (<blockquote>) is left out like a "> " quote in text.
        if not self.skipping and not self.quote_depth:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.out).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Where a quoted earlier message starts ("Op … schreef …:", "On … wrote:", Outlook's header).
_QUOTE_START = re.compile(
    r"^(On .{1,200} wrote:|Op .{1,200} schreef.{0,200}:|-{2,} ?(Original Message|"
    r"Oorspronkelijk bericht|Forwarded message|Doorgestuurd bericht) ?-{2,}|"
    r"(From|Van): .+)$",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^(-- ?|Sent from my .+|Verzonden vanaf mijn .+|Verstuurd vanaf mijn .+)$")


def strip_reply(text: str) -> str:
    """The new part of a message: up to a quoted earlier message or the signature."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if _QUOTE_START.match(stripped) or _SIGNATURE.match(line.rstrip()):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    result = "\n".join(kept).strip()
    return re.sub(r"\n{3,}", "\n\n", result)


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        return html_to_text(content)
    return content


def _parts(message: EmailMessage) -> list[MailPart]:
    parts: list[MailPart] = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        name = part.get_filename() or f"attachment-{index}"
        parts.append(MailPart(name[:200], part.get_content_type(), data, len(data)))
    return parts


def _ids(value: object) -> list[str]:
    return _MSGID.findall(str(value or ""))


def parse_email(raw: bytes) -> ParsedEmail:
    """Read ``raw``; ``ParseError`` when it has no usable sender or cannot be decoded."""
    if not raw.strip():
        raise ParseError("empty message")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        if not isinstance(message, EmailMessage):
            raise ParseError("unreadable: not a message")
        message_id = (_ids(message.get("Message-ID")) or [""])[0]
        from_header = str(message.get("From", ""))
        addresses = getaddresses([from_header])
        name, sender = addresses[0] if addresses else parseaddr(from_header)
        sender = sender.strip().lower()
        subject = " ".join(str(message.get("Subject", "")).split())
        automatic = _automatic(message, sender)
        text = "" if automatic else _body(message)
        parts = [] if automatic else _parts(message)
    except ParseError:
        raise
    except Exception as exc:  # malformed MIME, an unknown charset, a broken header…
        raise ParseError(f"unreadable: {type(exc).__name__}: {exc}") from exc
    if not automatic:
        try:
            Address(addr_spec=sender)
        except Exception:
            raise ParseError(f"no usable sender address ({from_header[:100]!r})") from None
        if "@" not in sender:
            raise ParseError(f"no usable sender address ({from_header[:100]!r})")
    return ParsedEmail(
        key=message_key(raw, message_id),
        message_id=message_id,
        sender=sender,
        sender_name=" ".join(name.split()),
        subject=subject,
        text=strip_reply(text),
        in_reply_to=_ids(message.get("In-Reply-To")),
        references=_ids(message.get("References")),
        automatic=automatic,
        parts=parts,
    )


_DUTCH = set(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "ik",
        "je",
        "jij",
        "u",
        "uw",
        "wij",
        "we",
        "niet",
        "is",
        "dat",
        "die",
        "deze",
        "op",
        "met",
        "voor",
        "aan",
        "naar",
        "maar",
        "ook",
        "nog",
        "mijn",
        "bij",
        "zijn",
        "heb",
        "heeft",
        "hebben",
        "geen",
        "wel",
        "dan",
        "als",
        "om",
        "er",
        "was",
        "werd",
        "kan",
        "graag",
    ]
)
_ENGLISH = set(
    [
        "the",
        "a",
        "an",
        "and",
        "of",
        "i",
        "you",
        "your",
        "we",
        "not",
        "is",
        "that",
        "this",
        "these",
        "on",
        "with",
        "for",
        "to",
        "but",
        "also",
        "still",
        "my",
        "at",
        "be",
        "have",
        "has",
        "no",
        "yes",
        "then",
        "if",
        "was",
        "were",
        "can",
        "please",
        "would",
        "it",
    ]
)


def guess_language(text: str, default: str) -> str:
    """ "nl" or "en" by counting common words; ``default`` when it is a tie."""
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    dutch = sum(word in _DUTCH for word in words)
    english = sum(word in _ENGLISH for word in words)
    if dutch > english:
        return "nl"
    if english > dutch:
        return "en"
    return default
