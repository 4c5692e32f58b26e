"""Small reader behaviours a newsboat user expects (issue 17, item 9): `q` goes back from
the reader, `o` says when it cannot open anything, the palette reads as English and
lists each action once."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import api
from tests.support.ui import main, settle
from tui.app import DigestApp

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_q_in_the_reader_goes_back_and_q_in_the_list_quits(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.entry is not None and screen.in_reader()
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and not screen.in_reader()
        assert app.focused is screen.episodes
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_open_link_without_a_browser_says_so(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    app = DigestApp(lib_dir, first_run=False)
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    monkeypatch.setattr("tui.screens.main.browser_available", lambda: False)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert opened == []
        messages = [n.message for n in app._notifications]
        assert any("No web browser" in m and "y copies" in m for m in messages), messages


async def test_palette_lists_quit_once_and_counts_in_english(lib_dir: Path) -> None:
    from tui.screens.palette import LibraryCommands

    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        provider = LibraryCommands(main(app))
        commands = provider._commands()
        titles = [t for t, _h, _cb in commands]
        assert not [t for t in titles if t.startswith("Quit")]  # Textual's own Quit is the one
        helps = [h for _t, h, _cb in commands]
        assert not [h for h in helps if h.startswith("1 entries") or "1 sources" in h], helps
        assert any(h.startswith(("1 entry", "2 entries")) for h in helps), helps


def test_a_digest_header_does_not_repeat_its_date() -> None:
    from store.models import Row
    from tui.widgets.episode_list import group_key

    def row(title: str | None, day: str = "2025-04-14") -> Row:
        return Row("a1", "T", None, "Src", "file", day, "dg1", title, None, (), "h")

    assert group_key(row("Weekly ML Digest — 2025-04-14"))[1] == "2025-04-14 · Weekly ML Digest"
    assert group_key(row("Notes (2025-04-14)"))[1] == "2025-04-14 · Notes"
    assert group_key(row("2025-04-14"))[1] == "2025-04-14 · Src"  # only the date: name the source
    assert group_key(row("Digest of 2025-04-13"))[1] == "2025-04-14 · Digest of 2025-04-13"
    assert group_key(row(None))[1] == "2025-04-14 · Src"


def test_feed_entries_group_by_recent_day_then_by_month() -> None:
    """A weekly feed gets one header per month, not one above every item (17.9)."""
    from datetime import date

    from store.models import Row
    from tui.widgets.episode_list import Header, build_lines

    def item(i: int, day: str) -> Row:
        return Row(f"e{i}", f"Episode {i}", None, "Show", "feed", day, None, None, None, (), "h")

    today = date(2026, 12, 2)
    days = [
        "2026-12-02",
        "2026-12-02",
        "2026-12-01",
        "2026-11-28",
        "2026-11-18",
        "2026-11-11",
        "2026-10-28",
        "2026-10-21",
        "",
    ]
    lines = build_lines([item(i, d) for i, d in enumerate(days)], today=today).lines
    headers = [x.text for x in lines if isinstance(x, Header)]
    assert headers == [
        "Today · 2026-12-02",
        "Yesterday · 2026-12-01",
        "Saturday · 2026-11-28",
        "November 2026",
        "October 2026",
        "Undated",
    ]
    assert sum(not isinstance(x, Header) for x in lines) == len(days)  # every row still there


async def test_the_tag_dialog_cuts_a_long_title_with_an_ellipsis(lib_dir: Path) -> None:
    from textual.geometry import Region
    from textual.widgets import Label

    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(10):  # to an entry whose title cannot fit 80 columns' dialog
            row = main(app).episodes.current
            if row is not None and len(row.title) > 45:
                break
            await pilot.press("j")
        await pilot.press("t")
        await settle(pilot)
        label = app.screen.query_one(".dialog-title", Label)
        title = main(app).episodes.current
        assert title is not None and len("Add a tag to: " + title.title) > label.size.width
        strips = label.render_lines(Region(0, 0, label.size.width, 1))
        shown = "".join(seg.text for seg in strips[0]).rstrip()
        assert shown.startswith("Add a tag to: ") and shown.endswith("…"), shown
        await pilot.press("escape")


async def test_an_empty_bookmarks_view_says_how_to_bookmark(lib_dir: Path) -> None:
    from store.views import Selection

    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.go_to(Selection("bookmarks"))
        await settle(pilot)
        assert screen.episodes.row_count == 0
        assert "b bookmarks the entry you are on" in screen.episodes.empty_message


async def test_next_unread_walks_the_unread_entries_in_order(lib_dir: Path) -> None:
    """Issue 18.6: N opens each unread entry of the view in turn, skipping read ones."""
    from store.models import short_hash

    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        order = [r.id for r in screen.episodes.rows_in_order]
        unread = [i for i in order if i != short_hash("post")]  # the post is read already
        assert len(unread) == 4 and len(order) == 5
        seen = []
        for _ in unread:
            await pilot.press("N")
            await settle(pilot)
            assert screen.reader.entry is not None
            seen.append(screen.reader.entry.id)
        assert seen == unread
        await pilot.press("N")
        await settle(pilot)
        assert any("No unread entries below" in n.message for n in app._notifications)
        await pilot.press("P")  # every entry is read now
        await settle(pilot)
        assert screen.reader.entry is not None and screen.reader.entry.id == unread[-1]


def test_trends_keep_one_width_with_dots_for_empty_weeks() -> None:
    """The one chart the navigator and `digest-tui tags` both draw."""
    weeks = [("2025-03-03", 0), ("2025-03-10", 1), ("2025-03-17", 3), ("2025-03-24", 8)]
    assert api.trend_chart(weeks) == "·▁▃█"  # one entry still shows; scaled up
    assert api.trend_chart(weeks, 2) == "▃█"  # the last weeks only
    assert api.trend_chart([(w, 0) for w, _c in weeks]) == "····"  # a tag with no dated entry
    assert api.trend_chart([]) == ""
