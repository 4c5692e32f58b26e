"""Benchmark: query and incremental tagging on a generated 100,000-entry library.

    PYTHONPATH=. python bench/bench_query.py [N]

Builds a library of N generated entries in a temp dir (saved with
``lib.save_entries`` in batches, no tagging), builds the word index once
(``wordindex.ensure_index``: the catch-up path), then prints the median time
of queries (words, a phrase, words + a tag, tag + negation + date, prefixes
as typed and as words of 3+ letters), of related entries by content
(``store.index.related``, signatures derived first) and of
``tag_entries`` + save for a new batch of 100 entries (the ingest path),
the tagging cost per entry of the refresh benchmark's feed items, and one
query on the same library with its ``words/`` index deleted (answered from
titles, never by an implicit rebuild).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from store.models import Entry, Source
from store.storage.library import Library


def _vocab(rng: random.Random, n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(n)]


TOPIC_WORDS = [
    "AI",
    "China",
    "open source",
    "compute",
    "GPUs",
    "energy",
    "gender",
    "health",
    "policy",
    "cost",
    "DeepSeek",
    "Nvidia",
    "semiconductor",
    "election",
    "climate",
]


def make_entries(rng: random.Random, words: list[str], start: int, n: int) -> list[Entry]:
    out = []
    for i in range(start, start + n):
        body = " ".join(rng.choice(words) for _ in range(120))
        extra = " and ".join(rng.sample(TOPIC_WORDS, 3))
        out.append(
            Entry(
                id=f"{i:012x}",
                source=Source("feed", f"Source {i % 300}", f"https://s{i % 300}"),
                title=f"{rng.choice(words).title()} {rng.choice(words)} {i}",
                summary=f"About {extra}. " + " ".join(rng.choice(words) for _ in range(30)),
                body=body,
                published=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                auto_tags=tuple(t.lower().replace(" ", "-") for t in rng.sample(TOPIC_WORDS, 3)),
            )
        )
    return out


def median_ms(fn, runs: int = 15) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main(n: int = 100_000) -> None:
    from store.index import wordindex
    from store.index.query import run_query
    from store.index.related import related_entries
    from store.index.topics import tag_entries

    rng = random.Random(7)
    words = _vocab(rng, 20_000)
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.open(Path(tmp) / "lib")
        t = time.perf_counter()
        for start in range(0, n, 10_000):
            lib.save_entries(make_entries(rng, words, start, min(10_000, n - start)))
        print(f"library of {len(lib)} entries saved in {time.perf_counter() - t:.1f} s")

        t = time.perf_counter()
        wordindex.ensure_index(lib)
        print(f"word index built from scratch (catch-up path) in {time.perf_counter() - t:.1f} s")
        size = sum(f.stat().st_size for f in (lib.dir / "words").iterdir())
        print(f"word index size on disk: {size / 1e6:.1f} MB")

        w1, w2 = words[10], words[20]
        queries = {
            "one word": w1,
            "two words": f"{w1} {w2}",
            "phrase": '"open source"',
            "word + tag": f"{w1} +china",
            "tag -tag date": "+china -gender @2024-03-01..2024-06-30",
            "word is:unread source:": f"{w2} is:unread source:7",
        }
        t = time.perf_counter()
        run_query(lib, f"{w1} +china")  # the first call loads the index (a UI keeps it)
        print(f"first query of the process: {(time.perf_counter() - t) * 1000:.0f} ms")
        for name, q in queries.items():
            hits = len(run_query(lib, q))
            print(
                f"query {name:<24} {median_ms(lambda q=q: run_query(lib, q)):8.1f} ms  ({hits} hits)"
            )

        # prefixes: a word >= 3 letters anywhere, and the word being typed (live)
        long_word = next(w for w in words if len(w) >= 7)
        t = time.perf_counter()
        run_query(lib, long_word[:4])  # the first prefix loads the lexicons
        print(f"first prefix query of the process: {(time.perf_counter() - t) * 1000:.0f} ms")
        for name, q, live in (
            ("prefix, 4 letters", long_word[:4], False),
            ("prefix, 6 letters", long_word[:6], False),
            ("typed, 1 letter (live)", long_word[:1], True),
            ("typed, 2 letters (live)", long_word[:2], True),
            ("typed prefix + tag (live)", f"+china {long_word[:3]}", True),
        ):
            hits = len(run_query(lib, q, live=live))
            ms = median_ms(lambda q=q, live=live: run_query(lib, q, live=live))
            print(f"query {name:<24} {ms:8.1f} ms  ({hits} hits)")

        # related by content: the first call derives signatures (the opened entry
        # and a bounded catch-up); a complete catch-up first, then the steady state
        from store.index import simstore

        eid = lib.rows()[0].id
        t = time.perf_counter()
        simstore.catch_up(lib, None)
        print(f"content signatures for every entry: {time.perf_counter() - t:.1f} s (one time)")
        print(
            f"related_entries            {median_ms(lambda: related_entries(lib, eid), 5):8.1f} ms"
        )

        times = []
        for b in range(3):
            batch = make_entries(rng, words, n + b * 100, 100)
            batch = [e.with_(auto_tags=()) for e in batch]
            t = time.perf_counter()
            tagged = tag_entries(batch, lib)
            t_tag = time.perf_counter() - t
            lib.save_entries(tagged)
            times.append((t_tag, time.perf_counter() - t))
        tag_ms = statistics.median(x[0] for x in times) * 1000
        all_ms = statistics.median(x[1] for x in times) * 1000
        print(
            f"tag_entries, batch of 100 new entries: {tag_ms:.0f} ms (with save: {all_ms:.0f} ms)"
        )
        feed_items(lib)

        # a library whose words/ index is gone: a query must not rebuild it
        import shutil

        shutil.rmtree(lib.dir / "words")
        fresh = Library.open(lib.dir)
        t = time.perf_counter()
        hits = len(run_query(fresh, f"{w1} +china"))
        print(
            f"query on a library without its index: {(time.perf_counter() - t) * 1000:.0f} ms"
            f" ({hits} hits, titles only)"
        )


def feed_items(lib: Library, n: int = 2000) -> None:
    """Tagging cost per entry on the refresh benchmark's generated feed items (~2.8 kB)."""
    from bench.data import iter_entries
    from store.index.topics import tag_entries

    items = [e.with_(auto_tags=()) for e in iter_entries(11, n, 20)]
    t = time.perf_counter()
    tag_entries(items, lib)
    dt = time.perf_counter() - t
    print(f"tag_entries, {n} feed items in one batch: {dt / n * 1e6:.0f} us per entry")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
