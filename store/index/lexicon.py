"""The word index's lexicon: the words each segment holds, sorted, so a prefix is a bisect.

Why a lexicon: segments key terms by a 64-bit hash (``segments.term_key``),
which answers "which entries hold *this* word" and nothing about "words
starting with *litho*". Each segment therefore gets a lexicon file beside it:
its distinct words as folded text, plurals kept ("companies", not
"company"), so that every prefix of a word as typed finds it. A word's
postings are those of ``term_key(singular(word))``, computed when a query
asks, so the file holds text only.

A lexicon file (``seg-N.lex`` beside ``seg-N.bin``)::

    b"DTWL1\\n" | words, UTF-8, sorted, one a line

It is written (atomically) before the manifest names it, like its segment,
so a crash leaves either the old index or the new one whole. A segment whose
manifest record has no ``lex`` was written by an older release: its entries
are indexed again on first use (``store.index.wordindex.catch_up``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

__all__ = [
    "MAX_COMPLETIONS",
    "completion_cap",
    "completions",
    "from_bytes",
    "merged",
    "to_bytes",
]

MAGIC = b"DTWL1\n"
# A prefix expands to at most this many words, the most frequent first. Why a
# cap: a short prefix ("co", one typed letter in the live filter) completes to
# thousands of words whose postings would all be read and unioned on every
# keystroke; the 200 most frequent hold nearly every entry such a prefix
# finds, and typing one more letter narrows the completions under the cap.
MAX_COMPLETIONS = 200
# One or two typed letters (only the live filter asks those) complete to the
# library's commonest words, whose long postings made a first keystroke cost
# ~140 ms at 20k entries with 200; 20 still fill the list, and the next
# letter narrows it.
SHORT_COMPLETIONS = 20
SHORT_PREFIX = 3  # a prefix shorter than this is "short"


def completion_cap(prefix: str) -> int:
    """How many words ``prefix`` may expand to (see ``MAX_COMPLETIONS``)."""
    return MAX_COMPLETIONS if len(prefix) >= SHORT_PREFIX else SHORT_COMPLETIONS


def to_bytes(words: Iterable[str]) -> bytes:
    """A lexicon file's bytes: the distinct words, sorted, one a line."""
    return MAGIC + "\n".join(sorted(set(words))).encode("utf-8", "surrogatepass")


def from_bytes(data: bytes) -> list[str]:
    """The sorted words of a lexicon file; ``ValueError`` when it is not one."""
    if not data.startswith(MAGIC):
        raise ValueError("not a word index lexicon")
    body = data[len(MAGIC) :].decode("utf-8", "surrogatepass")
    return body.split("\n") if body else []


def merged(lexicons: Iterable[Sequence[str]]) -> list[str]:
    """One sorted lexicon of several (a merge of segments)."""
    out: set[str] = set()
    for lex in lexicons:
        out.update(lex)
    return sorted(out)


def completions(lex: Sequence[str], prefix: str) -> list[str]:
    """The words of a sorted lexicon that start with ``prefix`` (``prefix`` itself included)."""
    if not prefix:
        return []
    i = bisect_left(lex, prefix)
    out: list[str] = []
    n = len(lex)
    while i < n and lex[i].startswith(prefix):
        out.append(lex[i])
        i += 1
    return out
