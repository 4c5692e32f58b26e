"""Readable first, derived next (issue 19.1): the journal, the derivation, search meanwhile.

A deferred ingest stores entries untagged with a journal of pending ids;
``derive_pending`` tags and indexes them. The tags equal the direct path's, and
a search gives the same rows before and after derivation, tag terms included
(``store.index.pendingtags``: an underived entry carries the tags to come).
"""

from __future__ import annotations

import random
from pathlib import Path

from store.storage.library import Library
from store.storage.pending import read_pending
from store.sync.derive import derive_pending, pending_count
from store.sync.ingest import ingest_paths
from tests.support.deferred import results, tag_queries
from tests.support.realworld import copy_library
from tests.support.seeds import SEEDS

WORDS = [
    "open",
    "source",
    "models",
    "chips",
    "export",
    "china",
    "lithography",
    "inference",
    "agents",
    "robots",
    "energy",
    "nuclear",
    "grid",
    "battery",
    "solar",
    "vaccine",
    "protein",
    "genome",
    "rates",
    "inflation",
    "bonds",
    "climate",
    "drought",
    "wheat",
    "shipping",
    "tariffs",
    "semiconductor",
    "datacenter",
]
QUERIES = (
    "models",
    "open source",
    '"export controls"',
    "chips china",
    "litho",
    "!models",
    "energy !solar",
    "+ai",
    "+open-source",
    "+china",
    "+energy models",
    "ai",
    "the",
    "-+ai",
)


def _digests(folder: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        words = " ".join(rng.choice(WORDS) for _ in range(30))
        lead = " ".join(rng.sample(WORDS, 3))
        (folder / f"g{i:04d}.md").write_text(
            f"# Digest {i} — 2025-03-{1 + i % 28:02d}\n\n"
            f"## {lead.title()} — Episode {i}\n\n"
            f"A summary about {lead} and {words}.\n\n"
            f"### Key Points\n\n- {rng.choice(WORDS)} point\n- {words[:60]}\n\n"
            f"### Details\n\n#### 1. {rng.choice(WORDS)}\n\n- {words}\n",
            encoding="utf-8",
        )


def _tags(lib: Library) -> dict[str, tuple[str, ...]]:
    return {r.id: r.auto_tags for r in lib.rows()}


def _both_ways(tmp_path: Path, src: Path) -> tuple[Library, Library]:
    direct = Library.open(tmp_path / "direct")
    ingest_paths(direct, [src])
    lib = Library.open(tmp_path / "deferred")
    ingest_paths(lib, [src], defer=True)
    return direct, lib


def _check(tmp_path: Path, direct: Library, lib: Library) -> None:
    assert pending_count(lib) == len(lib) > 0
    assert all(not r.auto_tags for r in lib.rows())  # nothing derived yet
    before = Library.open(copy_library(lib.dir, tmp_path / "before"))
    derive_pending(lib)
    assert pending_count(lib) == 0
    assert not (lib.dir / "pending.json").exists()
    assert _tags(lib) == _tags(direct)  # deterministic: the direct path's tags
    queries = tag_queries(lib, QUERIES)
    assert results(lib, queries) == results(direct, queries)
    assert pending_count(before) == len(before)
    assert results(before, queries) == results(lib, queries)


def test_generated_library_same_tags_and_results(tmp_path: Path) -> None:
    _digests(tmp_path / "in", 120, seed=7)
    _check(tmp_path, *_both_ways(tmp_path, tmp_path / "in"))


def test_seeds_same_tags_and_results(tmp_path: Path) -> None:
    _check(tmp_path, *_both_ways(tmp_path, SEEDS))


def test_derivation_in_chunks_resumes_from_the_journal(tmp_path: Path) -> None:
    """Two deferred ingests, one chunk derived, a reopen: the rest is still owed, then done."""
    _digests(tmp_path / "a", 30, seed=1)
    _digests(tmp_path / "b", 30, seed=2)
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [tmp_path / "a"], defer=True)
    ingest_paths(lib, [tmp_path / "b"], defer=True)
    assert len(read_pending(lib).chunks) == 2
    assert derive_pending(lib, limit=1) == 30
    again = Library.open(tmp_path / "lib")
    assert pending_count(again) == 30
    assert derive_pending(again) == 30
    assert pending_count(again) == 0
    assert all(r.auto_tags for r in again.rows())


def test_library_without_journal_has_nothing_pending(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    assert pending_count(lib) == 0
    assert derive_pending(lib) == 0


def test_reader_says_tags_pending_until_derived(tmp_path: Path) -> None:
    from store import api

    _digests(tmp_path / "in", 5, seed=3)
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [tmp_path / "in"], defer=True)
    eid = lib.rows()[0].id
    assert api.open_entry(lib, eid).tags_pending
    derive_pending(lib)
    opened = api.open_entry(lib, eid)
    assert not opened.tags_pending
    assert opened.tags[0]


def test_a_search_before_derivation_leaves_the_journalled_entries_to_it(tmp_path: Path) -> None:
    """A text query indexes rows saved without tagging, not journalled ones: indexed early,
    they would change what tagging finds through the index, so what derivation gives."""
    from store.index import wordindex
    from store.index.query import run_query

    _digests(tmp_path / "in", 40, seed=5)
    direct, lib = _both_ways(tmp_path, tmp_path / "in")
    assert run_query(lib, "models")  # found by the scan of their text
    assert not set(wordindex.reader(lib).ids) & read_pending(lib).ids
    derive_pending(lib)
    assert _tags(lib) == _tags(direct)
    assert set(wordindex.reader(lib).ids) == {r.id for r in lib.rows()}


FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Chip Letter</title><link>https://x.example/</link>
<description>d</description>{items}</channel></rss>
"""
ITEM = """<item><title>{title}</title><guid>https://x.example/{n}</guid>
<link>https://x.example/{n}</link><description>{text}</description></item>"""


def test_a_changed_item_is_found_by_its_new_text_only_before_derivation(tmp_path: Path) -> None:
    """A feed item whose text changed keeps its id, and its old text stays in the word
    index until derived: search answers from the new text at once, as it will after."""
    old = ["Lithography machines and export controls", "Nuclear energy and the grid"]
    new = ["Vaccine trials and export controls", "Nuclear energy and the grid"]
    feed = tmp_path / "f.xml"

    def write(texts: list[str]) -> None:
        items = "".join(
            ITEM.format(n=n, title=f"Chips {n}", text=t * 3) for n, t in enumerate(texts)
        )
        feed.write_text(FEED.format(items=items), encoding="utf-8")

    write(old)
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [feed])
    write(new)
    ingest_paths(lib, [feed], defer=True)
    assert len(lib) == 2 and pending_count(lib) == 1
    before = Library.open(copy_library(lib.dir, tmp_path / "before"))
    derive_pending(lib)
    words = ["lithography", "litho", "vaccine", "machines", "chips", '"export controls"']
    queries = [*words, *(f"!{w}" for w in words), "chips !lithography", "+energy", "-energy"]
    queries = tag_queries(lib, queries, ["lithography", "vaccine"])
    assert results(before, queries) == results(lib, queries)
