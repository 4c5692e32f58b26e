"""The main screen takes a large library's rows out of the garbage collector's walks.

Why: rows are a tuple subclass, which CPython's collector never untracks, so
each full collection walked every row again: 0.3-0.7 s of the first screen at
500k rows. ``MainView.attach`` freezes them (``gc.freeze``) from
``FREEZE_ROWS`` on. The freeze itself is replaced by a spy here: a real one
would keep this test process's objects from ever being collected.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from store.storage.library import Library
from tests.support.ui import main, settle
from tui.app import DigestApp
from tui.screens import main_view

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.parametrize(("extra", "frozen"), [(0, 1), (1, 0)])
async def test_rows_are_frozen_from_the_threshold_on(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch, extra: int, frozen: int
) -> None:
    size = len(Library.open(lib_dir))
    assert size > 0
    calls: list[None] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(None))
    monkeypatch.setattr(main_view, "FREEZE_ROWS", size + extra)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert main(app).episodes.row_count == size
    assert len(calls) == frozen
