"""How a tag the user types becomes a stored tag (CLI `tag` and the UI's `t`).

A tag is shown as ``#tag`` and found with ``+tag``, so it is made of what
those can carry: words of letters and digits, joined by spaces, hyphens,
underscores or dots (all stored as "-"), a final "+" or "#" kept as in
C++ or C#. Spelling is normalised the way automatic tags are ("Open Source" is
"open-source", "LLMs" is "llm"); anything else ("bad#tag", "a,b", "R&D")
is refused with a message saying which character, rather than stored as a
mangled tag the user never typed ("bad#-tag").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection

from store.errors import UsageError
from store.index.tagids import MAX_TAG_CHARS, as_tag_id, normalize_tag
from store.index.tokens import raw_tokens
from store.text import screen_line

__all__ = ["check_spelled", "user_tag"]

_JOINERS = frozenset(" -_.")
_APOSTROPHES = frozenset("'\u2019")
_SUFFIXES = frozenset("+#")
_RULE = "a tag is letters and digits, words joined by spaces or -"


def user_tag(typed: str, known: Callable[[], Collection[str]] | None = None) -> str:
    """The canonical spelling, so "Open Source" is the automatic "open-source".

    ``normalize_tag`` refuses chrome and generic words as *automatic* tags; the
    user may still want one ("post", "todo"), so those fall back to their
    words joined by "-". A leading "#" (how tags are shown) is dropped.
    Returns "" when nothing was typed; raises ``UsageError`` naming the
    problem when the text cannot be a tag.

    ``known`` gives the library's tags, asked only for text spelled as an id
    that a camel-case name keeps whole ("cocoapods", the id of "CocoaPods"):
    typed in lower case it reads like a plural ("cocoapod"), so it is the
    name's tag when the library has that tag, the plural's singular otherwise.
    """
    text = " ".join(typed.split())
    if text.startswith("#"):
        text = text[1:].strip()
    if not text:
        return ""
    problem = _problem(text)
    if problem:
        raise UsageError(f"{_quoted(typed)} is not a tag: {problem}")
    words = raw_tokens(text)
    if not words:
        raise UsageError(f"{_quoted(typed)} is not a tag: a tag needs a letter or a digit")
    joined = "-".join(words)
    spelled = normalize_tag(text) or joined
    if (
        known is not None
        and spelled != joined
        and as_tag_id(joined) == joined
        and joined in known()
    ):
        spelled = joined  # a camel-case name's id the library has (see above)
    if len(spelled) > MAX_TAG_CHARS:
        raise UsageError(
            f"{_quoted(typed)} is not a tag: a tag has at most {MAX_TAG_CHARS} characters"
        )
    return spelled


def check_spelled(tag: str) -> None:
    """Raise ``UsageError`` unless ``tag`` is already a stored spelling (``user_tag(tag) == tag``)."""
    spelled = user_tag(tag)
    if spelled != tag and as_tag_id(tag) != tag:  # a camel-case name's id ("cocoapods") is one
        raise UsageError(
            f"{_quoted(tag)} is not a tag as the store spells it ({spelled or 'nothing'})"
        )


def _problem(text: str) -> str:
    """Why ``text`` cannot be a tag ("" when it can): the characters that do not fit."""
    bad: list[str] = []
    misplaced: list[str] = []
    for i, ch in enumerate(text):
        if ch.isalnum() or ch in _JOINERS or ch in _APOSTROPHES:
            continue
        if unicodedata.category(ch).startswith("M"):  # accents, vowel signs: part of a letter
            continue
        if ch in _SUFFIXES:
            after_word = i > 0 and (text[i - 1].isalnum() or text[i - 1] in _SUFFIXES)
            ends_word = i + 1 == len(text) or text[i + 1] in _JOINERS or text[i + 1] in _SUFFIXES
            if after_word and ends_word:
                continue
            if ch not in misplaced:
                misplaced.append(ch)
            continue
        if ch not in bad:
            bad.append(ch)
    if bad:
        shown = " ".join(_char(c) for c in bad[:5])
        return f"{shown} cannot be part of a tag ({_RULE})"
    if misplaced:
        shown = " or ".join(f'"{c}"' for c in misplaced)
        return f"{shown} may only end a word, as in C++ or C# ({_RULE})"
    return ""


def _char(c: str) -> str:
    """A character as the message shows it: invisible ones by their code point."""
    if c.isprintable() and not c.isspace():
        return f'"{c}"'
    return f"U+{ord(c):04X}"


def _quoted(typed: str) -> str:
    """What the user typed, safe to print (no escapes or controls), cut when long."""
    shown = screen_line(typed)
    return f'"{shown[:40]}…"' if len(shown) > 40 else f'"{shown}"'
