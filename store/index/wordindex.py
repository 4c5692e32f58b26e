"""The search index: an inverted word index kept in immutable segment files.

Why segments: a query must not read bodies, and an ingest must not rewrite
the whole index. Each ingest batch writes one new *segment* (the postings of
just its entries; the format is in ``store.index.segments``); a small JSON
*manifest* lists the segments, gives every entry a document number and
records which documents a later segment superseded. When segments pile up,
the small ones are merged into one (log-structured, as Lucene does), so the
amortised cost per entry stays flat.

Terms are the folded, singular tokens of ``store.index.tokens.tokenize`` (so
case, accents and plurals do not matter) plus adjacent pairs of non-stop-words
("open source"), which answer quoted phrases without positions. A phrase
containing stop words ("chain of thought") is matched on its words and its
non-stop pairs: close to exact, never a body scan.

Everything is written with ``write_bytes_atomic`` while holding the library's
write lock (through ``Library.update_sidecar``), and readers cache loaded
segments in ``lib.caches`` keyed by the manifest's stat, so a query after the
first costs a ``stat`` and a few ``bisect`` calls.
"""

from __future__ import annotations

import contextlib
import os
import threading
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.index.segments import Segment, invert, term_key
from store.index.tokens import entry_text, tokenize
from store.index.wordlists import stop_words
from store.models import Entry, short_hash
from store.storage.atomic import write_bytes_atomic
from store.storage.library import Library

__all__ = [
    "add_entries",
    "add_prepared",
    "ensure_index",
    "phrase_ids",
    "search",
    "search_docs",
]

DIR_NAME = "words"
MANIFEST = f"{DIR_NAME}/manifest.json"
VERSION = 1
MAX_SEGMENTS = 12
CATCH_UP_BATCH = 2000
# a query indexes at most this many unindexed rows itself (loading their
# content); beyond it, those rows are matched on their titles only, and the
# full rebuild is left to ``ensure_index`` (doctor / an explicit command)
IMPLICIT_CATCH_UP = 2000


_KEYS: dict[str, int] = {}
MAX_CACHED_KEYS = 300_000


def _term_keys(terms: Iterable[str]) -> set[int]:
    """``term_key`` of many terms, memoised in a plain dict (bounded: cleared when full)."""
    kc = _KEYS
    try:
        return {kc[t] for t in terms}
    except KeyError:
        if len(kc) > MAX_CACHED_KEYS:
            kc.clear()
        for t in terms:
            if t not in kc:
                kc[t] = term_key(t)
        return {kc[t] for t in terms}


def doc_terms(text: str) -> set[int]:
    """The keys a document is found by: its words and its non-stop word pairs."""
    return token_terms(tokenize(text))


def token_terms(toks: Sequence[str]) -> set[int]:
    """``doc_terms`` of already tokenised text (tagging tokenises once for both).

    Keys are memoised per term: words and common pairs recur across entries,
    and hashing is most of the cost of indexing a feed item.
    """
    stop = stop_words()
    terms = set(toks)
    pairs = zip(toks, toks[1:], strict=False)
    terms.update([f"{a} {b}" for a, b in pairs if a not in stop and b not in stop])
    return _term_keys(terms)


def query_keys(phrase: str) -> list[int]:
    """The keys that must all be present for ``phrase`` to match."""
    toks = tokenize(phrase)
    stop = stop_words()
    keys = [term_key(t) for t in dict.fromkeys(toks)]
    for a, b in zip(toks, toks[1:], strict=False):
        if a not in stop and b not in stop:
            keys.append(term_key(a + " " + b))
    return keys


# --------------------------------------------------------------------------
# segments
# --------------------------------------------------------------------------


def _empty_manifest() -> dict[str, Any]:
    return {"v": VERSION, "ids": [], "h": [], "s": [], "segs": [], "seq": 0}


def _valid(m: Any) -> bool:
    return (
        isinstance(m, dict)
        and m.get("v") == VERSION
        and all(isinstance(m.get(k), list) for k in ("ids", "h", "s", "segs"))
        and len(m["ids"]) == len(m["h"]) == len(m["s"])
    )


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------


def add_entries(lib: Library, entries: Sequence[Entry]) -> int:
    """Index new or changed entries as one new segment; returns how many."""
    docs = []
    for e in entries:
        text = entry_text(e)
        docs.append((e.id, short_hash(text, length=10), text))
    return _add_texts(lib, docs)


def add_prepared(lib: Library, docs: Sequence[tuple[str, str, bytes]]) -> int:
    """``add_entries`` for (id, text hash, term keys) computed where the entry was parsed.

    The keys are ``doc_terms`` packed as ``array("Q").tobytes()``: tagging's
    ``prepare`` step runs in the parse workers, so the main process only
    merges postings.
    """
    return _add_texts(lib, docs)


def _packed_terms(src: str | bytes) -> bytes:
    """A document's term keys packed as ``array("Q")``: from its text, or as ``prepare`` sent them."""
    return array("Q", doc_terms(src)).tobytes() if isinstance(src, str) else src


