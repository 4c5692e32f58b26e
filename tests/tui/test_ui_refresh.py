"""r refreshes in a worker: progress, per-feed errors as notifications, new entries listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import ProgressBar

from store.storage.library import Library
from tests.support import feedserver
from tests.support.ui import settle
from tui.app import DigestApp

pytestmark = pytest.mark.anyio

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local Test Feed</title><link>http://127.0.0.1/</link>
<description>t</description>
<item><title>Fresh episode one</title><link>https://example.org/one</link>
<guid>one</guid><pubDate>Mon, 10 Feb 2025 08:00:00 +0000</pubDate>
<description>First.</description></item>
<item><title>Fresh episode two</title><link>https://example.org/two</link>
<guid>two</guid><pubDate>Tue, 11 Feb 2025 08:00:00 +0000</pubDate>
<description>Second.</description></item>
</channel></rss>
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_refresh_shows_progress_errors_and_new_entries(lib_dir: Path, tmp_path: Path) -> None:
    routes = {
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, RSS),
        "/gone.xml": (404, {"Content-Type": "text/plain"}, "no"),
    }
    with feedserver.FeedServer(routes) as srv:
        config = tmp_path / "feeds.yaml"
        config.write_text(
            "feeds:\n"
            f"  - url: {srv.url('/feed.xml')}\n    name: Local\n"
            f"  - url: {srv.url('/gone.xml')}\n    name: Gone\n"
        )
        app = DigestApp(lib_dir, str(config), first_run=False)
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            screen = app.main_screen
            assert screen is not None
            before = screen.episodes.row_count
            bar = screen.query_one("#refresh-progress", ProgressBar)
            seen: list[tuple[bool, float]] = []
            advance = bar.advance

            def spy(step: float = 1) -> None:  # what the bar showed as each feed finished
                advance(step)
                seen.append((screen.query_one("#refresh-row").display, bar.progress))

            bar.advance = spy  # type: ignore[method-assign,assignment]
            await pilot.press("r", "j")  # the UI keeps answering keys meanwhile
            await settle(pilot)
            row = screen.query_one("#refresh-row")
            assert [d for d, _p in seen] == [True, True]
            assert sorted(p for _d, p in seen) == [1, 2]
            assert not screen.refreshing and not row.display
            assert bar.progress == bar.total == 2
            messages = [n.message for n in app._notifications]
            # one summary for the run, not one toast per failing feed
            assert messages == ["1 updated, 1 failed · 2 new entries — press F for Feeds"]
            assert screen.episodes.row_count == before + 2
            titles = {r.title for r in Library.open(lib_dir).rows()}
            assert {"Fresh episode one", "Fresh episode two"} <= titles
