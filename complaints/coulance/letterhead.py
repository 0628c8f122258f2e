"""The company's letterhead on the coulance letters: what it is now, what a letter was sent
with, the check of an uploaded logo, and its one write.

One small module for the sub-domain (reads, the logo check and the write), as
``letter_services`` is for the letter: the letters (``letters.render_html``), the email
(``letter_services.letter_email``), the admin and the demo all come here.
"""

from __future__ import annotations

import base64
import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from accounts.models import User
from complaints.models import CoulanceLetter, Letterhead, LogoType
from complaints.models.letterhead import LETTERHEAD_KEY

MAX_LOGO_BYTES = 256 * 1024
# A logo needs far fewer; decoding more would cost a node memory (a small file may hold a
# huge image: a decompression bomb), so the size is read from the header before decoding.
MAX_LOGO_PIXELS = 4_000_000
_FORMATS = {"PNG": LogoType.PNG, "JPEG": LogoType.JPEG}


@dataclass(frozen=True)
class LetterheadData:
    """The sender as a letter shows it."""

    company_name: str
    address: str = ""
    footer: str = ""
    logo: bytes | None = None
    logo_type: str = ""

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def logo_sha256(self) -> str:
        return hashlib.sha256(self.logo).hexdigest() if self.logo else ""

    @property
    def logo_uri(self) -> str:
        """The logo as a ``data:`` URI: the letter needs no network and no file."""
        if not self.logo:
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode('ascii')}"

    def frozen(self) -> dict[str, str]:
        """What a letter keeps of it when it is sent (its logo only by the logo's hash)."""
        return {
            "company_name": self.company_name,
            "address": self.address,
            "footer": self.footer,
            "logo_sha256": self.logo_sha256,
        }


def current_letterhead() -> LetterheadData:
    """The letterhead set in the admin; without one, ``COMPANY_NAME`` alone."""
    row = Letterhead.objects.filter(pk=LETTERHEAD_KEY).first()
    if row is None:
        return LetterheadData(company_name=settings.COMPANY_NAME)
    return LetterheadData(
        company_name=row.company_name,
        address=row.address,
        footer=row.footer,
        logo=bytes(row.logo) if row.logo else None,
        logo_type=row.logo_type,
    )


def letterhead_of(letter: CoulanceLetter) -> LetterheadData:
    """The letterhead a sent letter was sent with; the current one for a draft (or a letter
    sent before letters kept theirs).

    A letter keeps its logo's hash, not the logo: the current logo is shown only while it is
    the one the letter was sent with (the sent PDF itself holds it, unchanged).
    """
    current = current_letterhead()
    kept = letter.letterhead
    if not kept:
        return current
    same_logo = bool(kept.get("logo_sha256")) and kept.get("logo_sha256") == current.logo_sha256
    return LetterheadData(
        company_name=str(kept.get("company_name") or settings.COMPANY_NAME),
        address=str(kept.get("address", "")),
        footer=str(kept.get("footer", "")),
        logo=current.logo if same_logo else None,
        logo_type=current.logo_type if same_logo else "",
    )


def signature(head: LetterheadData) -> str:
    """The email's signature: the usual "-- " separator, then the letterhead in plain text."""
    lines = ["-- ", head.company_name, *head.address_lines]
    if head.footer.strip():
        lines.append(" ".join(head.footer.split()))
    return "\n".join(lines) + "\n"


def logo_read(upload: IO[bytes]) -> tuple[bytes, str]:
    """``(bytes, content type)`` of an uploaded logo, or a ``ValidationError`` saying why not.

    Only PNG and JPEG, told by Pillow from the content (never by the file's name or the type
    the browser sent), at most ``MAX_LOGO_BYTES`` and ``MAX_LOGO_PIXELS``, and fully decodable.
    """
    data = upload.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            _("The logo is larger than 256 KB: save it smaller and upload it again."),
            code="too_large",
        )
    not_an_image = ValidationError(
        _("This file is not a PNG or JPEG image, or it is damaged: choose a PNG or JPEG file."),
        code="not_an_image",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(_FORMATS)) as image:
                kind = _FORMATS[str(image.format)]
                if image.width * image.height > MAX_LOGO_PIXELS:
                    raise ValidationError(
                        _("The logo has more than 4 million pixels: save it smaller."),
                        code="too_many_pixels",
                    )
                image.verify()
            # verify() checks a PNG's structure only; decoding proves the pixels are there.
            with Image.open(io.BytesIO(data), formats=list(_FORMATS)) as image:
                image.load()
    except ValidationError:
        raise
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        KeyError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:  # Pillow's decoders say "not an image" in these ways
        raise not_an_image from exc
    return data, kind


def letterhead_update(
    *,
    actor: User,
    company_name: str,
    address: str = "",
    footer: str = "",
    logo: tuple[bytes, str] | None = None,
    remove_logo: bool = False,
    now: datetime | None = None,
) -> Letterhead:
    """Set the letterhead (the one row, made when there is none): its text, and a new logo
    (already checked by ``logo_read``) or none when ``remove_logo``; else the logo stays."""
    now = now or timezone.now()
    with transaction.atomic():
        row = Letterhead.objects.select_for_update().filter(pk=LETTERHEAD_KEY).first()
        row = row or Letterhead(pk=LETTERHEAD_KEY)
        row.company_name = company_name.strip()
        row.address = "\n".join(line.rstrip() for line in address.strip().splitlines())
        row.footer = footer.strip()
        if logo is not None:
            row.logo, row.logo_type = logo
        elif remove_logo:
            row.logo, row.logo_type = None, ""
        row.updated_at, row.updated_by = now, actor
        row.save()
    return row
