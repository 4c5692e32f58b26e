"""The automatic tags a pending derivation will give, known before it runs.

Readable-first saving (``store.sync.derive``) stores new entries untagged and
journals them. A tag term (``+ai``, ``-ai``) must give the same rows before
and after their derivation, and the tags derivation gives are not a function
of one entry's text: at most 8 salient ones, a discovered name only once a
second source has it, generic words never. And deriving them can change the
tags of entries derived long ago: a name reaching its second source becomes a
topic and re-tags up to ``topics.MAX_RETAG`` older entries holding it (a
keyword the same way). So the derivation is run here in memory, chunk by
chunk as ``derive_pending`` will run it, with the same code
(``derive_chunk``): the discovery state is a copy, the word index is the
stored one plus the pending entries' own terms (``store.index.pendingscan``,
keyed exactly as the index keys them) once their chunk is reached, and every
tag it would write lands in an overlay. ``projected_tags`` is that overlay:
id -> automatic tags after derivation, for the pending entries and for every
older one whose tags it changes. Search uses it for every row, so its tag
terms answer now what they will answer once derived (an older entry may be
listed under a tag its reader shows only after the derivation).

Cost: one tagging pass over the pending entries, no write, cached per library
generation (``lib.caches``), and paid only by a query with a tag term.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from store.index import wordindex
from store.index.pendingscan import PendingText, pending_text
from store.index.topicstate import STATE_NAME, TagStore
from store.models import Entry, Row
from store.storage.library import Library
from store.storage.pending import Pending, read_pending

if TYPE_CHECKING:  # tagging is loaded by the first tag term with something pending
    from store.index.topics import Prepared
    from store.index.vocabulary import Topics

__all__ = ["auto_postings", "derive_chunk", "projected_tags"]

_CACHE_KEY = "query.pendingtags"


def derive_chunk(lib: Library, p: Pending, topics: Topics | None, store: TagStore) -> list[str]:
    """Tag and index the journal's first chunk into ``store``; returns its ids.

    The one step both the derivation (``store.sync.derive``, the library
    itself) and ``projected_tags`` (an in-memory store) take, so the two
    cannot drift apart.
    """
    from store.index.topics import tag_entries

    ids = p.chunks[0]
    stored = [i for i in ids if i in lib]
    entries = store.get_many(stored) if stored else []
    underived = sum(1 for i in p.new if i in lib)
    preps = store.prepared(entries, topics)
    tagged = tag_entries(entries, lib, topics, preps, underived=underived, store=store)
    store.set_auto_tags({e.id: e.auto_tags for e in tagged})
    return ids


class _DryRun(TagStore):
    """A ``TagStore`` that writes nothing: the state, index and tags live in memory."""

    def __init__(self, lib: Library, state: Any, scan: PendingText) -> None:
        super().__init__(lib)
        self.state = copy.deepcopy(state)
        self.scan = scan
        self.indexed: set[str] = set()  # pending ids whose chunk was reached
        self.tags: dict[str, tuple[str, ...]] = {}
        self.postings: dict[int, set[str]] = {}  # a key -> the pending ids holding it

    def index(self, docs: Iterable[tuple[Entry, str, bytes, str]]) -> None:
        self.indexed.update(d[0].id for d in docs)

    def phrase_ids(self, phrase: str) -> set[str]:
        """The stored index's hits, with the reached pending entries answered by their text.

        Such an entry may be in the stored index with older text (re-ingested
        with new content): the derivation indexes it anew, so its old terms
        no longer count.
        """
        keys = wordindex.query_keys(phrase)
        if not keys:
            return set()
        mine = set.intersection(*map(self._holding, keys)) & self.indexed
        return (wordindex.phrase_ids(self.lib, phrase) - self.indexed) | mine

    def _holding(self, key: int) -> set[str]:
        hit = self.postings.get(key)
        if hit is None:
            hit = self.postings[key] = {i for i, ks in self.scan.keys.items() if key in ks}
        return hit

    def update_state(self, fn: Callable[[Any], Any]) -> None:
        self.state = fn(self.state)

    def get_many(self, ids: Sequence[str]) -> list[Entry]:
        tags = self.tags
        return [
            e.with_(auto_tags=tags[e.id]) if e.id in tags else e for e in self.lib.get_many(ids)
        ]

    def set_auto_tags(self, tags: Mapping[str, Sequence[str]]) -> None:
        self.tags.update((i, tuple(t)) for i, t in tags.items() if i in self.lib)

    def prepared(self, entries: Sequence[Entry], topics: Topics | None) -> list[Prepared | None]:
        """Without the word index's part: nothing is indexed here (``phrase_ids`` scans)."""
        from store.index.topics import prepare
        from store.index.vocabulary import vocabulary_for

        vocab = vocabulary_for(topics)
        return [prepare(e, vocab, index=False) for e in entries]


def _topics() -> Topics:
    """The vocabulary derivation is given (``api.derive_pending``): the shipped one and the config's."""
    from store.config import default_topics, topics_in_force
    from store.index.vocabulary import merge_topics

    return merge_topics(default_topics(), topics_in_force())


def projected_tags(lib: Library) -> dict[str, tuple[str, ...]] | None:
    """Id -> automatic tags once the journal is derived, for the rows it changes.

    None when nothing is pending. The run starts where ``derive_pending``
    would: from the discovery state journalled before an interrupted chunk
    (``begin_chunk``), else the stored one.
    """
    hit = lib.caches.get(_CACHE_KEY)
    if hit is not None and hit[0] == lib.generation:
        cached: dict[str, tuple[str, ...]] | None = hit[1]
        return cached
    p = read_pending(lib)
    scan = pending_text(lib)
    out: dict[str, tuple[str, ...]] | None = None
    if p.chunks and scan is not None:
        state = p.before.get("state") if p.before is not None else lib.read_sidecar(STATE_NAME)
        dry = _DryRun(lib, state, scan)
        topics = _topics()
        while p.chunks:
            p = p.without(derive_chunk(lib, p, topics, dry))
        out = dry.tags
    lib.caches[_CACHE_KEY] = (lib.generation, out)
    return out


def auto_postings(lib: Library, rows: Sequence[Row]) -> dict[str, set[int]]:
    """Compact automatic tag -> positions in ``rows``, with the tags derivation will give."""
    over = projected_tags(lib) or {}
    auto: dict[str, set[int]] = {}
    for i, r in enumerate(rows):
        for t in over.get(r.id, r.auto_tags):
            auto.setdefault(t.replace("-", ""), set()).add(i)
    return auto
