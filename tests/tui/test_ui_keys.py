"""The README's keys table, key by key, in every focus state, through real key presses.

Why: a key that acts on the wrong entry looks fine in a test that only ever
has one entry in play. Each test here opens one entry in the reader and puts
the list's cursor on another, then presses the key with the list, the reader
or the navigator focused: the rule is "the entry shown in the reader when the
reader has focus, the cursor's entry otherwise".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label

from store.storage.library import Library
from tests.support.ui import (
    DEEPSEEK,
    PODCAST,
    TITLES,
    WILLIAMSON,
    capture_links,
    focus,
    main,
    open_entry,
    reading_one_cursor_on_another,
    settle,
    stored,
    wait_for,
)
from tui.app import DigestApp
from tui.screens.main_panes import TargetLine
from tui.widgets.reader_parts import RelatedRow

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def expected(where: str) -> str:
    return DEEPSEEK if where == "reader" else WILLIAMSON


@pytest.mark.parametrize("where", ["list", "reader", "navigator"])
async def test_b_and_m_act_on_the_entry_of_the_focus(lib_dir: Path, where: str) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await reading_one_cursor_on_another(pilot, DEEPSEEK, WILLIAMSON)
        await focus(pilot, where)
        await pilot.press("b")
        await settle(pilot)
        lib = stored(lib_dir)
        target, other = expected(where), ({DEEPSEEK, WILLIAMSON} - {expected(where)}).pop()
        assert lib.marks(target).bookmarked and not lib.marks(other).bookmarked
        read_before = lib.marks(target).read
        await pilot.press("m")
        await settle(pilot)
        lib = stored(lib_dir)
        assert lib.marks(target).read is not read_before
        assert lib.marks(other).read is (other == DEEPSEEK)  # opening read it, m did not


@pytest.mark.parametrize(("key", "label"), [("t", "Add a tag to: "), ("T", "")])
@pytest.mark.parametrize("where", ["list", "reader"])
async def test_tag_dialogs_name_the_entry_of_the_focus(
    lib_dir: Path, where: str, key: str, label: str
) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await reading_one_cursor_on_another(pilot, DEEPSEEK, WILLIAMSON)
        await focus(pilot, where)
        await pilot.press(key)
        await wait_for(pilot, lambda: app.screen is not main(app), f"{key} to open its dialog")
        await pilot.pause()
        text = " ".join(str(w.render()) for w in app.screen.query(Label))
        want, not_want = (
            TITLES[expected(where)],
            TITLES[({DEEPSEEK, WILLIAMSON} - {expected(where)}).pop()],
        )
        assert label in text and want in text and not_want not in text, text
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main(app), "escape to close the dialog")
        assert stored(lib_dir).marks(expected(where)).user_tags == ()


@pytest.mark.parametrize("where", ["list", "reader"])
async def test_T_removes_the_tag_from_the_entry_of_the_focus(lib_dir: Path, where: str) -> None:
    """Both entries carry the tag; picking it in T's dialog removes it from one entry only."""
    Library.open(lib_dir).add_tags([DEEPSEEK, WILLIAMSON], ["both"])
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await reading_one_cursor_on_another(pilot, DEEPSEEK, WILLIAMSON)
        await focus(pilot, where)
        await pilot.press("T")
        await wait_for(pilot, lambda: app.screen is not main(app), "T to open its dialog")
        await pilot.press("enter")  # the first option: the user's own tag, "both"
        await wait_for(pilot, lambda: app.screen is main(app), "enter to close the dialog")
        await settle(pilot)
        lib = stored(lib_dir)
        target, other = expected(where), ({DEEPSEEK, WILLIAMSON} - {expected(where)}).pop()
        assert lib.marks(target).user_tags == () and lib.marks(other).user_tags == ("both",)


