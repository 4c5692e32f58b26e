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
older one whose tags it changes. Search (``+tag``, ``-tag``, saved searches)
and the navigator's tag listing use it for every row, so they answer now what
they will answer once derived: the choice made for older entries too, so that
results do not change when the derivation lands (such an entry may be listed
under a tag its reader shows only after it; the navigator's tag counts and
related entries stay on stored tags until then).

Cost: one tagging pass over the pending entries without writing (about the
derivation's own CPU time), paid by the first tag term while something is
pending and cached in ``lib.caches``. The run records the library after each
chunk it simulated; when the real derivation commits a chunk and the library
is exactly that step (``_Run.followed``), the run stands, so a tag search
re-listed after every chunk does not tag the rest again.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from store.index import wordindex
from store.index.pendingscan import PendingText, pending_text
from store.index.pluralnames import kept_plural_id
from store.index.tagids import normalize_tag
from store.index.topicstate import STATE_NAME, TagStore
from store.models import Entry, Row
from store.storage.library import Library
from store.storage.pending import Pending, read_pending

if TYPE_CHECKING:  # tagging is loaded by the first tag term with something pending
    from store.index.prepared import Prepared
    from store.index.vocabulary import Topics

__all__ = ["auto_postings", "derive_chunk", "projected_tags", "tag_keys"]

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
        self.start: dict[str, tuple[str, ...]] = {}  # the stored tags of those rows
        self.recent: dict[str, tuple[str, ...]] = {}  # written since the last chunk
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
        for i, t in tags.items():
            if i in self.lib:
                self.start.setdefault(i, self.lib.row(i).auto_tags)
                self.tags[i] = self.recent[i] = tuple(t)

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


@dataclass
class _Run:
    """One in-memory derivation, and how to tell that the real one is following it.

    ``steps[k]`` is the library as ``derive_pending`` leaves it after ``k``
    chunks: the journal, the discovery state (``_digest``) and the tags written
    so far; ``start`` the tags those rows had before, ``ids`` the rows.
    """

    tags: dict[str, tuple[str, ...]]
    ids: frozenset[str]
    start: dict[str, tuple[str, ...]]
    steps: list[tuple[Pending, bytes, dict[str, tuple[str, ...]]]] = field(default_factory=list)

    def followed(self, lib: Library) -> bool:
        """Whether the library is one of ``steps``: the derivation went on as simulated.

        Then what is left to derive gives what the rest of this run gave, and
        the run stands (no second tagging pass per committed chunk while the
        UI re-lists a tag search). Anything else (an ingest, an edit, a
        deletion, a chunk half done) fails one of the checks.
        """
        p = read_pending(lib)
        if not p.chunks or p.before is not None:
            return False
        at = [
            k for k, (j, _s, _d) in enumerate(self.steps) if (j.chunks, j.new) == (p.chunks, p.new)
        ]
        if not at:
            return False
        written: dict[str, tuple[str, ...]] = {}
        for _j, _s, diff in self.steps[: at[0] + 1]:
            written.update(diff)
        state = self.steps[at[0]][1]
        if len(lib) != len(self.ids) or any(r.id not in self.ids for r in lib.rows()):
            return False
        if _digest(lib.read_sidecar(STATE_NAME)) != state:
            return False
        return all(lib.row(i).auto_tags == written.get(i, t) for i, t in self.start.items())


def _digest(state: Any) -> bytes:
    """A discovery state's fingerprint (a run keeps one a chunk, not the state: it is large)."""
    return hashlib.blake2b(json.dumps(state).encode("utf-8"), digest_size=16).digest()


def projected_tags(lib: Library) -> dict[str, tuple[str, ...]] | None:
    """Id -> automatic tags once the journal is derived, for the rows it changes.

    None when nothing is pending. The run starts where ``derive_pending``
    would: from the discovery state journalled before an interrupted chunk
    (``begin_chunk``), else the stored one. Cached per library generation,
    and kept across the generations the derivation itself moves through.
    """
    hit = lib.caches.get(_CACHE_KEY)
    if hit is not None and hit[0] == lib.generation:
        return None if hit[1] is None else hit[1].tags
    run = hit[1] if hit is not None else None
    if run is None or not run.followed(lib):
        run = _project(lib)
    lib.caches[_CACHE_KEY] = (lib.generation, run)
    return None if run is None else run.tags


def _project(lib: Library) -> _Run | None:
    p = read_pending(lib)
    scan = pending_text(lib)
    if not p.chunks or scan is None:
        return None
    state = p.before.get("state") if p.before is not None else lib.read_sidecar(STATE_NAME)
    dry = _DryRun(lib, state, scan)
    run = _Run(dry.tags, frozenset(r.id for r in lib.rows()), dry.start)
    topics = _topics()
    while p.chunks:
        p = p.without(derive_chunk(lib, p, topics, dry))
        run.steps.append((p, _digest(dry.state), dry.recent))
        dry.recent = {}
    return run


def auto_postings(lib: Library, rows: Sequence[Row]) -> dict[str, set[int]]:
    """Compact automatic tag -> positions in ``rows``, with the tags derivation will give.

    Positions are gathered per tag first, then keyed: a library has a few
    thousand distinct tags on a million (row, tag) pairs, so ``tag_keys`` and
    a set per key run once a tag, not once a pair (the first query of a
    process at 500k entries built this).
    """
    over = projected_tags(lib) or {}
    by_tag: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        for t in over.get(r.id, r.auto_tags):
            at = by_tag.get(t)
            if at is None:
                by_tag[t] = [i]
            else:
                at.append(i)
    auto: dict[str, set[int]] = {}
    for t, at in by_tag.items():
        for key in tag_keys(t):
            have = auto.get(key)
            if have is None:
                auto[key] = set(at)
            else:
                have.update(at)
    return auto


def tag_keys(tag: str) -> tuple[str, ...]:
    """The compact forms a query's ``+tag`` meets ``tag`` by ("star-wars": starwars, starwar).

    A name that kept its plural (``pluralnames``: "star-wars") is met by the
    id its words would fold to as well, which is what "+star-wars" and
    "+Star Wars" give (``tagids.as_tag_id``) and what the user's tag is.
    """
    key = tag.replace("-", "")
    if not kept_plural_id(tag):
        return (key,)
    return key, normalize_tag(tag).replace("-", "")
