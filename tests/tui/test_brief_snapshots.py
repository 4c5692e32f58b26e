"""Snapshot of the brief screen at two sizes (see tests/tui/test_snapshots.py for the rules).

The fixture library was never visited, so ``B`` shows all of it as new: a
fixed text ("since the start (no visit yet)"), not a clock time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.support.ui import settle, wait_for
from tui.app import DigestApp
from tui.screens.brief import BriefScreen

SIZES = [(80, 24), (160, 48)]


async def _brief(pilot: Pilot[object]) -> None:
    await settle(pilot)
    await pilot.press("B")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, BriefScreen), "the brief")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_brief_screen(snap_compare, lib_dir: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = DigestApp(lib_dir, first_run=False)
    assert snap_compare(app, terminal_size=size, run_before=_brief)
