"""The demo's letterhead: a neutral, obviously fictional company, its logo drawn at seed time
(so the repository holds no image file)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from accounts.models import User
from complaints.coulance.letterhead import letterhead_update
from complaints.models import Letterhead, LogoType

DEMO_COMPANY = "Klachtwijzer Demo B.V."
DEMO_ADDRESS = "Voorbeeldstraat 1\n1234 AB Nergenshuizen"
DEMO_FOOTER = "KvK 00000000 · klantenservice@example.com · www.example.com"


def demo_logo() -> bytes:
    """A small neutral mark as PNG: a teal rounded square with a white check."""
    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 232, 232), radius=44, fill=(22, 110, 120, 255))
    draw.line([(64, 124), (104, 166), (178, 80)], fill=(255, 255, 255, 255), width=22)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def letterhead_ensure(*, actor: User) -> bool:
    """Set the demo's letterhead unless one is set; True when this call set it."""
    if Letterhead.objects.exists():
        return False
    letterhead_update(
        actor=actor,
        company_name=DEMO_COMPANY,
        address=DEMO_ADDRESS,
        footer=DEMO_FOOTER,
        logo=(demo_logo(), LogoType.PNG),
    )
    return True
