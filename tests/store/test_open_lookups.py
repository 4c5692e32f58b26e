"""Opening an entry looks its story up once (each look-up catches up signatures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store import api
from store.index import stories
from store.models import Entry, Source
from store.storage.library import Library


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def test_an_entry_in_no_story_is_placed_once_per_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library.open(tmp_path / "lib")
    topics = [
        ("Sourdough starters", "Flour, water and patience make a sourdough starter."),
        ("Chess endgames", "Rook endgames are the most common endgames in chess."),
    ]
    lib.save_entries(
        [
            Entry(
                id=f"e{i}",
                source=Source("file", f"Src {i}", f"/src{i}"),
                title=t,
                summary=s,
                published="2025-05-01",
            )
            for i, (t, s) in enumerate(topics)
        ]
    )
    calls: list[str | None] = []
    real = stories.ensure

    def counted(lib: Library, **kw: Any) -> Any:
        calls.append(kw.get("first"))
        return real(lib, **kw)

    monkeypatch.setattr(stories, "ensure", counted)
    for show in (api.open_entry, api.show_entry):
        calls.clear()
        opened = show(lib, "e0")
        assert opened.story is None and opened.point_links == []
        assert calls == ["e0"]


def test_a_bounded_signature_catch_up_reads_whole_shards_not_one_per_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library whose rows lack signatures (an older release's, or one rebuilt)
    is caught up a bounded number of rows per open. Those rows are taken shard
    by shard: rows spread over every content shard cost a shard read each (at
    100k entries, 1-3 s an open)."""
    from store.index import simstore
    from store.storage import shards

    lib = Library.open(tmp_path / "lib")
    n = 1200  # ids spread over the 256 shards, ~5 a shard
    lib.save_entries(
        [
            Entry(
                id=f"{(i * 2654435761) % 2**32:08x}",
                source=Source("file", "Src", f"/src{i % 7}"),
                title=f"Entry {i} about topic {i % 13}",
                summary=f"Summary {i}: words about subject {i % 17} and {i % 5}.",
                published=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            )
            for i in range(n)
        ]
    )
    newest = lib.rows()[0].id
    read: list[str] = []
    real = shards.read_entries

    def spied(directory: Path, key: str, *a: Any, **kw: Any) -> Any:
        read.append(key)
        return real(directory, key, *a, **kw)

    monkeypatch.setattr(shards, "read_entries", spied)
    fresh = Library.open(tmp_path / "lib")
    _ix, done = simstore.catch_up(fresh, limit=20)
    assert len(done) == 20 and newest in done
    assert len(set(read)) <= 5, sorted(set(read))  # 20 rows from ~5 a shard: 4-5 shards
    _ix, rest = simstore.catch_up(fresh, limit=None)
    assert len(done) + len(rest) == n and not set(done) & set(rest)


def test_a_bounded_catch_up_computes_the_opened_entry_first_wherever_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The opened entry's signature comes first even when it is old and in another
    shard than the newest rows; the rest of the bound goes to the newest shard."""
    from store.index import simstore
    from store.storage import shards

    monkeypatch.setattr(shards, "ARRIVAL_ENTRIES", 10)
    lib = Library.open(tmp_path / "lib")
    src = Source("file", "Src", "/src")
    # saved oldest first: the oldest entries fill the first shards
    lib.save_entries(
        [
            Entry(
                id=f"e{i:05d}",
                source=src,
                title=f"Entry {i} on subject {i % 9}",
                summary=f"Words about topic {i % 11} and {i % 4}.",
                published=f"2025-01-01T{i // 60:02d}:{i % 60:02d}:00",
            )
            for i in range(60)
        ]
    )
    fresh = Library.open(tmp_path / "lib")
    oldest = fresh.rows()[-1]
    assert shards.shard_of(oldest) == "n000001"
    _ix, done = simstore.catch_up(fresh, limit=5, first=(oldest.id, "no-such-id"))
    assert done[0] == oldest.id and len(done) == 5
    assert {shards.shard_of(fresh.row(i)) for i in done[1:]} == {"n000006"}  # the newest
    _ix, again = simstore.catch_up(fresh, limit=5, first=(oldest.id,))
    assert oldest.id not in again and len(again) == 5  # known now: not computed twice
