"""The last survivors of the TUI actions' mutation sample, pinned (issue 20.3).

Why: after the first kill tests, eight mutants of the action functions still
passed the suite (docs/testing-tui.md): the warning for a link that is not
http(s) was never read, ``n`` / ``p`` were never pressed with the list's
cursor away from the open entry, and nothing pressed ``tab``, ``n`` or ``N``
while no widget had the focus. Each test here presses real keys and reads
the entry the reader shows, the list's cursor, the focus or what was said;
the doc names the mutant each one kills (seven: the eighth, ``open_entry``'s
``focus`` default, is one no caller leaves unset).

"Nothing focused" is a state Textual leaves behind, not one a key makes: the
terminal's focus-out clears the focus, and the focus-in gives it back only to
a widget still on the screen. The tests set that state with
``set_focus(None)``, then press the keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store.models import Entry, Source, short_hash
from tests.support.library import build_library
from tests.support.notes import messages, record
from tests.support.ui import capture_links, cursor_to, main, settle, wait_for
from tui.app import DigestApp

pytestmark = pytest.mark.anyio

NOT_WEB = "Only http and https links are opened."


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def shown_id(app: DigestApp) -> str | None:
    entry = main(app).reader.entry
    return entry.id if entry is not None else None


def cursor_id(app: DigestApp) -> str | None:
    row = main(app).episodes.current
    return row.id if row is not None else None


# -- o / y on a link that is not http(s) ---------------------------------------


async def test_o_and_y_on_a_link_that_is_not_web_warn_in_words_and_do_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """_link 28: the warning's text, read as the user reads it (and its severity)."""
    directory = tmp_path / "lib"
    src = Source("file", "notes", "/samples/notes.txt")
    ftp = Entry(
        id=short_hash("ftp-notes"),
        source=src,
        title="Meeting notes on the file server",
        link="ftp://files.example/notes/march.txt",
        summary="Kept on the old server.",
    )
    build_library(directory, [ftp])
    app = DigestApp(directory, first_run=False)
    notes = record(app)
    opened, copied = capture_links(app, monkeypatch)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await cursor_to(pilot, ftp.id)
        await pilot.press("o")
        await wait_for(pilot, lambda: NOT_WEB in messages(notes), "o to warn")
        await pilot.press("y")
        await wait_for(pilot, lambda: messages(notes).count(NOT_WEB) == 2, "y to warn too")
        assert [n.severity for n in notes if n.message == NOT_WEB] == ["warning", "warning"]
        assert opened == [] and copied == []
        assert len(notes) == 2  # no "Opening …", no "Link copied."


# -- n / p with the list's cursor away from the open entry ---------------------


async def test_n_and_p_from_the_list_step_from_the_open_entry_not_from_the_cursor(
    lib_dir: Path,
) -> None:
    """step_entry 7: the cursor is put back on the open entry before stepping."""
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        order = [r.id for r in screen.episodes.rows_in_order]
        assert len(order) == 5
        await cursor_to(pilot, order[1])
        await pilot.press("enter")
        await wait_for(pilot, lambda: shown_id(app) == order[1], "enter to open the second")
        await wait_for(pilot, lambda: screen.in_reader(), "the reader focused")
        await pilot.press("escape")  # nothing jumped from: back to the list
        await wait_for(pilot, lambda: app.focused is screen.episodes, "the list focused")
        await cursor_to(pilot, order[3])
        await pilot.press("n")
        await wait_for(pilot, lambda: shown_id(app) == order[2], "n to open the one after")
        await settle(pilot)
        assert cursor_id(app) == order[2]
        assert app.focused is screen.episodes  # opened beside the list, as from the list
        await cursor_to(pilot, order[0])
        await pilot.press("p")
        await wait_for(pilot, lambda: shown_id(app) == order[1], "p to open the one before")
        await settle(pilot)
        assert cursor_id(app) == order[1]


# -- nothing focused: tab, shift+tab, n, N -------------------------------------


async def nothing_focused(pilot: Any) -> None:
    main(pilot.app).set_focus(None)
    await wait_for(pilot, lambda: pilot.app.focused is None, "no widget focused")


async def test_tab_and_shift_tab_with_nothing_focused_count_from_the_list(
    lib_dir: Path,
) -> None:
    """pane 4 (counting from the reader) and 13 (``focused.id`` read on None)."""
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await nothing_focused(pilot)
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is screen.reader, "tab to the reader")
        assert screen.has_class("reading")
        await nothing_focused(pilot)
        await pilot.press("shift+tab")
        await wait_for(pilot, lambda: app.focused is screen.navigator, "shift+tab to the nav")
        assert not screen.has_class("reading")
        assert app.is_running


async def test_n_and_N_with_nothing_focused_while_reading_focus_the_reader(
    lib_dir: Path,
) -> None:
    """step_entry 28 and 34, step_unread 46: the screen's "reading" class says where the eye is.

    In a narrow terminal the reader is the one pane shown while reading; with
    nothing focused, ``n`` and ``N`` give it the focus back (and keep it shown),
    so that j / k / space go on scrolling it.
    """
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.has_class("narrow")
        order = [r.id for r in screen.episodes.rows_in_order]
        await pilot.press("enter")
        await wait_for(pilot, lambda: shown_id(app) == order[0], "enter to open the first")
        await wait_for(pilot, lambda: app.focused is screen.reader, "the reader focused")
        await nothing_focused(pilot)
        assert screen.has_class("reading")
        await pilot.press("n")
        await wait_for(pilot, lambda: shown_id(app) == order[1], "n to open the next")
        await wait_for(pilot, lambda: app.focused is screen.reader, "n to focus the reader")
        await nothing_focused(pilot)
        await pilot.press("N")
        await wait_for(pilot, lambda: shown_id(app) not in (order[1], None), "N to open")
        await wait_for(pilot, lambda: app.focused is screen.reader, "N to focus the reader")
        await settle(pilot)
        assert screen.reader.region.width == 80 and screen.episodes.region.width == 0
