"""The Kept screen (K / palette "Kept points"): grouped points, enter opens, d lets go."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from store import api
from store.models import short_hash
from tests.support.ui import main, settle, stored, wait_for
from tui.app import DigestApp
from tui.screens.kept import KeptScreen

pytestmark = pytest.mark.anyio

DEEPSEEK = short_hash("deepseek")
WILLIAMSON = short_hash("williamson")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def keep_three(lib_dir: Path) -> tuple[str, str, str]:
    """Two points of the DeepSeek episode (one with a note that looks like markup), one other."""
    lib = stored(lib_dir)
    ds = api.keepable_points(lib, DEEPSEEK)
    wm = api.keepable_points(lib, WILLIAMSON)
    api.keep_point(lib, DEEPSEEK, ds[1], "[bold]check[/bold] this")
    api.keep_point(lib, WILLIAMSON, wm[0])
    api.keep_point(lib, DEEPSEEK, ds[3])
    return ds[1], ds[3], wm[0]


def shown(app: DigestApp) -> str:
    """What the Kept screen's list draws, as plain text (one option after another)."""
    ol = app.screen.query_one(OptionList)
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    for i in range(ol.option_count):
        console.print(ol.get_option_at_index(i).prompt)
    return console.export_text()


async def open_kept(pilot: Pilot[Any], key: str = "K") -> KeptScreen:
    await settle(pilot)
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, KeptScreen), "the Kept screen")
    screen = pilot.app.screen
    assert isinstance(screen, KeptScreen)
    summary = screen.query_one("#kept-summary", Static)
    await wait_for(pilot, lambda: "Reading" not in str(summary.visual), "the points")
    return screen


async def test_points_are_listed_by_group_with_source_date_and_literal_note(
    lib_dir: Path,
) -> None:
    ds1, ds3, wm0 = keep_three(lib_dir)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_kept(pilot)
        text = shown(app)
        assert ds1 in text and ds3 in text and wm0 in text
        assert "All-In Podcast · 2025-02-03" in text and "Chris Williamson · 2025-02-03" in text
        assert "note: [bold]check[/bold] this" in text  # the user's text, not markup
        # newest first within a group; the DeepSeek group (its newest point) first
        assert text.index(ds3) < text.index(ds1) < text.index(wm0)
        groups = {p.group for p in screen.points}
        assert len(groups) == 2 and all(g in text for g in groups)
        assert "3 kept points in 2 groups" in str(screen.query_one("#kept-summary", Static).visual)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is main(app)


async def test_d_lets_a_point_go_for_good_and_enter_opens_its_entry(lib_dir: Path) -> None:
    ds1, ds3, wm0 = keep_three(lib_dir)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_kept(pilot)
        current = screen.current_point()
        assert current is not None and current.text == ds3
        await pilot.press("d")
        await wait_for(pilot, lambda: ds3 not in shown(app), "the point to go")
        assert set(api.kept_texts(stored(lib_dir), DEEPSEEK)) == {ds1}  # as the shell sees it
        await pilot.press("down", "down")  # over the next group's heading: Williamson's point
        current = screen.current_point()
        assert current is not None and current.text == wm0
        await pilot.press("enter")
        reader = main(app).reader
        await wait_for(
            pilot,
            lambda: reader.entry is not None and reader.entry.id == WILLIAMSON,
            "its entry in the reader",
        )
        assert app.screen is main(app)


async def test_the_palette_opens_it_and_an_empty_library_says_how_to_keep(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Kept points")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KeptScreen), "the Kept screen")
        summary = app.screen.query_one("#kept-summary", Static)
        await wait_for(pilot, lambda: "Nothing kept yet" in str(summary.visual), "the hint")
        await pilot.press("enter")  # nothing to open: stays
        await settle(pilot)
        assert isinstance(app.screen, KeptScreen)


async def _kept(pilot: Pilot[object]) -> None:
    await open_kept(pilot)
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_kept_screen_snapshot(snap_compare, lib_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    keep_three(lib_dir)
    assert snap_compare(DigestApp(lib_dir, first_run=False), terminal_size=size, run_before=_kept)
