"""The Feeds screen (F / palette) and the refresh bar's "n/N feeds · M new" line.

Issue 17: offline, every `r` stacked one toast per failing feed over the reader;
now one summary says what happened and the Feeds screen says which feed failed and why.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from store.sync.feeds import FeedResult, RefreshReport
from tests.support import feedserver
from tests.support.ui import settle
from tui.app import DigestApp
from tui.screens.feeds import FeedsScreen
from tui.screens.refresh_status import RefreshTally, refresh_summary

pytestmark = pytest.mark.anyio

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Notes</title><link>http://127.0.0.1/</link>
<description>t</description>
<item><title>Tides and timetables</title><link>https://example.org/tides</link>
<guid>tides</guid><pubDate>Mon, 10 Feb 2025 08:00:00 +0000</pubDate>
<description>About the tides.</description></item>
</channel></rss>
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _result(name: str, ok: bool, status: str, new: int) -> FeedResult:
    return FeedResult(name, f"http://x/{name}", ok, status, None if ok else "HTTP 404", new, new)


def test_tally_counts_feeds_as_they_finish() -> None:
    t = RefreshTally()
    assert t.progress_line() == "Refreshing 0 feeds · 0 new entries"
    t.total = 3
    t.add(_result("a", True, "new", 4))
    assert t.progress_line() == "Refreshing 1/3 feeds · 4 new entries"
    t.add(_result("b", False, "error", 0))
    t.add(_result("c", True, "not-modified", 0))
    assert t.progress_line() == "Refreshing 3/3 feeds · 4 new entries · 1 failed"


def test_summary_is_one_line_for_the_whole_run() -> None:
    results = [
        _result("a", True, "new", 1),
        _result("b", True, "unchanged", 0),
        _result("c", False, "error", 0),
        _result("d", False, "error", 0),
    ]
    text, failed = refresh_summary(RefreshReport(results, 1))
    assert (text, failed) == (
        "1 updated, 1 unchanged, 2 failed · 1 new entry — press F for Feeds",
        2,
    )
    text, failed = refresh_summary(RefreshReport(results[:2], 1))
    assert (text, failed) == ("1 updated, 1 unchanged · 1 new entry", 0)


async def test_failing_feeds_give_one_notice_and_the_feeds_screen_names_them(
    lib_dir: Path, tmp_path: Path
) -> None:
    routes = {
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, RSS),
        "/gone.xml": (404, {"Content-Type": "text/plain"}, "no"),
        "/also-gone.xml": (500, {"Content-Type": "text/plain"}, "no"),
    }
    with feedserver.FeedServer(routes) as srv:
        config = tmp_path / "feeds.yaml"
        config.write_text(
            "feeds:\n"
            f"  - url: {srv.url('/feed.xml')}\n    name: Harbour\n"
            f"  - url: {srv.url('/gone.xml')}\n    name: Gone [bold]away\n"
            f"  - url: {srv.url('/also-gone.xml')}\n    name: Broken\n"
        )
        app = DigestApp(lib_dir, str(config), first_run=False)
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            screen = app.main_screen
            assert screen is not None
            lines: list[str] = []
            label = screen.query_one("#refresh-label", Static)
            update = label.update

            def spy(content: object = "", **kw: object) -> None:
                update(content, **kw)  # type: ignore[arg-type]
                lines.append(str(content))

            label.update = spy  # type: ignore[method-assign]
            await pilot.press("r")
            await settle(pilot)
            assert "Refreshing 3/3 feeds · 1 new entry · 2 failed" in lines, lines
            messages = [n.message for n in app._notifications]
            assert len(messages) == 1, messages
            assert messages[0].startswith("1 updated, 2 failed"), messages

            await pilot.press("F")
            await settle(pilot)
            assert isinstance(app.screen, FeedsScreen)
            table = app.screen.query_one(DataTable)
            rows = {
                str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)]
                for i in range(table.row_count)
            }
            assert set(rows) == {"Harbour", "Gone [bold]away", "Broken"}  # literal, not markup
            assert rows["Harbour"][1] != "error" and rows["Harbour"][2] == "1"
            assert rows["Gone [bold]away"][1] == "error" and "404" in rows["Gone [bold]away"][5]
            assert rows["Broken"][1] == "error" and "500" in rows["Broken"][5]
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen


async def test_a_bookmark_made_from_the_shell_shows_in_the_open_ui(lib_dir: Path) -> None:
    """Issue 17.5: the first (only) UI notices another process's writes, list and reader."""
    from store.storage.library import Library
    from tests.support.ui import main

    app = DigestApp(lib_dir, first_run=False, poll_seconds=0.05)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert not app.second_instance
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        opened = screen.reader.entry
        assert opened is not None
        marks_line = screen.reader.query_one("#reader-marks", Static)
        assert "☆ not bookmarked" in str(marks_line.visual)
        Library.open(lib_dir).set_bookmarked([opened.id], True)  # as `digest-tui bookmark` does
        for _ in range(200):
            await pilot.pause(0.02)
            marks = screen.marks.get(opened.id)
            shown = "★ bookmarked" in str(marks_line.visual)
            if marks is not None and marks.bookmarked and shown:
                break
        else:
            raise AssertionError("the open UI never showed the bookmark made from the shell")
        assert screen.reader.entry is not None and screen.reader.entry.id == opened.id
