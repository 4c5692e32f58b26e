"""Text to tokens: the shared bottom of tagging, the word index and the query language.

Everything that compares words (vocabulary matching, discovered topics, the
word index, ``+tag`` and text terms of a query) goes through ``tokenize``, so
case, accents, apostrophes and plurals never decide a match: "DeepSeek's
GPUs" and "deepseek gpu" are the same tokens. Tag ids (``store.index.tagids``)
are built from the same tokens, which is why this sits below them.

Cost: feed text is nearly all plain ASCII, so ``tokenize`` splits it with
``bytes.translate`` (about 4x the token regex) and ``singular`` is memoised.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Protocol

from store.index.wordlists import ies_keep, plural_keep
from store.models import Section

__all__ = [
    "Content",
    "ascii_words",
    "entry_text",
    "fold",
    "raw_tokens",
    "singular",
    "split_ascii",
    "tokenize",
]

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")
_APOSTROPHE = re.compile(r"(?<=\w)['\u2019](?=\w)")
# a token: a decimal number (3.5) or a run of letters/digits, with C++ / C#
_TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+(?:\+\+|#)?")


def fold(text: str) -> str:
    """Casefold, drop accents and apostrophes ("DeepSeek's" -> "deepseek")."""
    if "'" in text or "\u2019" in text:  # most text has none: skip two regex passes
        text = _POSSESSIVE.sub("", text)
        text = _APOSTROPHE.sub("", text)
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text.casefold()


@functools.lru_cache(maxsize=200_000)
def singular(tok: str) -> str:
    """A light, deterministic singular: consistency matters more than grammar."""
    n = len(tok)
    if n <= 3 or not tok.endswith("s") or tok in plural_keep():
        return tok
    if not tok.isalpha():
        # H100s -> h100; other mixed tokens stay as they are
        return tok[:-1] if tok[-2].isdigit() else tok
    if tok.endswith("ies"):
        return tok if n <= 4 or tok in ies_keep() else tok[:-3] + "y"
    if tok.endswith("sses"):
        return tok[:-2]
    if tok.endswith(("ches", "shes", "xes", "zzes")):
        return tok[:-2]
    if tok.endswith(("ss", "is", "ous", "ics")):
        return tok
    return tok[:-1]


# ASCII bytes that are not [a-z0-9] become spaces (folded text has no A-Z)
_ASCII_SEP = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))
# a decimal point before a digit ("3.5"), which ``_TOKEN`` reads as one number:
# one regex pass (a literal-prefix search), where ten substring tests walked the
# text ten times (~30 us of a 3 kB feed item's tokenising, most of it)
_DECIMAL_RE = re.compile(r"\.[0-9]")


def _attached_suffix(f: str) -> bool:
    """Whether a word carries "++" or "#" (C++, C#), which ``_TOKEN`` keeps."""
    for ch in "#+":
        i = f.find(ch, 1)  # one at the start has no word before it (and must not end the search)
        while i > 0:
            if f[i - 1].isalnum():
                return True
            i = f.find(ch, i + 1)
    return False


def _split_folded(f: str) -> list[str]:
    """``_TOKEN.findall`` of folded text; plain ASCII text takes a 4x faster path.

    ``bytes.translate`` + ``split`` gives the same tokens as the regex when
    there is no C++/C# suffix (checked with substring tests, which are
    C-speed), between the decimal numbers the regex reads as one token; text
    whose only non-ASCII characters separate words is read as ASCII
    (``ascii_words``). That is nearly all feed and digest text.
    """
    a = ascii_words(f)
    if a is None or _attached_suffix(a):
        return _TOKEN.findall(f)
    return split_ascii(a, _ASCII_SEP)


def split_ascii(a: str, table: bytes) -> list[str]:
    """The ``_TOKEN`` tokens of ASCII text without "++" or "#" after a word: its
    characters outside ``table``'s kept ones are separators.

    Decimal numbers ("7.1", a digest's section numbers) are tokens of their own
    where one starts a token (no letter or digit before it: "a7.1" is "a7", "1").
    """
    if _DECIMAL_RE.search(a) is None:
        return a.encode("ascii").translate(table).decode("ascii").split()
    out: list[str] = []
    for i, piece in enumerate(_DECIMAL_TOKEN.split(a)):
        if i & 1:
            out.append(piece)
        elif piece:
            out += piece.encode("ascii").translate(table).decode("ascii").split()
    return out


# a digit first, then whether a letter or digit stood before it: a pattern that
# starts with its character class is scanned for it in C (the look-behind first
# was tried at every position: 2.6x slower on digest text)
_DECIMAL_TOKEN = re.compile(r"([0-9](?<![A-Za-z0-9][0-9])[0-9]*(?:\.[0-9]+)+)")


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def ascii_words(text: str) -> str | None:
    r"""``text`` with its non-ASCII characters as spaces, when none of them is a word
    character; else None.

    Curly quotes, dashes, ellipses and emoji separate words as a space does
    (none is a letter or digit, ``[^\W_]``), so such text tokenises as its
    ASCII form: the fast path of ``_split_folded`` and ``evidence``, which most
    real feed text (typographic quotes) and every digest (emoji) otherwise missed.
    A letter or digit outside ASCII ("ß", "ø", CJK, "²") keeps the regex.
    """
    if text.isascii():
        return text
    if any(map(str.isalnum, "".join(_NON_ASCII.findall(text)))):  # any one character
        return None
    return _NON_ASCII.sub(" ", text)


def tokenize(text: str) -> list[str]:
    """Folded, singular word tokens: the unit of matching, search and tags."""
    return list(map(singular, _split_folded(fold(text))))


def raw_tokens(text: str) -> list[str]:
    """Folded tokens, plurals kept: what a tag id is built from (its last word is singularised)."""
    return _split_folded(fold(text))


class Content(Protocol):
    """The content fields ``entry_text`` reads: an ``Entry`` or a parser's ``ParsedEntry``."""

    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def key_points(self) -> tuple[str, ...]: ...
    @property
    def sections(self) -> tuple[Section, ...]: ...
    @property
    def body(self) -> str: ...


def _section_parts(sections: Iterable[Section]) -> Iterator[str]:
    for s in sections:
        yield s.title
        yield from s.bullets
        if s.text:
            yield s.text
        yield from _section_parts(s.sections)


def entry_text(e: Content) -> str:
    """What tagging and search read: title, summary, key points, sections, body.

    Replies are left out: they are other people's comments, often off-topic.
    """
    body = e.body
    parts = [e.summary, *e.key_points, *_section_parts(e.sections)]
    if body:
        # A feed item's body is its whole flattened text, structure included:
        # reading those parts twice doubled tokenising and hashing and added
        # nothing (the index keeps sets).
        parts = [p for p in parts if p and not _has_words(body, p)]
    return "\n".join(p for p in (e.title, *parts, body) if p)


@functools.lru_cache(maxsize=128)
def _has_words(text: str, part: str) -> bool:
    """``part`` occurs in ``text`` as whole words ("LLM" is not in "LLMOps").

    Memoised (the last few entries' parts): ``entry_text`` and tagging's
    ``evidence.fields`` ask it of the same body and parts, one after the other
    (~40 parts an entry of a structured digest; the second asking costs nothing).
    """
    i = text.find(part)
    while i >= 0:
        j = i + len(part)
        if (i == 0 or not text[i - 1].isalnum()) and (j == len(text) or not text[j].isalnum()):
            return True
        i = text.find(part, i + 1)
    return False
