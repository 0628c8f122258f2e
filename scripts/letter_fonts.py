"""Make the letter's fonts: DejaVu Sans (regular and bold), cut to the characters a Dutch or
English letter uses, saved under ``complaints/coulance/fonts/``.

The letter embeds these small files whole (WeasyPrint's ``full_fonts``), so rendering a PDF no
longer subsets a 750 kB system font on every letter: that subsetting is what made a letter take
~0.3 s on a machine without Debian's ``libharfbuzz-subset0`` (fontTools does it then). A
character outside the set falls back to the system's fonts, so nothing goes missing.

Run it only to change the character set (the files are committed; fontTools comes with
WeasyPrint)::

    .venv/bin/python scripts/letter_fonts.py [--source /usr/share/fonts/truetype/dejavu]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from complaints.coulance.letter_fonts import FACES, FONT_DIR, UNICODES  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=Path("/usr/share/fonts/truetype/dejavu"))
    args = parser.parse_args()
    for face in FACES:
        options = subset.Options()
        options.layout_features = ["kern", "liga", "mark", "mkmk"]
        options.hinting = False
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = subset.load_font(str(args.source / face.source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=UNICODES)
        subsetter.subset(font)
        target = FONT_DIR / face.file
        subset.save_font(font, str(target), options)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
