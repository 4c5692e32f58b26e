"""The word lists of tagging and search, read from ``store/index/words/*.txt`` on first use.

Why data files: about 1,500 words written as Python literals made an
1,800-line module that every start compiled and imported, tagging or not;
as text, one word or phrase a line, they are easy to review and edit, and a
process reads only the lists it uses (each once: ``functools.cache``).

Format: UTF-8, one word or phrase a line, already folded (lower case, no
accents); blank lines and lines starting with ``#`` (the header saying what the
list is for) are skipped. The files ship in the wheel as package data and are
found beside this module, as ``store.paths`` finds the shipped feeds.yaml
(``importlib.resources`` would import more of the standard library lazily,
which a process that dropped its privileges may no longer be able to read).
"""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = [
    "broad_tags",
    "chrome",
    "generic_words",
    "ies_keep",
    "known_compounds",
    "modifiers",
    "months_and_days",
    "plural_keep",
    "stop_words",
    "word_list",
]


_DIR = Path(__file__).resolve().parent / "words"


@functools.cache
def word_list(name: str) -> frozenset[str]:
    """The words of ``words/<name>.txt``; a missing list is a packaging bug and raises."""
    text = (_DIR / f"{name}.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(w for w in lines if w and not w.startswith("#"))


def stop_words() -> frozenset[str]:
    """Function words: never a tag alone, never the end of a discovered name, not paired."""
    return word_list("stop_words")


def chrome() -> frozenset[str]:
    """Site chrome and digest furniture ("sign up", "key points"): never a tag."""
    return word_list("chrome")


def generic_words() -> frozenset[str]:
    """Words too generic to be discovered as a topic on their own."""
    return word_list("generic_words")


def months_and_days() -> frozenset[str]:
    """Date words: a date is never a tag."""
    return word_list("months_and_days")


def known_compounds() -> frozenset[str]:
    """One-word names often written as two ("Deep Seek"), in compact form."""
    return word_list("known_compounds")


def broad_tags() -> frozenset[str]:
    """Tags too wide to relate two entries on their own (spellings as written)."""
    return word_list("broad_tags")


def plural_keep() -> frozenset[str]:
    """Words ending in -s that ``singular`` leaves alone ("news", "physics")."""
    return word_list("plural_keep")


def ies_keep() -> frozenset[str]:
    """Words ending in -ies whose singular is not -y ("movies")."""
    return word_list("ies_keep")


def modifiers() -> frozenset[str]:
    """Generic modifiers trimmed from the ends of discovered names ("new", "major")."""
    return word_list("modifiers")
