"""The keys that change the library, pinned where mutmut found the suite blind (issue 20.3).

Why: the keys tests checked that `b`, `m`, `T`, `u` and the bulk actions act on
the right entries, but not what they say, the cases where they must not act,
or the other halves of a toggle. Each test here presses real keys and reads
the library back from disk (what another process sees) and the notifications
the user reads; docs/testing-tui.md names the mutant each one kills.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label

from store import api
from store.models import Entry, Source, short_hash
from store.storage.library import Library
from tests.support.library import build_library
from tests.support.notes import messages, record
from tests.support.ui import (
    DEEPSEEK,
    PODCAST,
    WILLIAMSON,
    cursor_to,
    main,
    settle,
    stored,
    wait_for,
)
from tui.app import DigestApp
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.remove_tag import RemoveTagDialog

pytestmark = pytest.mark.anyio

POST = short_hash("post")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_b_says_bookmarked_then_removed_and_m_toggles_back(lib_dir: Path) -> None:
    """Both halves of each toggle: the second `b` removes the mark, the second `m` unreads."""
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await cursor_to(pilot, WILLIAMSON)
        await pilot.press("b")
        await wait_for(pilot, lambda: "Bookmarked." in messages(notes), "the bookmark said")
        assert stored(lib_dir).marks(WILLIAMSON).bookmarked
        await pilot.press("b")
        await wait_for(pilot, lambda: "Bookmark removed." in messages(notes), "the removal said")
        assert not stored(lib_dir).marks(WILLIAMSON).bookmarked
        assert not stored(lib_dir).marks(DEEPSEEK).bookmarked
        await pilot.press("m")
        await wait_for(pilot, lambda: stored(lib_dir).marks(WILLIAMSON).read, "m to read it")
        await pilot.press("m")
        await wait_for(pilot, lambda: not stored(lib_dir).marks(WILLIAMSON).read, "m to unread")
        # the post was read before: m on it unreads it, and only it
        await cursor_to(pilot, POST)
        await pilot.press("m")
        await wait_for(pilot, lambda: not stored(lib_dir).marks(POST).read, "m to unread the post")
        assert not stored(lib_dir).marks(WILLIAMSON).read


def _lib_with_untagged(directory: Path) -> Library:
    src = Source("file", "plain", "/samples/plain.txt")
    return build_library(
        directory,
        [
            Entry(id=short_hash("bare"), source=src, title="Bare entry", summary="No tags."),
            Entry(id=short_hash("mine"), source=src, title="Mine only", summary="User tag."),
        ],
    )


async def test_T_on_an_entry_without_tags_says_so_and_with_only_yours_offers_it(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "lib"
    _lib_with_untagged(directory).add_tags([short_hash("mine")], ["kept-for-later"])
    app = DigestApp(directory, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await cursor_to(pilot, short_hash("bare"))
        await pilot.press("T")
        await wait_for(pilot, lambda: "This entry has no tags." in messages(notes), "T to say so")
        assert app.screen is main(app)
        await cursor_to(pilot, short_hash("mine"))
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, RemoveTagDialog), "T's dialog")
        text = " ".join(str(w.render()) for w in app.screen.query(Label))
        assert "Mine only" in text, text
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is main(app), "the dialog closed")
        await wait_for(pilot, lambda: "Removed #kept-for-later." in messages(notes), "the removal")
        assert stored(directory).marks(short_hash("mine")).user_tags == ()


async def test_u_after_a_saved_search_names_it_without_a_count(lib_dir: Path) -> None:
    """An undone step that changed no entry's marks says no "(0 entries)"; one that did counts."""
    lib = Library.open(lib_dir)
    api.save_search(lib, "chinese", "+china")
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: any(m.startswith("Undone:") for m in messages(notes)), "undo")
        undone = [m for m in messages(notes) if m.startswith("Undone:")]
        assert len(undone) == 1 and "(" not in undone[0] and undone[0].endswith("."), undone
        assert api.saved_searches(stored(lib_dir)) == []
        await pilot.press("u")  # the fixture's step: the post marked read, one entry
        await wait_for(pilot, lambda: not stored(lib_dir).marks(POST).read, "the second undo")
        await wait_for(pilot, lambda: any("(1 entry)." in m for m in messages(notes)), "its count")


async def test_A_with_nothing_unread_says_so_and_asks_nothing(lib_dir: Path) -> None:
    lib = Library.open(lib_dir)
    lib.set_read([r.id for r in lib.rows()], True)
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await wait_for(pilot, lambda: "Nothing unread here." in messages(notes), "A to say so")
        assert app.screen is main(app)


@pytest.mark.parametrize("where", ["above", "below"])
async def test_mark_read_above_or_below_asks_with_the_count_and_marks_those(
    lib_dir: Path, where: str
) -> None:
    """The palette's "above / below the cursor": the cursor's entry included, the others not."""
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        order = [r.id for r in screen.episodes.rows_in_order]
        await cursor_to(pilot, order[2])
        await screen.run_action(f"mark_view_read('{where}')")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        chosen = order[:3] if where == "above" else order[2:]
        unread = [i for i in chosen if i != POST]
        question = str(app.screen.query_one(".dialog-title", Label).visual)
        assert question == f"Mark {len(unread)} entries {where} the cursor read?", question
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: f"{len(unread)} entries marked read — u to undo" in messages(notes),
            "done",
        )
        lib = stored(lib_dir)
        assert [lib.marks(i).read for i in order] == [i in chosen or i == POST for i in order]


async def test_bookmark_view_asks_bookmarks_every_entry_and_says_how_to_undo(
    lib_dir: Path,
) -> None:
    """Every row of the view, wherever the cursor is (the cursor on the last row)."""
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        ids = [r.id for r in screen.episodes.rows_in_order]
        await cursor_to(pilot, ids[-1])  # the whole view, not the rows from the cursor on
        await screen.run_action("bookmark_view")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), "the question")
        question = str(app.screen.query_one(".dialog-title", Label).visual)
        assert question == f"Bookmark {len(ids)} entries in this view?", question
        await pilot.press("y")
        await wait_for(
            pilot, lambda: f"{len(ids)} entries bookmarked — u to undo" in messages(notes), "done"
        )
        lib = stored(lib_dir)
        assert all(lib.marks(i).bookmarked for i in ids)
        assert PODCAST in ids
