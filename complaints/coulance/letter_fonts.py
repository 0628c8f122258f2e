"""The fonts the letter's PDF embeds: DejaVu Sans cut to the characters of Dutch and English
letters (``scripts/letter_fonts.py`` makes the files in ``fonts/``).

Without ``libharfbuzz-subset0`` WeasyPrint subsets fonts with fontTools, which took ~0.3 s a
letter for the 750 kB system font; these small files are then embedded whole instead. With it,
they are subset by HarfBuzz as before (``bench/coulance_bench.py`` shows every way side by
side). The letter page names the family first
and the system's DejaVu Sans after it, so a character outside the set still prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "Klachtwijzer Letter"


@dataclass(frozen=True)
class Face:
    file: str
    source: str  # the DejaVu file it is cut from
    weight: str


FACES = (
    Face("KlachtwijzerLetter-Regular.ttf", "DejaVuSans.ttf", "normal"),
    Face("KlachtwijzerLetter-Bold.ttf", "DejaVuSans-Bold.ttf", "bold"),
)

# Basic Latin, Latin-1 and Latin Extended-A (ë, é, ï, ĳ, ł, š, …), and the punctuation, currency
# and spaces a letter uses (typographic quotes and dashes, the euro and pound signs, the
# non-breaking and narrow spaces between an amount and its currency).
UNICODES = sorted(
    {*range(0x20, 0x7F), *range(0xA0, 0x180)}
    | {0x2002, 0x2003, 0x2009, 0x200A, 0x2010, 0x2011, 0x2013, 0x2014, 0x2018, 0x2019}
    | {0x201A, 0x201C, 0x201D, 0x201E, 0x2020, 0x2021, 0x2022, 0x2026, 0x202F, 0x2030}
    | {0x2039, 0x203A, 0x20AC, 0x2122, 0x2212}
)


def font_faces_css() -> str:
    """The ``@font-face`` rules for the PDF (file URLs: only WeasyPrint reads them)."""
    return "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {face.weight}; '
        f'src: url("{(FONT_DIR / face.file).as_uri()}"); }}'
        for face in FACES
    )


@cache
def embed_whole() -> bool:
    """Whether the PDF embeds the cut fonts whole: when WeasyPrint has no HarfBuzz subsetter
    (no ``libharfbuzz-subset0``) and would subset with fontTools, which takes ~0.3 s a letter.
    With HarfBuzz, subsetting the cut fonts is fast and the PDF a third of the size.
    ``tests/coulance/test_letter_fonts.py`` fails when WeasyPrint moves this handle."""
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is None
