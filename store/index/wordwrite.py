"""Writing the word index: one new segment (and its lexicon) a batch, small ones merged.

``store.index.wordindex`` decides what a document's terms are; this module
only files them. Order of writes, all with ``write_bytes_atomic`` and under
the library's write lock (inside ``Library.update_sidecar``): the segment,
then its lexicon, then the manifest that names both. A crash before the
manifest is replaced leaves files no manifest names: never read, and
overwritten by the next batch (which takes the same sequence number). After
it, everything the manifest names exists.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from typing import Any

from store.index import lexicon
from store.index.segments import Segment, invert, invert_packed, term_key
from store.index.tokens import singular
from store.storage.atomic import write_bytes_atomic
from store.storage.library import Library

__all__ = [
    "DIR_NAME",
    "MANIFEST",
    "MAX_SEGMENTS",
    "Doc",
    "empty_manifest",
    "stale_ids",
    "valid",
    "warm",
    "write_docs",
]

DIR_NAME = "words"
MANIFEST = f"{DIR_NAME}/manifest.json"
VERSION = 1
MAX_SEGMENTS = 12

# (entry id, hash of what was indexed, term keys packed as array("Q"), its words
# newline-joined)
Doc = tuple[str, str, bytes, str]


def empty_manifest() -> dict[str, Any]:
    return {"v": VERSION, "ids": [], "h": [], "s": [], "segs": [], "seq": 0}


def valid(m: Any) -> bool:
    return (
        isinstance(m, dict)
        and m.get("v") == VERSION
        and all(isinstance(m.get(k), list) for k in ("ids", "h", "s", "segs"))
        and len(m["ids"]) == len(m["h"]) == len(m["s"])
    )


def warm() -> None:
    """Import what writing a large segment needs (numpy) ahead of the first write
    (a small one is inverted without it: ``segments.invert_packed``)."""
    import numpy  # noqa: F401


def lex_name(seg_name: str) -> str:
    """The lexicon file beside a segment file."""
    return seg_name.removesuffix(".bin") + ".lex"


def stale_ids(m: dict[str, Any]) -> list[str]:
    """The ids of a valid manifest's documents in a segment without a lexicon (an
    older release's): what ``Reader.stale_ids`` holds, from the manifest alone."""
    old = {s["name"] for s in m["segs"] if "lex" not in s}
    return [i for i, s in zip(m["ids"], m["s"], strict=True) if s in old] if old else []


def write_docs(lib: Library, docs: Sequence[Doc], stale: list[str] | None = None) -> int:
    """Index documents as one new segment; an unchanged hash is skipped; returns how many.

    A document whose segment has no lexicon (written by an older release) is
    indexed again even when its hash is the same: that is how old libraries
    gain prefix search and show names. ``stale`` is filled with the ids still
    in such segments after this write (``stale_ids``), from the manifest in hand:
    asking the index's reader loaded every segment and parsed the manifest again
    (18 ms of a daily refresh's commit at 10k entries, more with every entry).
    """
    if not docs:
        if stale is not None:
            m = lib.read_sidecar(MANIFEST)
            stale[:] = stale_ids(m) if valid(m) else []
        return 0
    done: list[int] = []
    obsolete: list[str] = []

    def update(data: Any) -> dict[str, Any]:
        m = data if valid(data) else empty_manifest()
        ids: list[str] = m["ids"]
        idmap = {eid: i for i, eid in enumerate(ids)}
        segs: list[dict[str, Any]] = m["segs"]
        seg_by_name = {s["name"]: s for s in segs}
        seq = int(m["seq"]) + 1
        name = f"seg-{seq:08d}.bin"
        packed: list[bytes] = []
        numbers: list[int] = []
        words: set[str] = set()
        last = {d[0]: d for d in docs}  # an id twice in a batch: the later copy, as saved
        for eid, h, keys, doc_words in last.values():
            dn = idmap.get(eid)
            old = seg_by_name.get(m["s"][dn]) if dn is not None else None
            if dn is not None and m["h"][dn] == h and old is not None and "lex" in old:
                continue
            if dn is None:
                dn = len(ids)
                ids.append(eid)
                m["h"].append(h)
                m["s"].append(name)
                idmap[eid] = dn
            else:
                if old is not None:
                    old.setdefault("del", []).append(dn)
                m["h"][dn] = h
                m["s"][dn] = name
            packed.append(keys)
            numbers.append(dn)
            words.update(doc_words.split("\n"))
        done.append(len(numbers))
        if not numbers:
            return m
        seg = invert_packed(packed, numbers)
        write_bytes_atomic(lib.dir / DIR_NAME / name, seg.to_bytes())
        words.discard("")
        write_bytes_atomic(lib.dir / DIR_NAME / lex_name(name), lexicon.to_bytes(words))
        segs.append({"name": name, "n": len(numbers), "p": len(seg.post), "del": [], "lex": 1})
        m["seq"] = seq
        if len(segs) > MAX_SEGMENTS:
            obsolete.extend(_merge_small(lib, m, seq + 1))
        return m

    m = lib.update_sidecar(MANIFEST, update)
    if stale is not None:
        stale[:] = stale_ids(m)
    for gone in obsolete:  # after the manifest stopped naming them
        for path in (gone, lex_name(gone)):
            with contextlib.suppress(OSError):
                os.unlink(lib.dir / DIR_NAME / path)
    return done[0] if done else 0


def _merge_small(lib: Library, m: dict[str, Any], seq: int) -> list[str]:
    """Merge every segment smaller than a quarter of the largest into one.

    The merged lexicon keeps only words whose postings survived (superseded
    documents' words go), and exists only if every merged part had one.
    """
    segs: list[dict[str, Any]] = m["segs"]
    largest = max(int(s.get("p", 0)) for s in segs)
    small = [s for s in segs if int(s.get("p", 0)) * 4 < largest]
    if len(small) < 2:
        small = list(segs)
    import numpy as np

    name = f"seg-{seq:08d}.bin"
    all_keys, all_docs = [], []
    lexicons: list[list[str]] | None = []
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
        if lexicons is not None and "lex" in s:
            lex_path = lib.dir / DIR_NAME / lex_name(s["name"])
            lexicons.append(lexicon.from_bytes(lex_path.read_bytes()))
        else:
            lexicons = None
    merged = invert(np.concatenate(all_keys), np.concatenate(all_docs))
    write_bytes_atomic(lib.dir / DIR_NAME / name, merged.to_bytes())
    record: dict[str, Any] = {"name": name, "n": n, "p": len(merged.post), "del": []}
    if lexicons is not None:
        words = lexicon.merged(lexicons)
        present = set(merged.keys)
        kept = [w for w in words if term_key(singular(w)) in present]
        write_bytes_atomic(lib.dir / DIR_NAME / lex_name(name), lexicon.to_bytes(kept))
        record["lex"] = 1
    gone = {s["name"] for s in small}
    m["s"] = [name if s in gone else s for s in m["s"]]
    m["segs"] = [s for s in segs if s["name"] not in gone] + [record]
    m["seq"] = seq
    return sorted(gone)
