"""Where content signatures live: segment files on disk, one index in memory.

Why lazily, from stored content: signatures are derived data. Whatever wrote
an entry (ingest, refresh, a previous release, the bench's generator), the
first read that needs them (``catch_up``) computes the signatures of rows it
does not know, or whose content hash changed, and keeps them. Tagging and
refresh pay nothing; a refresh of 50 entries costs the next open 50
signatures. A library of another age catches up ``IMPLICIT`` rows per call,
newest first, and completely on an explicit ``catch_up(lib, limit=None)``
(the ``stories`` command).

On disk (``similar/`` in the data dir, written under the library's lock):
``manifest.json`` names the segments in order; each segment
(``sig-NNNNNNNN.json``) holds its own term list and, per entry, its id, the
content hash it was computed from and its (term number, weight x 1000)
pairs. A later segment supersedes an earlier one for the same id. When there
are more than ``MAX_SEGMENTS``, all live signatures are rewritten into one
(amortised: segments pile up only on small refreshes).

In memory (``store.storage.sidecar``: reloaded only when the manifest's stat
changed, extended in place by this process's own writes): term numbers, each
entry's terms and weights, and postings term -> entries, so a related query
touches only the entries that share a term with the one opened. A library
that cannot be written keeps what this process computed in memory: related
entries and stories of a read-only library still show.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.index.similar import VERSION as SIG_VERSION
from store.index.similar import (
    Signature,
    mentions,
    signature_and_forms,
    specificity,
    term_label,
)
from store.models import Row, rows_not_at
from store.storage import sidecar
from store.storage.atomic import write_bytes_atomic
from store.storage.library import Library
from store.storage.shards import shard_of, whole_shards

__all__ = ["IMPLICIT", "SimIndex", "catch_up", "index", "unsigned"]

DIR_NAME = "similar"
MANIFEST = f"{DIR_NAME}/manifest.json"
VERSION = 1
MAX_SEGMENTS = 16
IMPLICIT = 2000  # rows a background call (``store.api.warm_topics``) catches up
#: an open signs every row behind when there are at most this many (exact, one write);
#: else the opened one alone, in memory: it answers from the signatures there are (the
#: reader says how many entries are behind) and the warm-up signs the rest. Signing 30
#: of 500k behind per open cost 0.1-0.3 s (their shards, the writes)
OPENING = 30
BATCH = 500
WINDOW = 20  # a bounded call picks its rows among this many times its limit

DEFAULT_SPEC = 0.6  # a term nobody stored (a tag that is no term): middling
_LOCK = threading.RLock()


@dataclass
class SimIndex:
    """Every signature the library holds, numbered, with postings."""

    segs: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    spec: list[float] = field(default_factory=list)  # each term's specificity (stored)
    written: dict[int, str] = field(default_factory=dict)  # a term as the text writes it
    tid: dict[str, int] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    chash: list[str] = field(default_factory=list)
    fterms: list[array[int]] = field(default_factory=list)
    fw: list[array[float]] = field(default_factory=list)
    ment: list[tuple[str, ...]] = field(default_factory=list)  # topics each entry names
    ment_df: dict[str, int] = field(default_factory=dict)  # live entries naming each topic
    doc: dict[str, int] = field(default_factory=dict)
    post: dict[int, list[int]] = field(default_factory=dict)
    checked: int = -1  # the library generation whose rows were all caught up
    _idf: dict[int, float] = field(default_factory=dict)
    _norm: dict[int, float] = field(default_factory=dict)
    _idf_n: int = -1
    _hash_of: dict[str, str] = field(default_factory=dict)  # see ``stale``
    _hashed: int = 0  # the signatures ``_hash_of`` has taken in
    behind: tuple[int, list[Row]] | None = None  # see ``catch_up``'s ``_behind``

    def stale(self, rows: Sequence[Row]) -> list[Row]:
        """The rows with no signature, or one of other content, in their order.

        ``_hash_of`` (each id's current content hash) follows ``ids`` as it
        grows: a later signature of an id supersedes its earlier one.
        """
        held = self._hash_of
        held.update(zip(self.ids[self._hashed :], self.chash[self._hashed :], strict=True))
        self._hashed = len(self.ids)
        return list(rows_not_at(rows, held))

    def add(
        self,
        eid: str,
        chash: str,
        sig: Signature,
        spec: dict[str, float],
        written: dict[str, str] | None = None,
        mentions: tuple[str, ...] = (),
    ) -> int:
        """Number a signature (superseding the id's older one) and post its terms."""
        dn = len(self.ids)
        tids = array("I")
        ws = array("f")
        for t, w in sig.items():
            k = self.tid.get(t)
            if k is None:
                k = self.tid[t] = len(self.terms)
                self.terms.append(t)
                self.spec.append(spec.get(t, DEFAULT_SPEC))
            if written and t in written:
                self.written[k] = written[t]
            tids.append(k)
            ws.append(w)
            self.post.setdefault(k, []).append(dn)
        self.ids.append(eid)
        self.chash.append(chash)
        self.fterms.append(tids)
        self.fw.append(ws)
        self._named(eid, mentions)
        self.ment.append(mentions)
        self.doc[eid] = dn
        return dn

    def _named(self, eid: str, mentions: tuple[str, ...]) -> None:
        """Count the topics a new signature names (its id's older one no longer counts)."""
        old = self.doc.get(eid)
        df = self.ment_df
        for t in self.ment[old] if old is not None else ():
            df[t] -= 1
        for t in mentions:
            df[t] = df.get(t, 0) + 1

    def live(self, dn: int) -> bool:
        return self.doc.get(self.ids[dn]) == dn

    def vector(self, eid: str) -> dict[str, float] | None:
        """The stored signature of an entry (term -> weight), or None."""
        dn = self.doc.get(eid)
        if dn is None:
            return None
        terms = self.terms
        return {terms[t]: w for t, w in zip(self.fterms[dn], self.fw[dn], strict=True)}

    def mentions(self, eid: str) -> tuple[str, ...]:
        """The vocabulary topics an entry's words name (``similar.mentions``), or ()."""
        dn = self.doc.get(eid)
        return () if dn is None else self.ment[dn]

    def df(self, k: int) -> int:
        return len(self.post.get(k, ()))

    def _current(self) -> int:
        """The number of entries; IDFs and norms computed for another number are dropped."""
        n = len(self.doc)
        if n != self._idf_n:
            self._idf, self._norm, self._idf_n = {}, {}, n
        return n

    def idf(self, k: int) -> float:
        """log((N + 1) / (df + 0.5)), cached while the number of entries stays the same."""
        n = self._current()
        got = self._idf.get(k)
        if got is None:
            got = self._idf[k] = math.log((max(n, 1) + 1) / (len(self.post.get(k, ())) + 0.5))
        return got

    def norm(self, dn: int) -> float:
        """The length of signature ``dn`` weighted by IDF (cached like ``idf``; 1.0 if empty)."""
        self._current()
        got = self._norm.get(dn)
        if got is None:
            sq = 0.0
            for k, w in zip(self.fterms[dn], self.fw[dn], strict=True):
                i = self.idf(k)
                if i > 0:
                    sq += (w * i) ** 2
            got = self._norm[dn] = math.sqrt(sq) or 1.0
        return got

    def label(self, term: str) -> str:
        """How a term reads in a reason: as written ("buses"), figures spelled out."""
        k = self.tid.get(term)
        if k is not None and k in self.written:
            return self.written[k]
        return term_label(term)

    def specificity(self, term: str) -> float:
        """A term's stored specificity; for another (a tag), guessed from its words.

        Never loads the general-English word list: reading (opening an entry)
        must not pay for it; signatures are computed, and specificities
        stored, when content is caught up.
        """
        k = self.tid.get(term)
        if k is not None:
            return self.spec[k]
        words = [self.tid.get(w) for w in term.split("-")]
        known = [self.spec[w] for w in words if w is not None]
        if not known:
            return DEFAULT_SPEC
        return min(1.0, max(known) + (0.2 if len(words) > 1 else 0.0))

    def __len__(self) -> int:
        return len(self.doc)


def _valid(m: Any) -> bool:
    return (
        isinstance(m, dict)
        and m.get("v") == VERSION
        and m.get("sv") == SIG_VERSION
        and isinstance(m.get("segs"), list)
    )


def _load_seg(ix: SimIndex, path: Path) -> None:
    """Add a segment's signatures: its term numbers mapped to the index's once, no dicts."""
    data = json.loads(path.read_bytes())
    terms: list[str] = data["terms"]
    spec: list[int] = data["spec"]
    written: dict[str, str] = data.get("written") or {}
    local = array("I")
    for t, sp in zip(terms, spec, strict=True):
        k = ix.tid.get(t)
        if k is None:
            k = ix.tid[t] = len(ix.terms)
            ix.terms.append(t)
            ix.spec.append(sp / 1000)
            if t in written:
                ix.written[k] = written[t]
        local.append(k)
    post = ix.post
    for eid, chash, tids, ws, *more in data["docs"]:
        dn = len(ix.ids)
        g = array("I", [local[t] for t in tids])
        for k in g:
            lst = post.get(k)
            if lst is None:
                post[k] = [dn]
            else:
                lst.append(dn)
        ix.ids.append(eid)
        ix.chash.append(chash)
        ix.fterms.append(g)
        ix.fw.append(array("f", [w / 1000 for w in ws]))
        named = tuple(more[0]) if more else ()
        ix._named(eid, named)
        ix.ment.append(named)
        ix.doc[eid] = dn


def _loaded(lib: Library, m: Any, prev: SimIndex | None) -> SimIndex:
    """The index of manifest ``m``: ``prev`` extended when ``m`` only added segments."""
    names: list[str] = list(m["segs"]) if _valid(m) else []
    ix = prev if prev is not None and names[: len(prev.segs)] == prev.segs else SimIndex()
    try:
        for name in names[len(ix.segs) :]:
            _load_seg(ix, lib.dir / DIR_NAME / name)
            ix.segs.append(name)
    except (OSError, ValueError, KeyError, TypeError):
        ix = SimIndex()  # damaged: start again, catch_up recomputes from content
    ix.checked = -1
    return ix


def index(lib: Library) -> SimIndex:
    """The cached signatures of ``lib`` (reloaded when another process changed them)."""
    with _LOCK:
        return sidecar.cached(lib, MANIFEST, lambda m, prev: _loaded(lib, m, prev))


def _seg_bytes(
    docs: list[tuple[str, str, Signature]],
    spec_of: Callable[[str], float],
    written: dict[str, str],
    ments: Callable[[str], tuple[str, ...]],
) -> bytes:
    terms: dict[str, int] = {}
    out = []
    for eid, chash, sig in docs:
        tids = [terms.setdefault(t, len(terms)) for t in sig]
        out.append([eid, chash, tids, [round(w * 1000) for w in sig.values()], list(ments(eid))])
    spec = [round(spec_of(t) * 1000) for t in terms]
    forms = {t: written[t] for t in terms if t in written}
    blob = {"v": VERSION, "terms": list(terms), "spec": spec, "written": forms, "docs": out}
    return json.dumps(blob, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write(
    lib: Library,
    ix: SimIndex,
    docs: list[tuple[str, str, Signature]],
    written: dict[str, str],
    specs: dict[str, float] | None = None,
    ments: dict[str, tuple[str, ...]] | None = None,
    *,
    persist: bool = True,
) -> None:
    """One new segment (or, past ``MAX_SEGMENTS``, one merged segment) under the lock;
    not ``persist``: the signatures kept in this process's index only."""
    obsolete: list[str] = []
    merged: list[str] = []
    known = specs or {}
    new_ments = ments or {}

    def ments_of(eid: str) -> tuple[str, ...]:
        got = new_ments.get(eid)
        return got if got is not None else ix.mentions(eid)

    def spec_of(t: str) -> float:
        got = known.get(t)
        return got if got is not None else specificity(t)

    def update(data: Any) -> dict[str, Any]:
        fresh = {"v": VERSION, "sv": SIG_VERSION, "seq": 0, "segs": []}
        m: dict[str, Any] = data if _valid(data) else fresh
        if m is fresh and isinstance(data, dict) and isinstance(data.get("seq"), int):
            m["seq"] = data["seq"]  # new names: never overwrite a file an old reader may hold
            old = data.get("segs")
            if isinstance(old, list):
                obsolete.extend(str(x) for x in old if isinstance(x, str) and "/" not in x)
        seq = int(m.get("seq", 0)) + 1
        name = f"sig-{seq:08d}.json"
        (lib.dir / DIR_NAME).mkdir(parents=True, exist_ok=True)
        if len(m["segs"]) + 1 > MAX_SEGMENTS and m["segs"] == ix.segs:
            live = [
                (ix.ids[dn], ix.chash[dn], ix.vector(ix.ids[dn]) or {})
                for dn in sorted(ix.doc.values())
            ]
            new_ids = {eid for eid, _c, _s in docs}
            live = [d for d in live if d[0] not in new_ids] + docs
            forms = {ix.terms[k]: v for k, v in ix.written.items()} | written
            write_bytes_atomic(
                lib.dir / DIR_NAME / name, _seg_bytes(live, ix.specificity, forms, ments_of)
            )
            obsolete.extend(m["segs"])
            m["segs"] = merged[:] = [name]
        else:
            write_bytes_atomic(
                lib.dir / DIR_NAME / name, _seg_bytes(docs, spec_of, written, ments_of)
            )
            m["segs"] = [*m["segs"], name]
        m["seq"] = seq
        return m

    before = list(ix.segs)
    m: dict[str, Any] = {}
    written_ok = False
    if persist:
        m, written_ok = sidecar.update(lib, MANIFEST, update)
    if not written_ok:
        # a library that cannot be written (read-only, full), or an open: this process
        # keeps the signatures in memory, so related entries and stories still show
        for eid, chash, sig in docs:
            ix.add(eid, chash, sig, {t: spec_of(t) for t in sig}, written, ments_of(eid))
        sidecar.kept(lib, MANIFEST, ix, written=False)
        return
    for name in obsolete:  # only once the manifest that no longer names them is written
        with contextlib.suppress(OSError):
            os.unlink(lib.dir / DIR_NAME / name)
    if not merged and (obsolete or m["segs"][:-1] != before):
        # a manifest started again, or another process wrote meanwhile: reload on next use
        sidecar.forget(lib, MANIFEST)
        return
    for eid, chash, sig in docs:
        ix.add(eid, chash, sig, {t: spec_of(t) for t in sig}, written, ments_of(eid))
    ix.segs = list(m["segs"])
    sidecar.kept(lib, MANIFEST, ix)


def catch_up(
    lib: Library,
    limit: int | None = IMPLICIT,
    first: Sequence[str] = (),
    *,
    opening: bool = False,
    stop: Callable[[], bool] | None = None,
) -> tuple[SimIndex, list[str]]:
    """Signatures for rows that have none (or changed): the index and the ids computed.

    ``limit`` bounds the rows done in this call (``first``, then newest
    first); None does all. ``opening`` (an open; ``limit`` unused): every
    row behind if they are ``OPENING`` at most, else ``first`` alone and no
    file written (an open costs no fsync of derived data; a later process
    signs that entry again, ~1 ms; the warm-up writes what it signs).
    ``stop``: asked before each entry; once true, what is signed is written and
    the call returns (a background warm-up must not hold up quitting).
    """
    with _LOCK:
        ix = start = index(lib)
        if ix.checked == lib.generation:
            return ix, []
        gen = lib.generation
        behind = _behind(lib, ix, fresh=limit is None and not opening)
        if opening:
            limit = OPENING if len(behind) <= OPENING else 0
        complete = limit is None or len(behind) <= limit
        window = WINDOW * (limit or 0)
        want = ix.stale([lib.row(i) for i in dict.fromkeys(first) if i in lib])
        head = len(want)
        skip = {r.id for r in want}
        if complete:  # a kept list may hold rows signed since; a fresh scan is exact
            exact = behind if limit is None else ix.stale(behind)
            rows = want + [r for r in exact if r.id not in skip]
        else:
            # only the front of what is behind: the rest waits for later calls
            pool = [r for r in ix.stale(behind[:window]) if r.id not in skip]
            rows = want + whole_shards(pool, max(0, (limit or 0) - head))
        # by shard, the opened ones first: each batch reads a shard or two
        # instead of every shard of the library
        rows = rows[:head] + sorted(rows[head:], key=lambda r: (shard_of(r), r.id))
        missing = [r.id for r in rows]
        done: list[str] = []
        cut = False
        for i in range(0, len(missing), BATCH):
            part = missing[i : i + BATCH]
            docs = []
            written: dict[str, str] = {}
            specs: dict[str, float] = {}
            ments: dict[str, tuple[str, ...]] = {}
            for e in lib.get_many(part):
                if cut := stop is not None and stop():
                    break
                sig, forms, spec = signature_and_forms(e)
                docs.append((e.id, lib.row(e.id).chash, sig))
                ments[e.id] = mentions(e)
                written.update(forms)
                for t, v in spec.items():
                    specs[t] = min(v, specs.get(t, v))
            if docs:  # (a stop before the batch's first entry writes no empty segment)
                _write(lib, ix, docs, written, specs, ments, persist=limit != 0)
            ix = index(lib)
            done += [d[0] for d in docs] if cut else part
            if cut:
                break
        if complete and not cut:
            ix.checked = gen
        elif not complete and ix is start:  # (an index read again from disk scans again)
            signed = set(done)
            # (no window: the kept list as it is, not a copy of 500k rows per open)
            rest = behind[window:] if window else behind
            ix.behind = (gen, [r for r in pool if r.id not in signed] + rest if pool else rest)
        return ix, done


def unsigned(lib: Library) -> int:
    """Rows still without a signature as the last bounded catch-up left them (0: none).

    What an open says beside its related entries (they come from the signed
    ones). An upper bound by the few entries this process signed in memory
    since; 0 when no catch-up ran in this generation.
    """
    with _LOCK:
        ix = index(lib)
        held = ix.behind
        if ix.checked == lib.generation or held is None or held[0] != lib.generation:
            return 0
        return len(held[1])


def _behind(lib: Library, ix: SimIndex, *, fresh: bool) -> list[Row]:
    """Rows without a current signature, newest first: scanned once per library
    generation, then kept with what later bounded calls signed taken out.

    Why: an open on a library still catching up (500k rows written by another
    age) scanned every row on each call, 0.2-0.7 s; a bounded call now costs
    its ``limit``. The kept list may hold rows another process signed since
    (they are tested again before any work) but never misses one: a row
    changes only with the generation.
    """
    held = ix.behind
    if fresh or held is None or held[0] != lib.generation:
        return ix.stale(lib.rows())
    return held[1]
