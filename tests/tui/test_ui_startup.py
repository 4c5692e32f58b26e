"""Pilot tests of the app's life: empty, first run, damaged, second instance, slow open.

Why apart from test_ui.py: these start the app in unusual states (no library,
a held lock, a library that takes long to open) rather than press keys on a
normal one. Nothing waits a fixed time: ``wait_for`` polls a condition with a
bounded number of tries and fails naming it.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from textual.widgets import Static

from store.models import short_hash
from store.storage.library import Library
from tests.support.ui import main, reader_text, settle, wait_for
from tui.app import DigestApp
from tui.screens.error import LibraryErrorScreen
from tui.screens.main import MainScreen
from tui.screens.main_view import first_listing

pytestmark = pytest.mark.anyio

DEEPSEEK = short_hash("deepseek")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_empty_library_says_how_to_add(tmp_path: Path) -> None:
    app = DigestApp(tmp_path / "empty", first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = reader_text(app)
        assert "Your library is empty" in text
        assert "digest-tui ingest" in text


async def test_first_run_samples_replace_the_empty_library_how_to(tmp_path: Path) -> None:
    """A new library gets the bundled samples: the reader must not go on saying it is empty."""
    app = DigestApp(tmp_path / "new", first_run=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert main(app).episodes.row_count > 0
        text = reader_text(app)
        assert "Your library is empty" not in text
        assert "Select an entry" in text


async def test_damaged_library_shows_message(tmp_path: Path) -> None:
    directory = tmp_path / "bad"
    directory.mkdir()
    (directory / "library.json").write_text("{not json")
    app = DigestApp(directory, first_run=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryErrorScreen)
        message = str(app.screen.query_one("#error-message", Static).visual)
        assert "library" in message.lower()
        await pilot.press("q")
    assert (directory / "library.json").read_text() == "{not json"


async def test_second_instance_is_told_and_polls(lib_dir: Path) -> None:
    from filelock import FileLock

    held = FileLock(str(lib_dir / "ui.lock"))
    held.acquire()
    try:
        app = DigestApp(lib_dir, first_run=False, poll_seconds=0.05)
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await settle(pilot)
            assert app.second_instance
            assert any("Another digest-tui" in n.message for n in app._notifications)
            # the other instance bookmarks: this one picks it up on its poll
            Library.open(lib_dir).set_bookmarked([DEEPSEEK], True)

            def picked_up() -> bool:
                marks = main(app).marks.get(DEEPSEEK)
                return bool(marks and marks.bookmarked)

            await wait_for(pilot, picked_up, "the poll to pick up the bookmark", step=0.05)
    finally:
        held.release()


async def test_theme_choice_persists(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert Library.open(lib_dir).ui_state().get("theme") == "nord"
    again = DigestApp(lib_dir, first_run=False)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


def hold_library_open(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make ``Library.open`` wait until the returned event is set (a slow library)."""
    from store.storage.library import Library as StoreLibrary

    release = threading.Event()
    real_open = StoreLibrary.open

    def slow_open(directory: Path, **how: bool) -> StoreLibrary:
        release.wait(10)
        return real_open(directory, **how)

    monkeypatch.setattr(StoreLibrary, "open", staticmethod(slow_open))
    return release


async def test_frame_is_drawn_while_the_library_loads(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow library open (past LOADING_FRAME_AFTER) shows "Loading library…" first."""
    release = hold_library_open(monkeypatch)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        from tui.app import LOADING_FRAME_AFTER

        assert LOADING_FRAME_AFTER > 0

        def loading_shown() -> bool:
            from textual.css.query import NoMatches

            screen = app.main_screen
            try:  # the frame may exist before its panes are composed
                return screen is not None and "Loading library" in screen.episodes._plain(
                    screen.episodes.render_line(1)
                )
            except NoMatches:
                return False

        await wait_for(pilot, loading_shown, "the loading frame", step=0.05, workers=False)
        screen = main(app)
        assert not screen.loaded
        await pilot.press("b", "r", "slash")  # library actions wait for the library
        assert not screen.query_one("#search").display
        release.set()
        await settle(pilot)
        assert screen.loaded
        assert screen.episodes.row_count == 5
        assert screen.nav_data.tags  # the tag summary followed the first paint


async def test_keys_before_the_library_opens_leave_nothing_under_the_panes(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """? or the palette in the first moments must not end up buried under the main screen."""
    release = hold_library_open(monkeypatch)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("question_mark", "ctrl+p")
        await pilot.pause()
        release.set()
        # the open's result is a message: a loaded machine can be idle before it lands
        await wait_for(
            pilot,
            lambda: app.main_screen is not None and app.main_screen.loaded,
            "the library to open",
        )
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen_stack) == 2  # the default screen, then the panes
        assert main(app).loaded


async def test_a_library_opening_as_the_frame_is_pushed_waits_for_its_panes(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open can finish between the loading frame's push and its compose (a slow
    machine): attaching then queried panes that did not exist yet (NoMatches)."""
    app = DigestApp(lib_dir, first_run=False)
    opened = Library.open(lib_dir, first_page=True)
    monkeypatch.setattr(DigestApp, "_open_library", lambda self: None)  # opened below
    real_frame = DigestApp._show_frame
    tasks: list[asyncio.Task[None]] = []

    def frame_then_open(self: DigestApp) -> None:
        real_frame(self)
        # the open's message handled before the frame composes its panes
        event = DigestApp.LibraryOpened(opened, first_listing(opened))
        tasks.append(asyncio.get_running_loop().create_task(self._library_opened(event)))

    monkeypatch.setattr(DigestApp, "_show_frame", frame_then_open)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.main_screen is not None, "the frame", workers=False)
        await settle(pilot)
        await tasks[0]
        screen = main(app)
        assert screen.loaded
        assert screen.episodes.row_count == 5
