"""Generated data cached in the work dir, and the repeat budget every figure shares.

Libraries and newsboat caches are keyed by size, seed and the storage code, so
a rerun reuses them and a storage change rebuilds them (never a stale library).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench import data, ours
from bench import newsboat as nb
from bench.server import FeedServer


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def size_label(n: int) -> str:
    """``10k``, ``500k``, or the plain number below a thousand (smoke sizes)."""
    return f"{n // 1000}k" if n >= 1000 else str(n)


def _store_hash() -> str:
    """Changes when the storage code does, so a cached library is never stale."""
    h = hashlib.sha1()
    store = ours.REPO / "store"
    # what a built library's files are made by: the storage floor, the models,
    # the word index it holds (the names listed before the layout move were gone,
    # so a cached library was never rebuilt)
    parts = [store / "models.py", *sorted((store / "storage").glob("*.py"))]
    parts += [store / "index" / n for n in ("wordindex.py", "wordwrite.py", "segments.py")]
    for p in parts:
        h.update(p.relative_to(store).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:8]


def cached(directory: Path, key: str, build: Callable[[Path], object]) -> Path:
    """Build into ``directory`` unless it holds data for ``key`` already."""
    stamp = directory / ".bench-key"
    if stamp.exists() and stamp.read_text() == key:
        return directory
    if directory.exists():
        shutil.rmtree(directory)
    tmp = directory.with_name(directory.name + ".building")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    build(tmp)
    (tmp / ".bench-key").write_text(key)
    tmp.rename(directory)
    return directory


def library_for(a: argparse.Namespace, n: int) -> Path:
    """The generated library of ``n`` entries (built once, with progress for big ones)."""
    key = data.fingerprint(n=n, seed=a.seed, store=_store_hash())
    t0 = time.perf_counter()

    def progress(done: int) -> None:
        log(
            f"building the {size_label(n)} library: {done:,}/{n:,} ({time.perf_counter() - t0:.0f} s)"
        )

    d = cached(
        a.work_dir / f"lib-{n}",
        key,
        lambda p: data.build_library(
            p / "data",
            n,
            a.seed,
            # at most 10 batches: 10 word-index segments stay under the store's
            # MAX_SEGMENTS, so a big build never pays for merging segments
            batch=max(25_000, n // 10),
            progress=progress if n >= 100_000 else None,
        ),
    )
    log(f"library of {n} entries ready ({time.perf_counter() - t0:.1f} s)")
    return d / "data"


def newsboat_for(a: argparse.Namespace, n: int, n_feeds: int = 50) -> nb.Setup:
    """A newsboat cache holding the same ``n`` items (filled by newsboat's own reload)."""
    key = data.fingerprint(n=n, seed=a.seed, feeds=n_feeds, newsboat=nb.version())

    def build(p: Path) -> None:
        docs = data.feed_documents(a.seed, n_feeds, n // n_feeds)
        with FeedServer(docs) as srv:
            s = nb.setup(p, [data.feed_url(srv.port, f) for f in range(n_feeds)])
            nb.reload(s)
            got = nb.item_count(s)
            if got != n_feeds * (n // n_feeds):
                raise RuntimeError(f"newsboat cached {got} items, expected {n}")

    t0 = time.perf_counter()
    d = cached(a.work_dir / f"newsboat-{n}", key, build)
    log(f"newsboat cache of {n} items ready ({time.perf_counter() - t0:.1f} s)")
    return nb.Setup(d)


class Budget:
    """Repeat a figure up to ``runs`` times, but stop when the next run would overrun."""

    def __init__(self, runs: int, seconds: float) -> None:
        self.runs, self.seconds = runs, seconds
        self.start = time.perf_counter()
        self.done = 0

    def __iter__(self) -> Iterator[int]:
        while self.done < self.runs:
            if self.done:
                spent = time.perf_counter() - self.start
                if spent + spent / self.done > self.seconds:
                    return
            yield self.done
            self.done += 1

    def note(self) -> str | None:
        if self.done < self.runs:
            return f"{self.done} run(s) of {self.runs}: stopped by the time budget (--budget)"
        return None
