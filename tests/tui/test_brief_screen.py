"""The brief screen by keys: first screen when something is new, B, enter, m, x, u, escape."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from store import api
from store.models import short_hash
from store.storage.library import Library
from tests.support.ui import main, reader_text, settle, wait_for
from tui.app import DigestApp
from tui.screens.brief import BriefScreen
from tui.screens.main import MainScreen

pytestmark = pytest.mark.anyio

NEW = [short_hash("deepseek"), short_hash("podcast"), short_hash("article")]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def visited(lib_dir: Path) -> Path:
    """The fixture library, visited before three of its entries arrived."""
    lib = Library.open(lib_dir)
    assert api.leave_brief(lib, [r.id for r in lib.rows() if r.id not in NEW])
    return lib_dir


def shown(app: DigestApp) -> list[str]:
    """The brief's lines as the list shows them (header first)."""
    screen = app.screen
    assert isinstance(screen, BriefScreen)
    header = str(screen.query_one("#brief-header", Static).content)
    options = screen.query_one("#brief-list", OptionList)
    lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return [header, *lines]


def reads(d: Path) -> list[bool]:
    lib = Library.open(d)
    return [lib.marks(i).read for i in NEW]


async def test_the_brief_opens_first_and_its_keys_act_on_a_group(visited: Path) -> None:
    app = DigestApp(visited, first_run=False)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BriefScreen), "the brief first")
        await settle(pilot)
        lines = shown(app)
        assert "3 entries · 1 group" in lines[0]
        assert lines[1].startswith("#compute  3 shows · 3 entries")
        assert "Test Podcast, All-In Podcast, essays" in lines[1]
        assert any("The $6 million cost claim is misleading. — All-In Podcast" in x for x in lines)

        await pilot.press("m")
        await wait_for(pilot, lambda: all(reads(visited)), "the group marked read")
        await wait_for(pilot, lambda: "· read" in shown(app)[1], "the group shown read")
        notes = [n.message for n in app._notifications]
        assert "3 entries marked read — u to undo" in notes, notes
        await pilot.press("u")
        await wait_for(pilot, lambda: not any(reads(visited)), "the marks undone")
        assert "Undone: mark read (3 entries)." in [n.message for n in app._notifications]

        await pilot.press("x")
        await wait_for(pilot, lambda: "1 hidden" in shown(app)[0], "the group hidden")
        assert not any("#compute" in x for x in shown(app))
        await pilot.press("u")
        await wait_for(pilot, lambda: "#compute" in shown(app)[1], "the group back")

        await pilot.press("j", "enter")  # a point of All-In's: its entry opens in the reader
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        await settle(pilot)
        assert "AI Czar David Sacks Explains the DeepSeek Freak Out" in reader_text(app)

        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, BriefScreen), "B opens the brief")
        await settle(pilot)
        assert "#compute" in shown(app)[1]  # the same window until the UI quits
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "escape goes back")
    # quitting was the visit: nothing is new now, the UI opens on the main screen
    assert Library.open(visited) is not None
    assert api.brief(Library.open(visited)).empty
    again = DigestApp(visited, first_run=False)
    async with again.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, MainScreen)
        assert main(again).episodes.current is not None


async def test_a_library_never_visited_opens_on_the_main_screen(lib_dir: Path) -> None:
    assert api.last_visit(Library.open(lib_dir)) is None
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("B")  # anytime: never visited, so everything is new
        await wait_for(pilot, lambda: isinstance(app.screen, BriefScreen), "B opens the brief")
        await settle(pilot)
        assert "since the start (no visit yet)" in shown(app)[0]
    assert api.last_visit(Library.open(lib_dir)) is not None  # quitting recorded the visit


async def test_the_first_run_samples_do_not_make_a_brief(tmp_path: Path) -> None:
    d = tmp_path / "new"
    for _ in range(2):  # the first run, then the next start
        app = DigestApp(d, first_run=True)
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for(pilot, lambda: len(Library.open(d)) > 0, "the samples")  # noqa: B023
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
