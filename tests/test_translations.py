"""Everything a person reads exists in Dutch: the catalogue is complete and compiled."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

from django.utils import translation

from common.errors import TransitionNotAllowed
from complaints.states import Stage

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES"
_ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) ((?:".*"\n?)+)', re.M)


def _entries() -> list[dict[str, str]]:
    entries = []
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        for match in _ENTRY.finditer(block):
            parts = re.findall(r'"(.*)"', match.group(2))
            fields[match.group(1)] = "".join(ast.literal_eval(f'"{p}"') for p in parts)
        if fields.get("msgid"):
            fields["fuzzy"] = "fuzzy" if "#, fuzzy" in block else ""
            entries.append(fields)
    return entries


def test_every_message_has_a_dutch_translation():
    entries = _entries()
    assert len(entries) > 150
    untranslated = [
        e["msgid"] for e in entries if e["fuzzy"] or not (e.get("msgstr") or e.get("msgstr[0]"))
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        e["msgid"]
        for e in _entries()
        if "msgstr" in e
        and (
            compiled.pgettext(e["msgctxt"], e["msgid"])
            if "msgctxt" in e
            else compiled.gettext(e["msgid"])
        )
        != e["msgstr"]
    ]
    assert stale == []


def test_domain_messages_speak_dutch_and_english():
    with translation.override("nl"):
        assert str(TransitionNotAllowed().message) == (
            "Deze stap is niet mogelijk in de huidige fase van de klacht."
        )
        assert str(Stage.RESOLVED.label) == "Afgehandeld"
    with translation.override("en"):
        assert str(Stage.RESOLVED.label) == "Resolved"


def test_every_message_in_the_source_is_in_the_catalogue(tmp_path):
    """makemessages on a copy of the tracked sources finds no message the catalogue lacks: a
    new msgid without its Dutch would otherwise show English on a Dutch page unnoticed."""
    import shutil
    import subprocess
    import sys

    import pytest

    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext (xgettext, msgmerge) is not installed")
    root = LOCALE.parent.parent.parent
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "*.html", "*.txt", "locale/nl/LC_MESSAGES/django.po"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    for name in tracked:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, target)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-location", "-v", "0"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "DATABASE_URL": "sqlite://:memory:"},
        check=True,
    )
    made = (tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    missing = []
    for block in made.split("\n\n"):
        fields = {m.group(1): m.group(2).strip() for m in _ENTRY.finditer(block + "\n")}
        if fields.get("msgid", '""') == '""':
            continue  # the header
        if "#, fuzzy" in block or fields.get("msgstr", fields.get("msgstr[0]")) == '""':
            missing.append(block.strip())
    assert missing == []
