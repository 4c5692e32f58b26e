"""Reading the word index: the loaded segments, their lexicons, prefix completion.

``store.index.wordindex`` is the door (what a query or tagging asks); this is
the loaded state behind it. A ``Reader`` lives in ``lib.caches`` and is
replaced when the manifest's stat changes; segments whose files did not change
are carried over, and lexicons are read only when a prefix is first asked.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.index import lexicon
from store.index.segments import Segment, term_key
from store.index.tokens import singular
from store.index.wordwrite import (
    DIR_NAME,
    MANIFEST,
    empty_manifest,
    lex_name,
    stale_ids,
    valid,
)
from store.storage.library import Library

__all__ = ["Reader", "docs_all", "ids_of", "reader"]

MEMO = 16  # answers kept per kind: typing re-asks the same keys and prefixes


@dataclass
class Live:
    """One segment as the manifest names it: its postings and superseded documents."""

    name: str
    seg: Segment
    dead: frozenset[int]
    has_lex: bool


@dataclass
class Reader:
    """The loaded index: entry id per document number, live segments, small memos."""

    stamp: tuple[int, int, int] | None = None
    ids: list[str] = field(default_factory=list)
    idset: set[str] = field(default_factory=set)
    live: list[Live] = field(default_factory=list)
    cache: dict[str, tuple[int, Segment]] = field(default_factory=dict)
    lexicons: dict[str, list[str]] = field(default_factory=dict)
    checked_generation: int = -1
    checked_len: int = -1
    missing_ids: list[str] = field(default_factory=list)
    stale_ids: list[str] = field(default_factory=list)  # in a segment without a lexicon
    upgrade_failed: bool = False  # a read-only library: do not try again on each query
    titles: dict[str, tuple[frozenset[int], tuple[str, ...]]] = field(default_factory=dict)
    memo: dict[int, set[int]] = field(default_factory=dict)
    prefix_memo: dict[str, list[int]] = field(default_factory=dict)

    def missing(self, lib: Library) -> list[str]:
        """Rows the index does not know (cached per library generation)."""
        if self.checked_generation == lib.generation and self.checked_len == len(lib):
            return self.missing_ids
        self.missing_ids = [r.id for r in lib.rows() if r.id not in self.idset]
        self.checked_generation, self.checked_len = lib.generation, len(lib)
        return self.missing_ids

    def docs(self, key: int) -> set[int]:
        """Live documents holding ``key``; the last few answers are kept (typing re-queries)."""
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        out: set[int] = set()
        for live in self.live:
            p = live.seg.lookup(key)
            if p:
                out.update(p)
                if live.dead:
                    out.difference_update(live.dead)
        _remember(self.memo, key, out)
        return out

    def docs_any(self, keys: Iterable[int]) -> Set[int]:
        """Live documents holding any of ``keys`` (read-only: may be a kept answer).

        A prefix's own word is usually among its completions, and one word
        common to most entries holds nearly every document: a union of a set
        with itself, or a copy of one set, cost 30 ms at 500k entries.
        """
        sets = sorted((self.docs(k) for k in dict.fromkeys(keys)), key=len, reverse=True)
        if not sets:
            return set()
        if len(sets) == 1:
            return sets[0]
        out = set(sets[0])
        for s in sets[1:]:
            out |= s
        return out

    def completions(self, lib: Library, prefix: str) -> list[int]:
        """Keys of the indexed words starting with ``prefix``, most frequent first.

        At most ``lexicon.completion_cap(prefix)`` (why: see there). Frequency is the
        posting count summed over segments, so ranking reads no postings.
        """
        hit = self.prefix_memo.get(prefix)
        if hit is not None:
            return hit
        words: set[str] = set()
        for live in self.live:
            lex = self._lexicon(lib, live)
            if lex:
                words.update(lexicon.completions(lex, prefix))
        keys = sorted({term_key(singular(w)) for w in words})
        cap = lexicon.completion_cap(prefix)
        if len(keys) > cap:
            freq = {k: sum(live.seg.count(k) for live in self.live) for k in keys}
            keys = sorted(keys, key=lambda k: (-freq[k], k))[:cap]
        _remember(self.prefix_memo, prefix, keys)
        return keys

    def _lexicon(self, lib: Library, live: Live) -> list[str]:
        if not live.has_lex:
            return []
        lex = self.lexicons.get(live.name)
        if lex is None:
            try:
                data = (lib.dir / DIR_NAME / lex_name(live.name)).read_bytes()
                lex = lexicon.from_bytes(data)
            except (OSError, ValueError):
                lex = []  # damaged or gone: exact words still answer
            self.lexicons[live.name] = lex
        return lex


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= MEMO:
        memo.pop(next(iter(memo)))
    memo[key] = value


_CACHE_KEY = "wordindex.reader"  # the reader's slot in ``lib.caches``
_RLOCK = threading.Lock()


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def reader(lib: Library) -> Reader:
    """The cached view of the index, reloaded only when the manifest changed."""
    path = lib.dir / MANIFEST
    with _RLOCK:
        r: Reader | None = lib.caches.get(_CACHE_KEY)
        stamp = _stat(path)
        if r is not None and r.stamp == stamp:
            return r
        new = Reader(stamp=stamp)
        if r is not None:
            new.cache, new.lexicons = r.cache, r.lexicons
        try:
            m = lib.read_sidecar(MANIFEST)
        except Exception:
            m = None
        if valid(m):
            try:
                for s in m["segs"]:
                    sstamp = _stat(lib.dir / DIR_NAME / s["name"])
                    hit = new.cache.get(s["name"])
                    if hit is None or hit[0] != hash(sstamp):
                        seg = Segment.from_bytes((lib.dir / DIR_NAME / s["name"]).read_bytes())
                        hit = (hash(sstamp), seg)
                        new.cache[s["name"]] = hit
                        new.lexicons.pop(s["name"], None)
                    dead = frozenset(s.get("del") or ())
                    new.live.append(Live(s["name"], hit[1], dead, "lex" in s))
                new.ids = list(m["ids"])
                new.stale_ids = stale_ids(m)
            except (OSError, ValueError):
                # a segment vanished or is damaged: answer from nothing and let
                # ensure_index rebuild (the manifest is replaced on next write)
                new.live, new.ids, new.stale_ids = [], [], []
                _drop(lib)
        names = {s["name"] for s in m["segs"]} if valid(m) and new.ids else set()
        new.cache = {k: v for k, v in new.cache.items() if k in names}
        new.lexicons = {k: v for k, v in new.lexicons.items() if k in names}
        new.idset = set(new.ids)
        lib.caches[_CACHE_KEY] = new
        return new


def _drop(lib: Library) -> None:
    with contextlib.suppress(Exception):
        lib.write_sidecar(MANIFEST, empty_manifest())


def ids_of(r: Reader, docs: Set[int]) -> set[str]:
    ids = r.ids
    n = len(ids)
    return {ids[d] for d in docs if d < n}


def docs_all(r: Reader, keys: Sequence[int]) -> Set[int]:
    """Documents holding every key (read-only: one key's answer is the kept set itself).

    Rarest first keeps the intersections small.
    """
    sets = sorted((r.docs(k) for k in dict.fromkeys(keys)), key=len)
    if not sets:
        return set()
    result: Set[int] = sets[0]
    for s in sets[1:]:
        if not result:
            break
        result = result & s
    return result
