"""A fetched body comes with its sha256, taken in the fetch thread; the refresh
compares and stores that one (an unchanged body is still seen as unchanged)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from store.config import Config, FeedConfig, RefreshSettings
from store.storage.library import Library
from store.sync.feeds import refresh
from store.sync.fetch import FetchRequest, fetch_all
from tests.support.feedserver import FeedServer, rss


def test_a_fetched_body_carries_its_sha256() -> None:
    body = rss(5, prefix="h")
    with FeedServer({"/a": (200, {}, body), "/gone": (404, {}, "no")}) as srv:
        a, gone = srv.url("/a"), srv.url("/gone")
        got = fetch_all([FetchRequest(a), FetchRequest(gone)], RefreshSettings())
    assert got[a].body == body.encode()
    assert got[a].sha256 == hashlib.sha256(body.encode()).hexdigest()
    assert got[gone].sha256 is None  # no body, no hash


def test_the_stored_hash_is_the_bodys_and_an_unchanged_body_is_skipped(tmp_path: Path) -> None:
    body = rss(4, prefix="s")
    with FeedServer({"/f": (200, {}, body)}) as srv:
        cfg = Config(
            feeds=(FeedConfig(srv.url("/f"), None, ()),),
            refresh=RefreshSettings(timeout=5),
            path=tmp_path / "f.yaml",
        )
        lib = Library.open(tmp_path / "lib")
        assert refresh(lib, cfg).results[0].status == "new"
        state = lib.feed_states()[srv.url("/f")]
        assert state["sha256"] == hashlib.sha256(body.encode()).hexdigest()
        assert refresh(lib, cfg).results[0].status == "unchanged"
