"""The review of a letter's text before it is sent: what makes it read as notes rather than
as a letter from the company to the customer.

Pure functions of the text. ``warnings`` never block sending (the agent may have good
reasons); what a letter must say is checked by ``letters.missing_essentials``, which does.
Each warning is in the reader's language and quotes the words it is about, so the agent can
find them.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from complaints.choices import Language

# A sentence longer than this many words is hard to read in a letter (plain-language guides
# advise 15 to 20 on average; a letter may have a longer one, not this long).
LONG_SENTENCE_WORDS = 35

_MARKS = re.compile(r"([!?])[!?]+")
# Emoticons and chat words: informal in a company's letter. Whole words, any case.
_EMOTICONS = re.compile(r"(?<!\w)(?::-?[()DPp]|;-?\)|:'\(|<3|\^\^|xD)(?!\w)")
INFORMAL_WORDS: dict[str, tuple[str, ...]] = {
    Language.DUTCH: ("hoi", "hey", "doei", "groetjes", "lol", "haha", "btw", "thx", "ff"),
    Language.ENGLISH: ("hi", "hey", "cheers", "lol", "haha", "btw", "thx", "gonna", "wanna"),
}
# "We" and "I" words: a sentence with both mixes the company's voice with the agent's own.
WE_WORDS: dict[str, tuple[str, ...]] = {
    Language.DUTCH: ("we", "wij", "ons", "onze"),
    Language.ENGLISH: ("we", "us", "our", "ours"),
}
I_WORDS: dict[str, tuple[str, ...]] = {
    Language.DUTCH: ("ik", "mij", "mijn", "me"),
    Language.ENGLISH: ("i", "me", "my", "mine"),
}
# The customer named as someone else: the letter is written to them.
THIRD_PERSON: dict[str, tuple[str, ...]] = {
    Language.DUTCH: ("klant", "cliënt", "mevrouw", "meneer"),
    Language.ENGLISH: ("the customer", "customer's", "the client", "client's"),
}
# The close the seeds ask for: "dat u uitziet naar een plezierige samenwerking".
LOOKING_FORWARD: dict[str, tuple[str, ...]] = {
    Language.DUTCH: ("plezierige samenwerking", "zien uit naar", "kijken uit naar", "uitzien"),
    Language.ENGLISH: ("look forward", "looking forward"),
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def is_emoji(char: str) -> bool:
    """Pictographs, symbols drawn as pictures, their modifiers and joiners."""
    code = ord(char)
    return (
        # Symbols from the technical ones on (⌚, ☺, ✔, ❤, ⭐); not ©, ®, ™, °, → or €.
        (code >= 0x2300 and unicodedata.category(char) == "So")
        or 0x1F000 <= code <= 0x1FAFF  # emoji blocks, also the skin-tone modifiers
        or code in (0x200D, 0xFE0F, 0xFE0E, 0x20E3)  # joiner, variation selectors, keycap
    )


def formal(text: str) -> str:
    """``text`` as a formal letter may quote it: without emoji, one "!" or "?" where several
    were typed, and single spaces (line breaks kept)."""
    kept = "".join(char for char in (text or "") if not is_emoji(char))
    kept = _MARKS.sub(r"\1", kept)
    kept = re.sub(r"[ \t]+([.,!?;:])", r"\1", kept)  # where an emoji stood before a mark
    lines = (" ".join(line.split()) for line in kept.strip().splitlines())
    return "\n".join(lines)


def sentences(text: str) -> list[str]:
    """The text's sentences (a blank line ends one too), each on one line."""
    return [" ".join(part.split()) for part in _SENTENCE_END.split(text) if part.strip()]


def _words(sentence: str) -> list[str]:
    return re.findall(r"[\w'’]+", sentence.casefold())


def _quote(sentence: str, limit: int = 60) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def warnings(text: str, *, language: str, customer_name: str = "", subject: str = "") -> list[str]:
    """What in the letter's ``text`` (and its ``subject``) reads as informal or as notes, in
    the reader's language."""
    if language not in WE_WORDS:
        language = Language.DUTCH
    found: list[str] = []
    both = f"{subject}\n\n{text}"
    emoji = sorted({char for char in both if is_emoji(char) and unicodedata.category(char) == "So"})
    if emoji:
        found.append(
            _("Emoji in a formal letter: %(emoji)s. Leave them out.") % {"emoji": " ".join(emoji)}
        )
    marks = sorted({match.group(0) for match in _MARKS.finditer(both)})
    marks += sorted({match.group(0) for match in _EMOTICONS.finditer(both)})
    lowered = set(_words(both))
    marks += [word for word in INFORMAL_WORDS[language] if word in lowered]
    if marks:
        found.append(
            _("Informal words or marks: %(marks)s. A letter from the company does without.")
            % {"marks": ", ".join(f"“{mark}”" for mark in marks)}
        )
    parts = sentences(text)
    for sentence in parts:
        if set(_words(sentence)) & set(WE_WORDS[language]) and _says_i(sentence, language):
            found.append(
                _("“I” inside a sentence in the company's voice (“we”): “%(sentence)s”.")
                % {"sentence": _quote(sentence)}
            )
    found += _third_person(parts, language=language, customer_name=customer_name)
    for sentence in parts:
        if len(sentence.split()) > LONG_SENTENCE_WORDS:
            found.append(
                _("A sentence of %(count)s words: “%(sentence)s”. Split it in two.")
                % {"count": len(sentence.split()), "sentence": _quote(sentence)}
            )
    plain = " ".join(_words(text))
    if not any(words in plain for words in LOOKING_FORWARD[language]):
        found.append(
            _(
                "The letter no longer says that we look forward to a pleasant relationship "
                "(“%(words)s”), as the seeds of coulance ask."
            )
            % {"words": LOOKING_FORWARD[language][0]}
        )
    return found


def _says_i(sentence: str, language: str) -> bool:
    """Whether the sentence speaks in the first person singular. English "I" counts only as a
    capital, alone or in "I'm", "I'll" (not the letter i of a list)."""
    if set(_words(sentence)) & set(I_WORDS[language]) - {"i"}:
        return True
    return language == Language.ENGLISH and re.search(r"(?<![\w'’])I(?![\w])", sentence) is not None


def _third_person(parts: list[str], *, language: str, customer_name: str) -> list[str]:
    """Sentences that speak of the customer instead of to them. The salutation ("Geachte
    Jan Evers,") is the one place for their name."""
    found = []
    name = customer_name.casefold().strip()
    for index, sentence in enumerate(parts):
        if index == 0 and sentence.rstrip().endswith(","):
            continue  # the salutation: "Geachte mevrouw Evers,"
        plain = " ".join(_words(sentence))
        words = set(plain.split())
        named = [
            term
            for term in THIRD_PERSON[language]
            if (term in words if " " not in term else f" {term} " in f" {plain} ")
        ]
        if name and name in sentence.casefold():
            named.append(customer_name)
        if named:
            found.append(
                _(
                    "The customer named in the third person (%(words)s): “%(sentence)s”. Write "
                    "to them: “u” / “you”."
                )
                % {"words": ", ".join(f"“{w}”" for w in named), "sentence": _quote(sentence)}
            )
    return found
