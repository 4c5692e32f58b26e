"""A name written only as a capitalised plural keeps its plural ("Star Wars", "Rails").

A tag id singularises its last word ("Data Centers" -> "data-center"), and
word frequency keeps the names whose singular is no word ("Texas",
"Reuters": ``names.keeps_plural``). A name whose last word is an everyday
plural ("Star Wars", "Sony Pictures", "Atlantic Records", "Clint Watts",
Ruby on "Rails") passes that test, and would become "star-war". What the
entry writes tells the two apart: a plural is a plural when the text also
has its singular ("a design pattern") or writes it in small letters ("the
design patterns"); a capitalised plural the entry writes no other way is a
name, and its id keeps the plural.

The id is then no longer what ``normalize_tag`` gives its spelling, so the
places that take ids back (``topics``, a query's ``+tag``) use
``kept_plural_id`` rather than normalising it again.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple

from store.index.tagids import normalize_tag
from store.index.tokens import fold, raw_tokens, singular

__all__ = ["Written", "keep_plural", "kept_plural_id", "written"]


class Written(NamedTuple):
    """How an entry writes its words: every word folded, and the ones written in small letters."""

    folded: frozenset[str]
    lower: frozenset[str]


def written(raw: Sequence[Sequence[str]]) -> Written:
    """``Written`` of an entry's tokens as written, by field (``Evidence.raw``)."""
    uniq: set[str] = set().union(*raw)
    return Written(_folded(uniq), frozenset(filter(str.islower, uniq)))


def _folded(words: set[str]) -> frozenset[str]:
    """``fold`` of each word; ASCII words without an apostrophe in one pass.

    ``fold`` of such a word is its casefold, which for ASCII is ``lower``: one
    ``lower`` of the words joined costs a fraction of a call per word (an entry
    writes ~100 distinct words, most of them plain ASCII).
    """
    joined = "\n".join(words)
    if words and joined.isascii() and "'" not in joined:
        folded = joined.lower().split("\n")
        if len(folded) == len(words):  # no word held a newline
            return frozenset(folded)
    return frozenset(map(fold, words))


def keep_plural(tag: str, last: str, text: Written | None) -> str:
    """``tag`` with its last word as written (``last``) when the entry writes it only so.

    ``last`` is the last word of a name found in the entry, capitalised
    ("Wars"); the plural stays when the entry never writes its singular
    ("war", "War") nor the word in small letters ("wars").
    """
    if text is None or not (last[:1].isupper() and last[1:].islower()):
        return tag  # "LLMs", "iPhones": an acronym's or a known name's plural folds
    plural = fold(last)
    sing = singular(plural)
    if sing == plural or tag.rsplit("-", 1)[-1] != sing:
        return tag  # not a plural, or an id that is not its words joined ("deepseek")
    if sing in text.folded or plural in text.lower:
        return tag  # "a design pattern", "the design patterns": a plural
    return tag[: len(tag) - len(sing)] + plural


@functools.lru_cache(maxsize=65_536)
def kept_plural_id(tag: str) -> bool:
    """Whether ``tag`` is an id ``keep_plural`` made: its words joined, a plural ``normalize_tag`` folds."""
    words = raw_tokens(tag)
    if not words or "-".join(words) != tag:
        return False
    sing = singular(words[-1])
    return sing != words[-1] and normalize_tag(tag) == "-".join([*words[:-1], sing])
