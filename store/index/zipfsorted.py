"""A language's word frequencies as one sorted file, mapped: lookups without the lists.

Why: wordfreq's bucket lists of one language are 25-90 MB of str objects in
memory, and a library with entries that read as another language looks
words up in six of them (``store.index.similar``), a few words each: a UI
held 150 MB of lists for two dozen words. The same figures come from one
file per language and wordfreq version in the user's cache directory, built
once from the lists (0.1-1 s, as long as loading them) and mapped read-only
afterwards: the words' UTF-8, sorted, with each word's start and bucket in
arrays. A lookup is one bisect (a few microseconds); only the pages it
touches are resident. A word in several buckets takes the last one, as
``wordfreq.get_frequency_dict`` does. A cache that cannot be written (or read
back whole) is built in memory instead: still about a fifth of the lists.
"""

from __future__ import annotations

import contextlib
import mmap
import struct
from array import array
from bisect import bisect_left
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path

from store.cachefile import write
from store.paths import cache_dir

__all__ = ["SortedWords", "build", "load"]

MAGIC = b"DTZIPF1\n"
_HEAD = struct.Struct("<8sI")  # magic, number of words
SAMPLE = 32  # words between two entries of the in-memory sample
SAMPLE_AFTER = 256  # lookups answered by a plain bisect of the map before it is made


class SortedWords:
    """Sorted words (UTF-8 bytes) with their bucket numbers; backed by bytes or a map."""

    __slots__ = ("_asked", "_blob", "_buckets", "_n", "_sample", "_starts")

    def __init__(self, buf: bytes | mmap.mmap) -> None:
        if len(buf) < _HEAD.size:
            raise ValueError("a truncated sorted word file")
        magic, n = _HEAD.unpack_from(buf, 0)
        if magic != MAGIC:
            raise ValueError("not a sorted word file")
        if len(buf) < _HEAD.size + 6 * n + 4:
            raise ValueError("a truncated sorted word file")
        view = memoryview(buf)
        at = _HEAD.size
        self._starts = view[at : at + 4 * (n + 1)].cast("I")
        at += 4 * (n + 1)
        self._buckets = view[at : at + 2 * n].cast("H")
        at += 2 * n
        self._blob = view[at:]
        if self._starts[n] != len(self._blob):
            raise ValueError("a truncated sorted word file")
        self._n = n  # (the views keep the buffer, and so the map, alive)
        # every SAMPLE-th word as bytes, made after SAMPLE_AFTER lookups: a lookup
        # then bisects this list in C and a stretch of SAMPLE words in the map
        # (6 µs a word -> 3 µs in English). Not before: making it reads the whole
        # file (4-10 MB resident), and most languages are asked a handful of words.
        self._sample: list[bytes] | None = None
        self._asked = 0

    def __len__(self) -> int:
        return int(self._n)

    def _word(self, k: int) -> bytes:
        return bytes(self._blob[self._starts[k] : self._starts[k + 1]])

    def bucket(self, word: str) -> int | None:
        """The bucket of ``word`` (its frequency is ``10 ** (-bucket / 100)``), or None."""
        key = word.encode("utf-8")
        sample = self._sample
        if sample is None:
            self._asked += 1
            if self._asked > SAMPLE_AFTER:
                sample = self._sample = [self._word(k) for k in range(0, self._n, SAMPLE)]
        if sample is None:
            k = bisect_left(range(self._n), key, key=self._word)
        else:
            at = bisect_left(sample, key) * SAMPLE  # the first sampled word >= key
            lo = max(0, at - SAMPLE + 1)  # the key sorts after every word before ``lo``
            k = bisect_left(range(lo, min(at, self._n)), key, key=self._word) + lo
        return int(self._buckets[k]) if k < self._n and self._word(k) == key else None


def build(pack: list[list[str]]) -> bytes:
    """The file's bytes for wordfreq's bucket lists ``pack``."""
    last: dict[str, int] = {}
    for i, bucket in enumerate(pack):
        last.update(dict.fromkeys(bucket, i))
    words = sorted(last)  # str order is code point order: the UTF-8 bytes' order too
    buckets = array("H", map(last.__getitem__, words))
    del last
    starts = array("I", [0])
    starts.extend(accumulate(map(len, map(str.encode, words))))
    blob = "".join(words).encode("utf-8")
    if starts.itemsize != 4 or buckets.itemsize != 2:  # (every platform we run on)
        raise OSError("unexpected array item sizes")
    return _HEAD.pack(MAGIC, len(words)) + starts.tobytes() + buckets.tobytes() + blob


def load(name: str, pack: Callable[[], list[list[str]]]) -> SortedWords:
    """The sorted words kept as ``name`` (built from ``pack()`` the first time)."""
    path = cache_dir() / "zipf" / f"{name}.bin"
    with contextlib.suppress(OSError, ValueError):
        return _mapped(path)
    data = build(pack())
    with contextlib.suppress(OSError):
        write(path, data)
        with contextlib.suppress(ValueError):
            return _mapped(path)
    return SortedWords(data)


def _mapped(path: Path) -> SortedWords:
    with path.open("rb") as fh:
        buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    return SortedWords(buf)
