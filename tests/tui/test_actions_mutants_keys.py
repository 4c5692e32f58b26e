"""The keys that move, search, open links and other screens, pinned where mutmut found gaps.

Why: the keys tests showed each key doing its main job once; the mutants of
issue 20.3 changed what it says at an edge (no more entries, no link, nothing
to save), the focus it leaves, or the entry it picks, and the suite stayed
green. Each test presses real keys and checks the screen, the focus or the
library; docs/testing-tui.md names the mutant each one kills.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from tests.support.notes import messages, record
from tests.support.ui import (
    DEEPSEEK,
    PODCAST,
    capture_links,
    cursor_to,
    focus,
    main,
    open_entry,
    settle,
    wait_for,
)
from tui.app import DigestApp

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_o_and_y_on_an_entry_without_a_link_say_so(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    opened, copied = capture_links(app, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await cursor_to(pilot, DEEPSEEK)  # a digest episode: no link
        await pilot.press("o")
        await wait_for(pilot, lambda: "This entry has no link." in messages(notes), "o to say so")
        await pilot.press("y")
        await wait_for(
            pilot, lambda: messages(notes).count("This entry has no link.") == 2, "y too"
        )
        assert opened == [] and copied == []


async def test_o_opens_and_y_copies_an_http_link_and_say_so_as_text(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    opened, copied = capture_links(app, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await cursor_to(pilot, PODCAST)
        await pilot.press("o")
        url = "https://podcast.example/ep12"
        await wait_for(pilot, lambda: f"Opening {url}" in messages(notes), "o to say so")
        await pilot.press("y")
        await wait_for(pilot, lambda: "Link copied." in messages(notes), "y to say so")
        assert opened == [url] and copied == [url]
        # a good link gives no warning; the URL is shown as text, not parsed as markup
        assert all(n.severity == "information" for n in notes)
        opening = next(n for n in notes if str(n.message).startswith("Opening"))
        assert opening.markup is False


async def test_o_without_a_browser_warns(lib_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    monkeypatch.setattr(app, "open_url", lambda url, **kw: None)
    monkeypatch.setattr("tui.screens.main.browser_available", lambda: False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await cursor_to(pilot, PODCAST)
        await pilot.press("o")
        want = "No web browser found here (set $BROWSER): y copies the link instead."
        await wait_for(pilot, lambda: want in messages(notes), "o to warn")
        assert [n.severity for n in notes if n.message == want] == ["warning"]


async def test_n_at_the_last_episode_says_so_and_keeps_the_reader_focused(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        order = [r.id for r in screen.episodes.rows_in_order]
        await open_entry(pilot, order[-2])
        await wait_for(pilot, lambda: screen.in_reader(), "the reader focused")
        await pilot.press("n")
        reader = screen.reader
        await wait_for(
            pilot, lambda: reader.entry is not None and reader.entry.id == order[-1], "n opens"
        )
        await wait_for(pilot, lambda: screen.in_reader(), "the reader still focused")
        await pilot.press("n")
        await wait_for(
            pilot, lambda: "No more episodes this way." in messages(notes), "n to say so"
        )
        assert reader.entry is not None and reader.entry.id == order[-1]
        await pilot.press("p")
        await wait_for(
            pilot, lambda: reader.entry is not None and reader.entry.id == order[-2], "p opens"
        )
        assert screen.in_reader()


async def test_n_from_the_list_opens_the_next_and_leaves_the_list_focused(lib_dir: Path) -> None:
    """While the list has the focus (nothing read yet), n opens beside it without taking it."""
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        order = [r.id for r in screen.episodes.rows_in_order]
        assert app.focused is screen.episodes and screen.reader.entry is None
        await pilot.press("n")
        reader = screen.reader
        await wait_for(
            pilot, lambda: reader.entry is not None and reader.entry.id == order[1], "n opens"
        )
        assert app.focused is screen.episodes


async def test_P_at_the_top_says_above_and_N_opens_from_the_list_keeping_focus(
    lib_dir: Path,
) -> None:
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        order = [r.id for r in screen.episodes.rows_in_order]
        await pilot.press("P")  # nothing open, cursor on the first (unread) entry: it opens
        reader = screen.reader
        await wait_for(
            pilot, lambda: reader.entry is not None and reader.entry.id == order[0], "P opens"
        )
        assert app.focused is screen.episodes
        await pilot.press("P")
        await wait_for(
            pilot, lambda: "No unread entries above in this view." in messages(notes), "P to say so"
        )
        await focus(pilot, "reader")
        await pilot.press("N")
        await wait_for(
            pilot, lambda: reader.entry is not None and reader.entry.id == order[1], "N opens"
        )
        assert screen.in_reader()
        assert screen.episodes.current is not None and screen.episodes.current.id == order[1]


async def test_slash_then_escape_clears_hides_and_refocuses_the_list(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        total = screen.episodes.row_count
        await open_entry(pilot, PODCAST)
        await pilot.press("slash")
        search = screen.query_one("#search", Input)
        await wait_for(pilot, lambda: app.focused is search, "the search focused")
        assert search.display and not screen.in_reader()
        await pilot.press(*"+gender")
        await wait_for(pilot, lambda: screen.episodes.row_count == 2, "the search to filter")
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen.episodes.row_count == total, "escape to clear it")
        assert search.value == "" and not search.display and screen.search_query == ""
        await wait_for(pilot, lambda: app.focused is screen.episodes, "the list focused")


async def test_tab_from_the_search_goes_to_the_reader_and_shift_tab_back_around(
    lib_dir: Path,
) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash")
        await wait_for(pilot, lambda: app.focused is screen.query_one("#search"), "the search")
        await pilot.press("tab")  # the search counts as the list: tab goes on to the reader
        await wait_for(pilot, lambda: screen.in_reader(), "tab to the reader")
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is screen.navigator, "tab round to the nav")
        await pilot.press("shift+tab")
        await wait_for(pilot, lambda: screen.in_reader(), "shift+tab back to the reader")
