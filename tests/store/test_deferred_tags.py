"""Search answers the same before and after a deferred derivation, tag terms included.

Generated libraries (hypothesis): entries of a few shows and sources sharing
vocabulary words and names, part ingested directly (derived), the rest
readable-first in one or two ingests. Every query (words, phrases, prefixes,
``+tag``, ``-tag``, combinations, every tag the derived library holds) is run
on a copy taken before the derivation and on the library after it: the id
lists must be identical. That holds only if an underived entry carries the
tags its derivation gives (not every tag its text names), and if older
entries the derivation re-tags (a name reaching a second source) answer with
their tags to come (``store.index.pendingtags``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.storage.library import Library
from store.storage.pending import read_pending
from store.sync.derive import derive_pending, pending_count
from store.sync.ingest import ingest_paths
from tests.support.deferred import results, tag_queries, tag_views
from tests.support.realworld import REALWORLD, copy_library

NAMES = [
    "Jensen Huang",
    "Nvidia",
    "Sam Altman",
    "Federal Reserve",
    "Lina Khan",
    "Anthropic",
    "Mistral",
    "Taiwan",
]
WORDS = [
    "open",
    "source",
    "models",
    "chips",
    "export",
    "china",
    "inference",
    "agents",
    "energy",
    "nuclear",
    "battery",
    "inflation",
    "rates",
    "vaccine",
    "genome",
    "tariffs",
    "semiconductor",
    "the",
    "and",
]
SHOWS = ["Hard Fork", "Odd Lots", "Decoder", "Acquired"]
SOURCES = ["alpha", "beta"]
BASE = (
    "models",
    "open source",
    '"export controls"',
    "chips china",
    "semi",
    "!models",
    "energy !battery",
    "nvidia",
    '"jensen huang"',
    "+ai",
    "-ai",
    "+open-source",
    "+china",
    "+energy models",
    "+nvidia",
    "-nvidia",
    "+jensen-huang",
    "+federal-reserve",
)

text = st.lists(st.sampled_from(NAMES + WORDS), min_size=2, max_size=14).map(" ".join)
entry = st.tuples(st.sampled_from(SHOWS), st.sampled_from(SOURCES), text, text, text)


def _write(folder: Path, entries: Sequence[tuple[str, str, str, str, str]], start: int) -> Path:
    """One digest file per entry, under a folder per source (the folder names the source)."""
    for i, (show, source, title, summary, point) in enumerate(entries, start):
        d = folder / source
        d.mkdir(parents=True, exist_ok=True)
        (d / f"d{i:03d}.md").write_text(
            f"# Digest {i} — 2025-{1 + i // 28:02d}-{1 + i % 28:02d}\n\n"
            f"## {show} — {title.title()} {i}\n\n"
            f"{summary}.\n\n### Key Points\n\n- {point}\n- {title}\n",
            encoding="utf-8",
        )
    return folder


def _assert_same(lib: Library, tmp: Path, words: Sequence[str]) -> None:
    """Derive ``lib``; every query answers on the derived library as on the copy before."""
    n = pending_count(lib)
    before = Library.open(copy_library(lib.dir, tmp / "before"))
    derive_pending(lib)
    assert pending_count(lib) == 0
    queries = tag_queries(lib, BASE, words)
    assert pending_count(before) == n > 0
    got, want = results(before, queries), results(lib, queries)
    assert [q for q in queries if got[q] != want[q]] == []
    tags = sorted({t for r in lib.rows() for t in r.auto_tags})
    assert tag_views(before, tags) == tag_views(lib, tags)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    derived=st.lists(entry, max_size=8),
    pending=st.lists(entry, min_size=1, max_size=10),
    split=st.integers(min_value=0, max_value=10),
)
def test_generated_libraries_answer_the_same_before_and_after(
    derived: list[tuple[str, str, str, str, str]],
    pending: list[tuple[str, str, str, str, str]],
    split: int,
) -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        lib = Library.open(tmp / "lib")
        if derived:
            ingest_paths(lib, [_write(tmp / "a", derived, 0)])
        # one or two readable-first ingests: two journal chunks, derived in order
        first, second = pending[:split], pending[split:]
        for n, part in enumerate((first, second)):
            if part:
                src = _write(tmp / f"p{n}", part, 100 * (n + 1))
                ingest_paths(lib, [src], defer=True)
        _assert_same(lib, tmp, WORDS[:6])


def test_a_name_reaching_a_second_show_retags_the_older_entry_before_derivation(
    tmp_path: Path,
) -> None:
    """The derived entry gains the name's tag only when the pending one is derived:
    search lists it under that tag already."""
    old = [("Hard Fork", "alpha", "Lina Khan", "Lina Khan on tariffs and chips", "rates")]
    new = [("Odd Lots", "beta", "Lina Khan", "Lina Khan on inflation", "energy")]
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [_write(tmp_path / "a", old, 0)])
    assert not any("lina-khan" in r.auto_tags for r in lib.rows())
    ingest_paths(lib, [_write(tmp_path / "b", new, 1)], defer=True)
    assert pending_count(lib) == 1
    from store.index.query import run_query

    listed = [r.id for r in run_query(lib, "+lina-khan")]
    derive_pending(lib)
    tagged = [r.id for r in lib.rows() if "lina-khan" in r.auto_tags]
    assert len(tagged) == 2  # the older entry was re-tagged by the derivation
    assert listed == [r.id for r in run_query(lib, "+lina-khan")] == tagged


def test_the_projection_stands_while_the_derivation_follows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunk by chunk, search answers as at the start, from the one in-memory run;
    an ingest in between is not what it simulated: a new run, exact again."""
    from store.index import pendingtags

    runs: list[int] = []  # in-memory derivations run, by how many chunks they had to derive
    real = pendingtags._project

    def counted(lib: Library) -> object:
        if read_pending(lib).chunks:
            runs.append(len(read_pending(lib).chunks))
        return real(lib)

    monkeypatch.setattr(pendingtags, "_project", counted)
    parts = [
        [("Hard Fork", "alpha", "Lina Khan on chips", "Nvidia and Jensen Huang", "rates")],
        [("Odd Lots", "beta", "Lina Khan on rates", "Jensen Huang, Nvidia", "china")],
        [("Decoder", "alpha", "Sam Altman models", "Nvidia inference energy", "open source")],
        [("Acquired", "beta", "Sam Altman and Nvidia", "Jensen Huang export", "agents")],
    ]
    lib = Library.open(tmp_path / "lib")
    for n, part in enumerate(parts[:3]):
        ingest_paths(lib, [_write(tmp_path / f"p{n}", part, 10 * n)], defer=True)
    queries = [q for q in BASE if "+" in q or q.startswith("-")]
    first = results(lib, queries)
    assert runs == [3]
    while derive_pending(lib, limit=1):
        assert results(lib, queries) == first
    assert runs == [3]  # the derivation followed the run: never projected again
    ingest_paths(lib, [_write(tmp_path / "p3", parts[3], 30)], defer=True)
    before = results(lib, queries)
    assert runs == [3, 1]
    derive_pending(lib)
    assert results(lib, queries) == before


def test_realworld_feeds_answer_the_same_before_and_after(tmp_path: Path) -> None:
    """Real feeds, half derived and half readable-first: the same rows for every tag."""
    files = sorted(p for p in REALWORLD.iterdir() if p.suffix in (".xml", ".rss"))
    files = [p for p in files if p.stat().st_size < 300_000][:24]
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, files[::2])
    ingest_paths(lib, files[1::2], defer=True)
    _assert_same(lib, tmp_path, ["the", "podcast", "news", "episode"])