async def test_with_the_list_emptied_while_reading_b_acts_on_the_reader_entry(
    lib_dir: Path,
) -> None:
    """A search that lists nothing leaves no cursor: the line and b name the open entry."""
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, DEEPSEEK)
        await pilot.press("slash", *"zzzznothing", "enter")
        await wait_for(pilot, lambda: screen.episodes.row_count == 0, "the search to list nothing")
        await wait_for(pilot, lambda: app.focused is screen.episodes, "the list focused")
        line = str(screen.query_one("#target-line", TargetLine).render())
        assert TITLES[DEEPSEEK] in line, line
        await pilot.press("b")
        await settle(pilot)
        assert stored(lib_dir).marks(DEEPSEEK).bookmarked


@pytest.mark.parametrize("where", ["list", "reader"])
async def test_o_and_y_use_the_link_of_the_entry_of_the_focus(
    lib_dir: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = DigestApp(lib_dir, first_run=False)
    opened, copied = capture_links(app, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        # the podcast has a link, the DeepSeek episode none
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, PODCAST)
        screen.focus_pane(screen.episodes)
        await wait_for(pilot, lambda: app.focused is screen.episodes, "the list focused")
        while screen.episodes.current is None or screen.episodes.current.id != DEEPSEEK:
            await pilot.press("j")
        await focus(pilot, where)
        await pilot.press("o", "y")
        await settle(pilot)
        link = ["https://podcast.example/ep12"] if where == "reader" else []
        assert opened == link and copied == link


async def test_j_and_k_move_in_each_pane(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        screen = main(app)
        first = screen.episodes.current
        await pilot.press("j")
        assert screen.episodes.current is not None and screen.episodes.current != first
        await pilot.press("k")
        assert screen.episodes.current == first
        await pilot.press("down", "up", "down")
        assert screen.episodes.current is not None and screen.episodes.current != first
        await focus(pilot, "navigator")
        nav = screen.navigator
        before = nav.highlighted
        await pilot.press("j")
        await wait_for(pilot, lambda: nav.highlighted != before, "j in the navigator")
        await pilot.press("k")
        await wait_for(pilot, lambda: nav.highlighted == before, "k in the navigator")
        await focus(pilot, "list")
        await open_entry(pilot, DEEPSEEK)
        reader = screen.reader
        await pilot.press("e")  # every section open: longer than the screen
        await wait_for(pilot, lambda: reader.max_scroll_y > 2, "a reader taller than the pane")
        y = reader.scroll_y
        await pilot.press("j", "j", "j")
        await wait_for(pilot, lambda: reader.scroll_y > y, "j to scroll the reader")
        await pilot.press("k", "k", "k")
        await wait_for(pilot, lambda: reader.scroll_y == y, "k to scroll back")


async def test_enter_on_a_related_entry_opens_it(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, DEEPSEEK)
        rows = list(screen.reader.query(RelatedRow).results(RelatedRow))
        assert rows
        rows[0].focus()
        await wait_for(pilot, lambda: app.focused is rows[0], "a related row focused")
        want = rows[0].item.id
        assert want != DEEPSEEK
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.entry is not None and screen.reader.entry.id == want
        assert stored(lib_dir).marks(want).read


async def test_q_quits_from_the_list(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "q to quit", workers=False)
    assert app.return_code in (None, 0)


async def test_related_entries_are_reached_by_keys(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, DEEPSEEK)
        rows = list(screen.reader.query(RelatedRow).results(RelatedRow))
        assert rows, "the sample DeepSeek episode has related entries"
        for _ in range(11):  # ten sections, then into the related list
            await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.focused is rows[0], "] to reach the related list")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.entry is not None and screen.reader.entry.id == rows[0].item.id
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.reader.entry is not None and screen.reader.entry.id == DEEPSEEK


async def test_letters_typed_in_the_search_are_text_not_keys(lib_dir: Path) -> None:
    """With the search focused, b m t q are the query being typed: nothing is marked."""
    from textual.widgets import Input

    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        search = screen.query_one("#search", Input)
        await pilot.press("slash")
        await wait_for(pilot, lambda: app.focused is search, "/ to focus the search")
        await pilot.press("b", "m", "t", "q")
        await settle(pilot)
        assert search.value == "bmtq" and app.is_running
        lib = stored(lib_dir)
        assert not any(m.bookmarked or m.user_tags for m in lib.all_marks().values())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not search.display, "escape to clear the search")
        assert screen.episodes.row_count == 5
