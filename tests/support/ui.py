"""Pilot helpers shared by the UI tests: wait for the workers, read what the reader shows."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from store.models import short_hash
from store.storage.library import Library
from tui.app import DigestApp
from tui.screens.main import MainScreen

# Entries of the sample library (tests/conftest.py: lib_dir) by id, for the keys tests.
DEEPSEEK = short_hash("deepseek")
WILLIAMSON = short_hash("williamson")
PODCAST = short_hash("podcast")
TITLES = {
    DEEPSEEK: "AI Czar David Sacks",
    WILLIAMSON: "Men Aren't Seen",
    PODCAST: "Episode 12: Compute",
}


async def _complete(app: Any, busy: list[Any]) -> None:
    """Wait for ``busy`` workers; one cancelled meanwhile (exclusive, superseded) is done too."""
    from textual.worker import WorkerCancelled

    with contextlib.suppress(WorkerCancelled):
        await app.workers.wait_for_complete(busy)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker is running, none is about to start, and the screen caught up.

    "About to start": the main screen starts the tag summary only after the
    first list paint (``tags_pending``), so an idle moment before it is not the
    end; nor is one before the library's open has landed and the panes are there
    (a loaded machine can be idle between the open's worker and its message).
    """
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        # a dialog's worker waits for the user: never wait for it
        busy = [w for w in app.workers if w.group != "dialog" and not w.is_finished]
        screen = app.main_screen if isinstance(app, DigestApp) else None
        pending = screen is not None and (
            screen.tags_pending or not screen.loaded or not screen.query("#episodes")
        )
        if not busy and not pending:
            return
        if busy:
            await _complete(app, busy)
        await pilot.pause()


async def wait_for(
    pilot: Pilot[Any],
    condition: Callable[[], bool],
    what: str,
    *,
    tries: int = 200,
    step: float = 0.0,
    workers: bool = True,
) -> None:
    """Wait until ``condition()`` holds, or fail naming ``what``.

    Why: a fixed ``pilot.pause(0.3)`` is a guess that breaks on a loaded
    machine and hides a condition that never comes. Each try lets the app
    process its messages (and ``step`` seconds pass, for timers); the bound is a
    number of tries, not a wall-clock threshold. ``workers=False`` when a
    worker is held on purpose (waiting for it would wait for the hold).
    """
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(step) if step else await pilot.pause()
        busy = [w for w in pilot.app.workers if w.group != "dialog" and not w.is_finished]
        if busy and workers:
            await _complete(pilot.app, busy)
    if not condition():
        raise AssertionError(f"gave up waiting for {what} after {tries} tries")


def main(app: DigestApp) -> MainScreen:
    screen = app.main_screen
    assert screen is not None
    return screen


def reader_text(app: DigestApp) -> str:
    """Everything the reader shows, as plain text."""
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    for w in main(app).reader.query(Static).results(Static):
        console.print(w.content)
    return console.export_text()


async def open_entry(pilot: Pilot[Any], entry_id: str) -> None:
    """Move the cursor with j until it is on entry_id, then press enter."""
    episodes = main(pilot.app).episodes  # type: ignore[arg-type]
    for _ in range(20):
        if episodes.current is not None and episodes.current.id == entry_id:
            break
        await pilot.press("j")
    assert episodes.current is not None and episodes.current.id == entry_id
    await pilot.press("enter")
    await settle(pilot)


def stored(lib_dir: Path) -> Library:
    """A fresh handle: what another process (the shell) would read."""
    return Library.open(lib_dir)


async def reading_one_cursor_on_another(pilot: Pilot[Any], reading: str, cursor: str) -> None:
    """The reader shows ``reading``; the list's cursor is on ``cursor``."""
    app = pilot.app
    await settle(pilot)
    screen = main(app)  # type: ignore[arg-type]
    await open_entry(pilot, reading)
    screen.focus_pane(screen.episodes)
    await wait_for(pilot, lambda: app.focused is screen.episodes, "the list focused")
    for key in ("k", "j"):
        for _ in range(8):
            if screen.episodes.current is not None and screen.episodes.current.id == cursor:
                break
            await pilot.press(key)
    assert screen.episodes.current is not None and screen.episodes.current.id == cursor
    assert screen.reader.entry is not None and screen.reader.entry.id == reading


async def focus(pilot: Pilot[Any], where: str) -> None:
    screen = main(pilot.app)  # type: ignore[arg-type]
    pane = {"list": screen.episodes, "reader": screen.reader, "navigator": screen.navigator}[where]
    # by keys: tab / shift+tab from the list
    if where == "reader":
        await pilot.press("tab")
    elif where == "navigator":
        await pilot.press("shift+tab")
    elif pilot.app.focused is screen.navigator:
        await pilot.press("tab")
    await wait_for(
        pilot,
        lambda: pilot.app.focused is pane or pane in pilot.app.focused.ancestors,  # type: ignore[union-attr]
        f"the {where} focused",
    )


async def cursor_to(pilot: Pilot[Any], entry_id: str) -> None:
    """Move the list's cursor with j / k (never by code) until it is on ``entry_id``."""
    screen = main(pilot.app)  # type: ignore[arg-type]
    for key in ("k", "j"):
        for _ in range(8):
            if screen.episodes.current is not None and screen.episodes.current.id == entry_id:
                return
            await pilot.press(key)
    raise AssertionError(f"{entry_id} not reached with j / k")


def capture_links(app: DigestApp, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """The links ``o`` opens and ``y`` copies, kept here instead (a browser is said to be there)."""
    opened: list[str] = []
    copied: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    monkeypatch.setattr(app, "copy_to_clipboard", lambda text: copied.append(text))
    monkeypatch.setattr("tui.screens.main.browser_available", lambda: True)
    return opened, copied
