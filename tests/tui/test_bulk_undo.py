"""Bulk actions on a view and undo, by keys (issue 18, items 4 and 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label

from store.models import short_hash
from store.storage.library import Library
from tests.support.ui import main, settle
from tui.app import DigestApp
from tui.dialogs.confirm import ConfirmDialog

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def reads(directory: Path) -> dict[str, bool]:
    lib = Library.open(directory)
    return {r.id: lib.marks(r.id).read for r in lib.rows()}


async def test_mark_all_read_asks_with_the_count_and_u_undoes_it(lib_dir: Path) -> None:
    before = reads(lib_dir)
    assert sum(before.values()) == 1  # the post
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = str(app.screen.query_one(".dialog-title", Label).visual)
        assert question == "Mark 4 entries in this view read?"
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert reads(lib_dir) == before
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert all(reads(lib_dir).values())
        messages = [n.message for n in app._notifications]
        assert "4 entries marked read — u to undo" in messages, messages
        await pilot.press("u")
        await settle(pilot)
        assert reads(lib_dir) == before  # exactly the earlier states, the read post too
        assert any(
            m.startswith("Undone: mark read (4 entries)")
            for m in [n.message for n in app._notifications]
        )


async def test_undo_reaches_back_across_a_restart(lib_dir: Path) -> None:
    before = reads(lib_dir)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("A", "y")
        await settle(pilot)
    assert all(reads(lib_dir).values())
    again = DigestApp(lib_dir, first_run=False)
    async with again.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert reads(lib_dir) == before
        await pilot.press("u")  # the step before: the fixture marking the post read
        await settle(pilot)
        assert not any(reads(lib_dir).values())
        await pilot.press("u")
        await settle(pilot)
        assert "Nothing to undo." in [n.message for n in again._notifications]


async def test_mark_read_below_the_cursor_from_the_palette_action(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        order = [r.id for r in screen.episodes.rows_in_order]
        await pilot.press("j", "j")
        assert screen.episodes.current is not None
        assert screen.episodes.current.id == order[2]
        await screen.run_action("mark_view_read('below')")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        now = reads(lib_dir)
        assert [now[i] for i in order[2:]] == [True] * len(order[2:])
        assert [now[i] for i in order[:2]] == [i == short_hash("post") for i in order[:2]]
