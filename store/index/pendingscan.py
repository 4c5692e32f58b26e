"""Search over entries stored but not derived yet: a scan of their text.

Readable-first saving (``store.sync.derive``) leaves new entries out of the
word index and without automatic tags until their chunk is derived. So that a
search is complete meanwhile, ``store.index.query`` asks this module which of
the journalled entries (``store.storage.pending``) hold a word, phrase or
prefix, computed exactly as the word index keys a document (``entry_text``
plus the show and source names, singular words and their pairs). Tag terms
are answered by the tags derivation will give (``store.index.pendingtags``,
which uses these keys as the word index the derivation writes).
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from store.index.segments import term_key
from store.index.tokens import entry_text, raw_tokens, singular
from store.index.wordindex import Reader, query_keys, token_terms
from store.storage.library import Library
from store.storage.pending import read_pending

__all__ = ["PendingText", "pending_text"]

_CACHE_KEY = "query.pending"


@dataclass(frozen=True, slots=True)
class PendingText:
    """Each underived entry's term keys and words as written, by id."""

    keys: dict[str, frozenset[int]]
    words: dict[str, tuple[str, ...]]
    memo: dict[str, tuple[Reader, set[int]]] = field(default_factory=dict, compare=False)

    def merge(
        self,
        reader: Reader,
        docs: Set[int],
        extra: set[str],
        phrases: Sequence[str],
        prefixes: Sequence[str],
    ) -> tuple[Set[int], set[str]]:
        """A word-index answer (documents, unindexed ids) with underived entries answered by
        their text alone.

        Such an entry may be in the index with older text (a changed feed item
        keeps its id), or matched on its title as an unindexed row: its
        derivation replaces both, so only its text as stored now counts.
        """
        mine = self._docs(reader)
        return (docs - mine if mine else docs), (extra - self.keys.keys()) | self.matching(
            phrases, prefixes
        )

    def _docs(self, reader: Reader) -> set[int]:
        """The index's documents of underived entries (kept for this reader)."""
        hit = self.memo.get("docs")
        if hit is not None and hit[0] is reader:
            return hit[1]
        mine = self.keys.keys() & reader.idset
        out = {d for d, i in enumerate(reader.ids) if i in mine} if mine else set()
        self.memo["docs"] = (reader, out)
        return out

    def matching(self, phrases: Sequence[str], prefixes: Sequence[str]) -> set[str]:
        """Ids holding every phrase (its keys) and every prefix (a word starting with it)."""
        need: set[int] = set()
        for p in phrases:
            need.update(query_keys(p))
        out: set[str] = set()
        for eid, ks in self.keys.items():
            if need <= ks and all(
                term_key(singular(p)) in ks or any(w.startswith(p) for w in self.words[eid])
                for p in prefixes
            ):
                out.add(eid)
        return out


def pending_text(lib: Library) -> PendingText | None:
    """The underived entries' text terms (None when nothing is pending).

    Cached per library generation: every write that changes the journal also
    writes the index, which moves the generation.
    """
    hit = lib.caches.get(_CACHE_KEY)
    if hit is not None and hit[0] == lib.generation:
        cached: PendingText | None = hit[1]
        return cached
    ids = [i for i in read_pending(lib).ids if i in lib]
    out: PendingText | None = None
    if ids:
        keys: dict[str, frozenset[int]] = {}
        words: dict[str, tuple[str, ...]] = {}
        for e in lib.get_many(sorted(ids)):
            raw = raw_tokens(entry_text(e))
            ks = set(token_terms(list(map(singular, raw))))
            more: list[str] = []
            for name in (e.show, e.source.name):
                if name:
                    nraw = raw_tokens(name)
                    ks |= token_terms(list(map(singular, nraw)))
                    more += nraw
            keys[e.id] = frozenset(ks)
            words[e.id] = (*raw, *more)
        out = PendingText(keys, words)
    lib.caches[_CACHE_KEY] = (lib.generation, out)
    return out
