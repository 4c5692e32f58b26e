"""Hostile text: markup, actions and control sequences in feed fields stay inert text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static

from store.models import Entry, Source, short_hash
from tests.support.library import build_library
from tests.support.ui import settle
from tui.app import DigestApp

pytestmark = pytest.mark.anyio

HOSTILE_TITLE = (
    "[@click=app.quit]Click me[/] [bold]loud[/bold] [/link] \x1b]0;pwned\x07 \x1b[31mred"
)
HOSTILE_ID = short_hash("hostile")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    entry = Entry(
        id=HOSTILE_ID,
        source=Source("feed", "[red]Evil[/red] feed \x1b[2J", "https://evil.example/feed"),
        title=HOSTILE_TITLE,
        show="[@click=app.bell]show[/]",
        link="javascript:alert(1)",
        published="2025-02-01",
        summary="[@click=app.quit]summary[/] \x07\x1b[?1049l",
        key_points=("[b]point[/b]", "[/unbalanced]"),
        auto_tags=("[@click=app.quit]tag",),
    )
    directory = tmp_path / "hostile"
    build_library(directory, [entry])
    return directory


def screen_text(app: DigestApp) -> str:
    """Every visible Static and list line, as the plain text the terminal would get."""
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    screen = app.main_screen
    assert screen is not None
    for w in screen.query(Static).results(Static):
        console.print(w.content)
    episodes = screen.episodes
    for y in range(episodes.size.height):
        console.print(episodes._plain(episodes.render_line(y)))
    return console.export_text()


async def test_hostile_title_is_literal_and_fires_nothing(hostile_dir: Path) -> None:
    app = DigestApp(hostile_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen is not None
        line = screen.episodes._plain(screen.episodes.render_line(1))
        assert "[@click=app.quit]Click me[/] [" in line  # literal (cut to the pane width)
        # click the title in the list, then open it and click its title in the reader
        await pilot.click(screen.episodes, offset=(30, 1))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.click(screen.reader, offset=(3, 2))
        await pilot.click(screen.reader, offset=(3, 3))
        await settle(pilot)
        assert app.is_running and app.return_code is None
        text = screen_text(app)
        assert "[@click=app.quit]Click me[/] [bold]loud[/bold] [/link]" in text
        assert "[@click=app.quit]summary[/]" in text
        assert "[/unbalanced]" in text
        assert "[red]Evil[/red] feed" in text
        assert "\x1b" not in text and "\x07" not in text
        # a javascript: link is never opened
        opened: list[str] = []
        app.open_url = lambda url, **kw: opened.append(url)  # type: ignore[method-assign]
        await pilot.press("o")
        assert opened == []
        assert app.is_running


async def test_hostile_names_in_navigator_and_palette(hostile_dir: Path) -> None:
    from tui.screens.palette import LibraryCommands

    app = DigestApp(hostile_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen is not None
        hits = [h async for h in LibraryCommands(screen).search("evil")]
        assert hits and all("[red]Evil[/red]" in str(h.prompt) for h in hits)
        await pilot.press("ctrl+p")
        for ch in "evil":
            await pilot.press(ch)
        await settle(pilot)
        assert app.is_running
