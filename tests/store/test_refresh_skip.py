"""A refresh that skips known items leaves the library a refresh without skipping leaves.

Two libraries follow the same feed through two versions (items added, removed,
changed, reordered; audio enclosures that may flip the feed to a podcast); one
refreshes with the item memory, the other with ``SKIP_KNOWN`` off. Rows,
entries, tags and marks must be equal, and the reported counts true.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import store.sync.feed_job as feed_job
from store.config import Config, FeedConfig, RefreshSettings
from store.storage.library import Library
from store.sync.feeds import refresh
from tests.support.feedserver import FeedServer

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}

# one item: (guid number, text version, has audio)
Item = tuple[int, int, bool]


def _doc(items: list[Item], title: str = "Skip feed") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://example.org/</link><description>d</description>",
    ]
    for g, v, audio in items:
        media = '<enclosure url="https://example.org/a.mp3" type="audio/mpeg" length="9"/>'
        parts.append(
            f"<item><title>Item {g} take {v}</title><guid>g-{g}</guid>"
            f"<link>https://example.org/{g}</link><description>&lt;p&gt;Model {g} "
            f"speaks of open source ai, version {v}. More.&lt;/p&gt;</description>"
            f"<pubDate>Mon, 06 Jan 2025 10:{g % 60:02d}:00 GMT</pubDate>"
            f"{media if audio else ''}</item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts).encode()


def _config(url: str) -> Config:
    return Config(
        feeds=(FeedConfig(url, None, ("news",)),),
        refresh=RefreshSettings(timeout=5, concurrency=2, max_bytes=1_000_000),
        path=Path("skip-feeds.yaml"),
    )


def _snapshot(lib: Library) -> Any:
    rows = sorted(lib.rows(), key=lambda r: r.id)
    entries = lib.get_many([r.id for r in rows])
    return rows, entries, lib.all_marks()


def _run(
    srv: FeedServer,
    versions: list[list[Item]],
    skip: bool,
    titles: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Any, list[tuple[int, int]]]:
    monkeypatch.setattr(feed_job, "SKIP_KNOWN", skip)
    counts = []
    with tempfile.TemporaryDirectory() as d:
        lib = Library.open(Path(d) / "lib")
        cfg = _config(srv.url("/f.xml"))
        for n, (items, title) in enumerate(zip(versions, titles, strict=True)):
            srv.routes["/f.xml"] = (200, RSS, _doc(items, title))
            r = refresh(lib, cfg).results[0]
            assert r.ok, r.error
            counts.append((r.entries_new, r.entries_total))
            if n == 0 and lib.rows():
                lib.set_read([sorted(x.id for x in lib.rows())[0]])
        return _snapshot(lib), counts


_items = st.lists(
    st.tuples(st.integers(0, 12), st.integers(0, 2), st.booleans()),
    min_size=1,
    max_size=8,
    unique_by=lambda t: t[0],
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(v1=_items, v2=_items, same_title=st.booleans())
@example(  # new audio items make it a podcast: every known item's show changes
    v1=[(0, 0, False), (1, 0, False)],
    v2=[(0, 0, False), (1, 0, False), (2, 0, True), (3, 0, True), (4, 0, True)],
    same_title=True,
)
def test_refresh_with_skip_equals_refresh_without(
    v1: list[Item], v2: list[Item], same_title: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    titles = ["Skip feed", "Skip feed" if same_title else "Renamed feed"]
    with FeedServer() as srv:  # one server: ids and sources carry its URL
        with_skip = _run(srv, [v1, v2], True, titles, monkeypatch)
        without = _run(srv, [v1, v2], False, titles, monkeypatch)
    assert with_skip == without


def test_a_daily_refresh_parses_only_the_new_and_the_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[int] = []
    real = feed_job.parse_feed_bytes

    def spy(data: bytes, **kw: Any) -> Any:
        doc = real(data, **kw)
        parsed.append(len(doc.entries))
        return doc

    monkeypatch.setattr(feed_job, "parse_feed_bytes", spy)
    lib = Library.open(tmp_path / "lib")
    old = [(g, 0, False) for g in range(20)]
    with FeedServer() as srv:
        cfg = _config(srv.url("/f.xml"))
        srv.routes["/f.xml"] = (200, RSS, _doc(old))
        assert refresh(lib, cfg).results[0].entries_new == 20
        # three new on top, item 5 changed, item 19 gone
        new = [(g, 0, False) for g in (30, 31, 32)] + old[:19]
        new[3 + 5] = (5, 1, False)
        srv.routes["/f.xml"] = (200, RSS, _doc(new))
        r = refresh(lib, cfg).results[0]
    assert parsed == [20, 4]
    assert (r.entries_new, r.entries_total) == (3, 23)
    changed = [lib.get(x.id) for x in lib.rows() if x.link == "https://example.org/5"]
    assert len(changed) == 1 and "version 1" in changed[0].summary
    assert len(lib.rows()) == 23
