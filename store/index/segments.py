"""Word index segments: the immutable file format, term keys, and building one from pairs.

Segment file (little-endian)::

    b"DTWI1\\n" | n_terms u32 | n_postings u32 |
    keys u64[n_terms] (sorted) | offsets u32[n_terms + 1] | postings u32[n_postings]

A key is a 64-bit hash of the term (crc32 << 32 | adler32): fixed width, so a
segment loads with one ``frombytes`` and is searched with ``bisect`` instead of
building a dict of a million strings. A hash collision can only add a false
candidate, which the other terms of the query almost always rule out.

``store.index.wordindex`` owns the manifest that lists segments and the
reading and writing around them; this module is the part that needs no
library: what a segment holds and how one is made.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["SMALL_INVERT", "Segment", "invert", "invert_packed", "invert_small", "term_key"]

MAGIC = b"DTWI1\n"
# up to this many (key, document) pairs, ``invert_packed`` inverts in plain Python
# when numpy is not imported yet: importing it (0.08-0.15 s) costs more than the
# dict it saves below ~600k pairs (a daily refresh's 500 new entries: ~200k pairs,
# 0.05 s in Python, 0.02 s in numpy after 0.1 s of import)
SMALL_INVERT = 400_000
_HEADER = struct.Struct("<II")


def term_key(term: str) -> int:
    """A stable 64-bit key for a term (Python's hash() is salted per process)."""
    b = term.encode("utf-8", "surrogatepass")
    return (zlib.crc32(b) << 32) | zlib.adler32(b)


@dataclass
class Segment:
    """One segment in memory: sorted term keys, their posting offsets, the postings."""

    keys: array[int]
    offs: array[int]
    post: array[int]

    def to_bytes(self) -> bytes:
        return b"".join(
            (
                MAGIC,
                _HEADER.pack(len(self.keys), len(self.post)),
                self.keys.tobytes(),
                self.offs.tobytes(),
                self.post.tobytes(),
            )
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Segment:
        if not data.startswith(MAGIC):
            raise ValueError("not a word index segment")
        n, p = _HEADER.unpack_from(data, len(MAGIC))
        pos = len(MAGIC) + _HEADER.size
        keys, offs, post = array("Q"), array("I"), array("I")
        for arr, count in ((keys, n), (offs, n + 1), (post, p)):
            size = count * arr.itemsize
            arr.frombytes(data[pos : pos + size])
            if len(arr) != count:
                raise ValueError("truncated word index segment")
            pos += size
        return cls(keys, offs, post)

    def lookup(self, key: int) -> array[int]:
        i = bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            return self.post[self.offs[i] : self.offs[i + 1]]
        return array("I")

    def count(self, key: int) -> int:
        """How many documents hold ``key`` (superseded ones included): a cheap frequency."""
        i = bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            return int(self.offs[i + 1] - self.offs[i])
        return 0

    def items(self) -> Iterable[tuple[int, array[int]]]:
        for i, k in enumerate(self.keys):
            yield k, self.post[self.offs[i] : self.offs[i + 1]]


def _run_starts(a: Any) -> Any:
    """Boolean mask of the elements of a sorted numpy array that differ from the one before."""
    import numpy as np

    out = np.empty(a.size, dtype=bool)
    out[:1] = True
    np.not_equal(a[1:], a[:-1], out=out[1:])
    return out


def invert(keys: Any, docs: Any) -> Segment:
    """A segment from parallel numpy arrays of (term key, document number) pairs.

    Why numpy: a refresh of 10,000 entries inverts ~4 million pairs; two
    sorts do in ~0.1 s what a dict of lists did in ~1 s on the process that
    also tags and saves. Postings come out sorted by key, then document,
    without repeats, in the same file format as before (readers never
    import numpy).
    """
    import numpy as np

    if keys.size == 0:
        return Segment(array("Q"), array("I", [0]), array("I"))
    # sort by key (quicksort: ~3x a stable sort), number the distinct keys, then
    # sort (key number << 32 | document) as plain integers: docs in order per key
    order = np.argsort(keys)
    k = keys[order]
    first = _run_starts(k)
    group = np.cumsum(first, dtype=np.uint64) - np.uint64(1)
    pairs = np.sort((group << np.uint64(32)) | docs[order].astype(np.uint64))
    pairs = pairs[_run_starts(pairs)]  # a (key, doc) pair once
    starts = _run_starts(pairs >> np.uint64(32))
    out = Segment(array("Q"), array("I"), array("I"))
    out.keys.frombytes(k[first].astype(np.uint64).tobytes())
    out.offs.frombytes(np.append(np.flatnonzero(starts), pairs.size).astype(np.uint32).tobytes())
    out.post.frombytes((pairs & np.uint64(0xFFFFFFFF)).astype(np.uint32).tobytes())
    return out


def invert_packed(parts: Sequence[bytes], numbers: Sequence[int]) -> Segment:
    """A segment from each document's term keys (packed ``array("Q")`` bytes) and its
    number: ``invert`` of the pairs they make, in the same format.

    Small batches are inverted with a dict of lists, without importing numpy
    (see ``SMALL_INVERT``); larger ones, or any once numpy is loaded, by ``invert``.
    """
    total = sum(len(p) for p in parts) // 8
    if total > SMALL_INVERT or "numpy" in sys.modules:
        import numpy as np

        return invert(
            np.frombuffer(b"".join(parts), dtype=np.uint64),
            np.repeat(np.array(numbers, dtype=np.uint32), [len(p) // 8 for p in parts]),
        )
    return invert_small(parts, numbers)


def invert_small(parts: Sequence[bytes], numbers: Sequence[int]) -> Segment:
    """``invert_packed`` in plain Python: a dict of each key's documents, sorted."""
    post: dict[int, list[int]] = {}
    for packed, dn in zip(parts, numbers, strict=True):
        for key in array("Q", packed):
            docs = post.get(key)
            if docs is None:
                post[key] = [dn]
            else:
                docs.append(dn)
    keys = sorted(post)
    out = Segment(array("Q", keys), array("I", [0]), array("I"))
    for key in keys:
        docs = post[key]
        out.post.extend(sorted(set(docs)) if len(docs) > 1 else docs)
        out.offs.append(len(out.post))
    return out
