"""The letter's own fonts: cut to the letter's characters, embedded in the PDF, and whole on a
machine where WeasyPrint would otherwise subset with fontTools (~0.3 s a letter)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any, cast

import pypdf
import pytest
from fontTools.ttLib import TTFont

from complaints.coulance import letter_fonts, letters
from tests.coulance.test_letters import approved, letter_of, resolved_complaint

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "letters"


def cmap(face: letter_fonts.Face) -> set[int]:
    return set(TTFont(letter_fonts.FONT_DIR / face.file).getBestCmap())


def embedded_font_programs(pdf: bytes) -> dict[str, int]:
    """Each embedded font's name and the size of its program (``/FontFile2``)."""
    sizes = {}
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        resources = cast("dict[str, Any]", page["/Resources"])
        for font in resources["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                program = descriptor["/FontFile2"].get_object()
                sizes[str(descriptor["/FontName"])] = len(program.get_data())
    return sizes


def test_weasyprint_still_has_the_handle_the_choice_and_the_bench_read():
    """``embed_whole`` reads WeasyPrint's HarfBuzz subsetter handle, and the benchmark sets the
    one in ``weasyprint.pdf.fonts`` to None to measure the fontTools path: this fails when a
    WeasyPrint upgrade moves or renames it."""
    from weasyprint.pdf import fonts
    from weasyprint.text import ffi

    assert hasattr(ffi, "harfbuzz_subset")
    assert fonts.harfbuzz_subset is ffi.harfbuzz_subset


@pytest.mark.parametrize("face", letter_fonts.FACES, ids=lambda face: face.file)
def test_the_cut_fonts_hold_the_chosen_characters(face):
    assert set(letter_fonts.UNICODES) - cmap(face) == set()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_character_of_the_letter_templates_and_a_letter_is_in_the_cut_fonts(
    agent, manager, director, language
):
    letter = letter_of(approved(resolved_complaint(agent, language=language), agent, manager))
    words = letter.subject + letter.body + letters.render_html(letter)
    for path in TEMPLATES.rglob("*"):
        if path.is_file():
            words += path.read_text(encoding="utf-8")
    characters = {ord(c) for c in words if c.isprintable() or c == "\u00a0"}
    for face in letter_fonts.FACES:
        missing = {chr(code) for code in characters - cmap(face)}
        assert missing == set(), f"{face.file} lacks {sorted(missing)}"


def test_only_the_pdf_names_the_cut_fonts(agent, manager, director):
    letter = letter_of(approved(resolved_complaint(agent, language="nl"), agent, manager))

    assert "@font-face" in letters.render_html(letter, for_pdf=True)
    # The preview in the browser (its CSP allows no file URLs) uses the system's fonts.
    assert "@font-face" not in letters.render_html(letter)


def test_without_harfbuzz_the_cut_fonts_are_embedded_whole_and_small(
    agent, manager, director, monkeypatch
):
    letter = letter_of(approved(resolved_complaint(agent, language="en"), agent, manager))
    monkeypatch.setattr(letter_fonts, "embed_whole", lambda: True)

    programs = embedded_font_programs(letters.render_pdf(letter))

    whole = {(letter_fonts.FONT_DIR / face.file).stat().st_size for face in letter_fonts.FACES}
    # Whole: each embedded program is one of the cut files, byte for byte in size (a system
    # DejaVu Sans embedded whole would be ~750 kB; a subset would be smaller than the file).
    assert programs
    assert set(programs.values()) <= whole


def test_with_harfbuzz_the_cut_fonts_are_subset(agent, manager, director, monkeypatch):
    from weasyprint.text import ffi

    if ffi.harfbuzz_subset is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs libharfbuzz-subset0, but WeasyPrint did not find it")
        pytest.skip("this machine has no libharfbuzz-subset0 (CI installs it)")
    letter = letter_of(approved(resolved_complaint(agent, language="en"), agent, manager))
    monkeypatch.setattr(letter_fonts, "embed_whole", lambda: False)

    programs = embedded_font_programs(letters.render_pdf(letter))

    smallest = min(
        (letter_fonts.FONT_DIR / face.file).stat().st_size for face in letter_fonts.FACES
    )
    assert programs
    assert max(programs.values()) < smallest
