"""Identity on real feeds: ../shared/corpus/realworld from two folders, then from a local server.

The first ingest is the session's (``realworld_library``); this test works on a copy.

The corpus is read in place (a second folder of symlinks stands for a copy);
nothing of its text appears here. A second folder adds nothing and changes
nothing; the same bytes served over HTTP add nothing and change no tags.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.config import Config, FeedConfig, RefreshSettings
from store.storage.library import Library
from store.sync.feeds import refresh
from store.sync.ingest import FEED_SUFFIXES, ingest_paths
from tests.support.feedserver import FeedServer
from tests.support.realworld import GROUP, REALWORLD, RealworldLibrary, copy_library


def _state(lib: Library) -> dict[str, tuple[object, ...]]:
    return {r.id: (r.auto_tags, r.chash, r.title) for r in lib.rows()}


def _second_folder(tmp_path: Path) -> Path:
    other = tmp_path / "elsewhere" / "feeds"
    other.mkdir(parents=True)
    for p in sorted(REALWORLD.iterdir()):
        if p.is_file():
            (other / p.name).symlink_to(p)
    return other


@pytest.mark.timeout(900)
@pytest.mark.xdist_group(GROUP)
def test_realworld_from_two_folders_then_a_server_adds_nothing(
    realworld_library: RealworldLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the vocabulary of the session's ingest: no user config
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))
    lib = Library.open(copy_library(realworld_library.directory, tmp_path / "lib"))
    first = realworld_library.report
    assert first.entries_new > 1000
    before = _state(lib)
    assert len(before) == first.entries_new

    again = ingest_paths(lib, [_second_folder(tmp_path)])
    assert (again.entries_new, again.entries_updated) == (0, 0)
    assert again.entries_known == first.entries_new
    after_again = _state(lib)
    changed = [i for i in before if before[i] != after_again.get(i)]
    # the same files again change no tag, hash or title (test_realworld_tags.py reads the tags)
    assert not changed, [(i, before[i], after_again.get(i)) for i in changed[:10]]
    assert after_again == before

    feeds = [p for p in sorted(REALWORLD.iterdir()) if p.suffix.lower() in FEED_SUFFIXES]
    routes = {
        f"/{p.name}": (200, {"Content-Type": "application/xml"}, p.read_bytes()) for p in feeds
    }
    with FeedServer(routes) as srv:
        cfg = Config(
            feeds=tuple(FeedConfig(srv.url(f"/{p.name}")) for p in feeds),
            refresh=RefreshSettings(timeout=30, concurrency=4, max_bytes=50_000_000),
            path=Path("test-feeds.yaml"),
        )
        rep = refresh(lib, cfg)
    assert sum(1 for r in rep.results if r.ok) >= len(feeds) - 3
    assert rep.entries_new == 0
    after = _state(lib)
    assert set(after) == set(before)
    changed = [i for i in before if after[i][0] != before[i][0]]
    # tags change only where the served copy says something else (links resolved
    # against the server instead of left relative): at most a handful in thousands
    assert len(changed) <= len(before) // 500, changed[:10]