def _add_texts(lib: Library, docs: Sequence[tuple[str, str, str | bytes]]) -> int:
    """Index (id, text hash, text | packed keys); an unchanged hash is skipped."""
    if not docs:
        return 0
    done: list[int] = []
    obsolete: list[str] = []

    def update(data: Any) -> dict[str, Any]:
        m = data if _valid(data) else _empty_manifest()
        ids: list[str] = m["ids"]
        idmap = {eid: i for i, eid in enumerate(ids)}
        segs: list[dict[str, Any]] = m["segs"]
        seg_by_name = {s["name"]: s for s in segs}
        seq = int(m["seq"]) + 1
        name = f"seg-{seq:08d}.bin"
        packed: list[bytes] = []
        counts: list[int] = []
        numbers: list[int] = []
        n = 0
        seen: set[str] = set()
        for eid, h, src in docs:
            if eid in seen:
                continue
            seen.add(eid)
            dn = idmap.get(eid)
            if dn is not None and m["h"][dn] == h and m["s"][dn] in seg_by_name:
                continue
            if dn is None:
                dn = len(ids)
                ids.append(eid)
                m["h"].append(h)
                m["s"].append(name)
                idmap[eid] = dn
            else:
                old = seg_by_name.get(m["s"][dn])
                if old is not None:
                    old.setdefault("del", []).append(dn)
                m["h"][dn] = h
                m["s"][dn] = name
            keys = _packed_terms(src)
            packed.append(keys)
            counts.append(len(keys) // 8)
            numbers.append(dn)
            n += 1
        done.append(n)
        if not n:
            return m
        import numpy as np

        seg = invert(
            np.frombuffer(b"".join(packed), dtype=np.uint64),
            np.repeat(np.array(numbers, dtype=np.uint32), counts),
        )
        write_bytes_atomic(lib.dir / DIR_NAME / name, seg.to_bytes())
        segs.append({"name": name, "n": n, "p": len(seg.post), "del": []})
        m["seq"] = seq
        if len(segs) > MAX_SEGMENTS:
            obsolete.extend(_merge_small(lib, m, seq + 1))
        return m

    lib.update_sidecar(MANIFEST, update)
    for name in obsolete:  # after the manifest stopped naming them
        with contextlib.suppress(OSError):
            os.unlink(lib.dir / DIR_NAME / name)
    return done[0] if done else 0


def _merge_small(lib: Library, m: dict[str, Any], seq: int) -> list[str]:
    """Merge every segment smaller than a quarter of the largest into one."""
    segs: list[dict[str, Any]] = m["segs"]
    largest = max(int(s.get("p", 0)) for s in segs)
    small = [s for s in segs if int(s.get("p", 0)) * 4 < largest]
    if len(small) < 2:
        small = list(segs)
    import numpy as np

    name = f"seg-{seq:08d}.bin"
    all_keys, all_docs = [], []
    n = 0
    for s in small:
        seg = Segment.from_bytes((lib.dir / DIR_NAME / s["name"]).read_bytes())
        n += int(s.get("n", 0))
        offs = np.frombuffer(seg.offs, dtype=np.uint32).astype(np.int64)
        keys = np.repeat(np.frombuffer(seg.keys, dtype=np.uint64), np.diff(offs))
        docs = np.frombuffer(seg.post, dtype=np.uint32)
        dead = s.get("del")
        if dead:
            live = ~np.isin(docs, np.array(dead, dtype=np.uint32))
            keys, docs = keys[live], docs[live]
        all_keys.append(keys)
        all_docs.append(docs)
    merged = invert(np.concatenate(all_keys), np.concatenate(all_docs))
    write_bytes_atomic(lib.dir / DIR_NAME / name, merged.to_bytes())
    gone = {s["name"] for s in small}
    m["s"] = [name if s in gone else s for s in m["s"]]
    m["segs"] = [s for s in segs if s["name"] not in gone] + [
        {"name": name, "n": n, "p": len(merged.post), "del": []}
    ]
    m["seq"] = seq
    return sorted(gone)


def ensure_index(lib: Library) -> int:
    """Index rows the index does not know (saved without ``tag_entries``).

    Loads only the missing entries' content, in batches; returns how many.
    """
    reader = _reader(lib)
    missing = reader.missing(lib)
    for i in range(0, len(missing), CATCH_UP_BATCH):
        part = lib.get_many(missing[i : i + CATCH_UP_BATCH])
        add_entries(lib, part)
    if missing:
        reader = _reader(lib)
    reader.missing_ids = []
    reader.checked_generation, reader.checked_len = lib.generation, len(lib)
    return len(missing)


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------


@dataclass
class Reader:
    """The loaded index: entry id per document number, live segments, small memos.

    Kept in ``lib.caches`` and replaced when the manifest's stat changes;
    segments whose files did not change are carried over, not re-read.
    """

    stamp: tuple[int, int, int] | None = None
    ids: list[str] = field(default_factory=list)
    idset: set[str] = field(default_factory=set)
    live: list[tuple[Segment, frozenset[int]]] = field(default_factory=list)
    cache: dict[str, tuple[int, Segment]] = field(default_factory=dict)
    checked_generation: int = -1
    checked_len: int = -1
    missing_ids: list[str] = field(default_factory=list)
    title_keys: dict[str, frozenset[int]] = field(default_factory=dict)
    memo: dict[int, set[int]] = field(default_factory=dict)

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
        for seg, dead in self.live:
            p = seg.lookup(key)
            if p:
                out.update(p)
                if dead:
                    out.difference_update(dead)
        if len(self.memo) >= 16:
            self.memo.pop(next(iter(self.memo)))
        self.memo[key] = out
        return out

    def title_hits(self, lib: Library, keys: Sequence[int]) -> set[str]:
        """Unindexed rows whose *title* has every key: no content is read."""
        need = set(keys)
        out: set[str] = set()
        for eid in self.missing_ids:
            ks = self.title_keys.get(eid)
            if ks is None:
                try:
                    title = lib.row(eid).title
                except Exception:
                    continue
                ks = self.title_keys[eid] = frozenset(doc_terms(title or ""))
            if need <= ks:
                out.add(eid)
        return out


_CACHE_KEY = "wordindex.reader"  # the reader's slot in ``lib.caches``
_RLOCK = threading.Lock()


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _reader(lib: Library) -> Reader:
    """The cached view of the index, reloaded only when the manifest changed."""
    path = lib.dir / MANIFEST
    with _RLOCK:
        r: Reader | None = lib.caches.get(_CACHE_KEY)
        stamp = _stat(path)
        if r is not None and r.stamp == stamp:
            return r
        new = Reader(stamp=stamp)
        if r is not None:
            new.cache = r.cache
        try:
            m = lib.read_sidecar(MANIFEST)
        except Exception:
            m = None
        if _valid(m):
            try:
                for s in m["segs"]:
                    sstamp = _stat(lib.dir / DIR_NAME / s["name"])
                    hit = new.cache.get(s["name"])
                    if hit is None or hit[0] != hash(sstamp):
                        seg = Segment.from_bytes((lib.dir / DIR_NAME / s["name"]).read_bytes())
                        hit = (hash(sstamp), seg)
                        new.cache[s["name"]] = hit
                    new.live.append((hit[1], frozenset(s.get("del") or ())))
                new.ids = list(m["ids"])
            except (OSError, ValueError):
                # a segment vanished or is damaged: answer from nothing and let
                # ensure_index rebuild (the manifest is replaced on next write)
                new.live, new.ids = [], []
                _drop(lib)
        names = {s["name"] for s in m["segs"]} if _valid(m) and new.ids else set()
        new.cache = {k: v for k, v in new.cache.items() if k in names}
        new.idset = set(new.ids)
        lib.caches[_CACHE_KEY] = new
        return new


def _drop(lib: Library) -> None:
    with contextlib.suppress(Exception):
        lib.write_sidecar(MANIFEST, _empty_manifest())


def _ids_of(reader: Reader, docs: set[int]) -> set[str]:
    ids = reader.ids
    n = len(ids)
    return {ids[d] for d in docs if d < n}


def _docs_all(reader: Reader, keys: Sequence[int]) -> set[int]:
    result: set[int] | None = None
    # rarest first keeps the intersections small
    sets = sorted((reader.docs(k) for k in dict.fromkeys(keys)), key=len)
    for s in sets:
        result = set(s) if result is None else result & s
        if not result:
            return set()
    return result or set()


def catch_up(lib: Library) -> Reader:
    """The reader, after indexing a *bounded* number of unindexed rows.

    A few rows saved without ``tag_entries`` are indexed on the spot; a
    library missing most of its index (an old one, a deleted ``words/``) is
    never rebuilt implicitly by a query (that read every content shard: 493 s
    at 100k). Its unindexed rows are matched on their titles instead.
    """
    reader = _reader(lib)
    missing = reader.missing(lib)
    if missing and len(missing) <= IMPLICIT_CATCH_UP:
        ensure_index(lib)
        reader = _reader(lib)
        reader.missing(lib)
    return reader


def search_docs(lib: Library, phrases: Sequence[str]) -> tuple[Reader, set[int], set[str]] | None:
    """(reader, documents with every word / phrase, unindexed ids matched on titles).

    None when the phrases hold nothing to look up. ``reader.ids[doc]`` is a
    document's entry id; ``store.index.query`` keeps documents as numbers so that
    intersections stay integer set operations.
    """
    keys: list[int] = []
    for p in phrases:
        keys += query_keys(p)
    if not keys:
        return None
    reader = catch_up(lib)
    extra = reader.title_hits(lib, keys) if reader.missing_ids else set()
    return reader, _docs_all(reader, keys), extra


def search(lib: Library, phrases: Sequence[str]) -> set[str] | None:
    """Ids of entries containing every word / phrase; None when nothing to look up."""
    found = search_docs(lib, phrases)
    if found is None:
        return None
    reader, docs, extra = found
    return _ids_of(reader, docs) | extra


def phrase_ids(lib: Library, phrase: str) -> set[str]:
    """Ids of entries containing ``phrase`` (no catch-up: used during ingest)."""
    keys = query_keys(phrase)
    if not keys:
        return set()
    reader = _reader(lib)
    return _ids_of(reader, _docs_all(reader, keys))
