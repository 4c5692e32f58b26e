"""Snapshot tests of the main screen, the reader and the help screen at two sizes.

Deterministic by construction: a library of fixed entries (tests/support/library.py),
the default theme, notifications off (run_test's default), no first-run
ingest, no cursor on screen (the search input stays hidden). Regenerate with
``pytest tests/tui/test_snapshots.py --snapshot-update`` after a deliberate change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.support.ui import settle
from tui.app import DigestApp

SIZES = [(80, 24), (160, 48)]


def app_for(lib_dir: Path) -> DigestApp:
    return DigestApp(lib_dir, first_run=False)


async def _ready(pilot: Pilot[object]) -> None:
    await settle(pilot)


async def _reading(pilot: Pilot[object]) -> None:
    await settle(pilot)
    await pilot.press("j", "enter")  # the DeepSeek episode
    await settle(pilot)


async def _help(pilot: Pilot[object]) -> None:
    await settle(pilot)
    await pilot.press("question_mark")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare, lib_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(lib_dir), terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader(snap_compare, lib_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(lib_dir), terminal_size=size, run_before=_reading)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare, lib_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_for(lib_dir), terminal_size=size, run_before=_help)
