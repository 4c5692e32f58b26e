"""The reader's keyboard path, by real keys: related entries, linked points, the way back.

Issue 17.1: related entries were reachable only with the mouse, in a box that
cut the sixth row; 16.4: a point "also" stated elsewhere could not be
followed. Here a library where eight sources tell one story (seven related
entries each) is walked with ``]``, ``enter`` and ``backspace`` at 160×48 and
80×24, and a linked point of the labelled topic set is followed with ``}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from store.storage.library import Library
from store.sync.ingest import ingest_paths
from tests.support.ui import main, open_entry, reader_text, settle, stored, wait_for
from tests.tui.reader_library import build
from tui.app import DigestApp
from tui.widgets.reader_parts import PointRow, RelatedRow

pytestmark = pytest.mark.anyio

OWN = Path(__file__).resolve().parents[1] / "data" / "topics-own"
SIZES = [(160, 48), (80, 24)]
NEXT_POINT = "right_curly_bracket"  # }


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def many_lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))
    build(tmp_path / "lib", tmp_path / "feeds")
    return tmp_path / "lib"


def first_id(lib_dir: Path, words: str) -> str:
    return next(r.id for r in Library.open(lib_dir).rows() if words in r.title)


def related_rows(app: DigestApp) -> list[RelatedRow]:
    return list(main(app).reader.query(RelatedRow).results(RelatedRow))


def on_screen(widget: Any, pane: Any) -> bool:
    """The widget is drawn inside the pane's visible part (not scrolled away, not cut)."""
    r, box = widget.region, pane.content_region
    return bool(r.height) and box.y <= r.y and r.bottom <= box.bottom


async def press_until(pilot: Pilot[Any], key: str, done: Any, what: str, most: int = 20) -> None:
    for _ in range(most):
        if done():
            return
        await pilot.press(key)
        await pilot.pause()
    await wait_for(pilot, done, what)


@pytest.mark.parametrize("size", SIZES)
async def test_sixth_related_entry_by_keys_and_back(many_lib: Path, size: tuple[int, int]) -> None:
    start = first_id(many_lib, "County Wire")
    app = DigestApp(many_lib, first_run=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, start)
        rows = related_rows(app)
        assert len(rows) >= 6
        sixth = rows[5]
        await press_until(pilot, "right_square_bracket", lambda: app.focused is sixth, "] ×6")
        await wait_for(pilot, lambda: on_screen(sixth, screen.reader), "the 6th row shown")
        y = screen.reader.scroll_y
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.entry is not None and screen.reader.entry.id == sixth.item.id
        assert stored(many_lib).marks(sixth.item.id).read
        # one level deeper, then back twice: each entry at the place it was left
        deeper = related_rows(app)[0]
        await press_until(pilot, "right_square_bracket", lambda: app.focused is deeper, "]")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.entry is not None and screen.reader.entry.id == deeper.item.id
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.reader.entry is not None and screen.reader.entry.id == sixth.item.id
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.reader.entry is not None and screen.reader.entry.id == start
        await wait_for(
            pilot,
            lambda: isinstance(app.focused, RelatedRow) and app.focused.item.id == sixth.item.id,
            "the 6th related row focused again",
        )
        focused = app.focused
        await wait_for(pilot, lambda: screen.reader.scroll_y == y, "the same scroll position")
        assert focused is not None and on_screen(focused, screen.reader)
        # nothing left to go back to: backspace leaves the reader for the list
        await pilot.press("backspace")
        await wait_for(pilot, lambda: app.focused is screen.episodes, "backspace to the list")


async def test_related_list_is_complete_and_scrolls_with_the_reader(many_lib: Path) -> None:
    app = DigestApp(many_lib, first_run=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, first_id(many_lib, "County Wire"))
        rows = related_rows(app)
        assert len(rows) == 7
        text = reader_text(app)
        # every row names where it comes from, its date and why it is listed
        assert "Valley Morning · 2025-09-03 · shares " in text
        assert text.count("· shares ") == 7
        await pilot.press("end")
        await wait_for(pilot, lambda: on_screen(rows[-1], screen.reader), "end to show the last")
        await pilot.press("home")
        await wait_for(pilot, lambda: screen.reader.scroll_y == 0, "home")
        await press_until(
            pilot, "j", lambda: on_screen(rows[-1], screen.reader), "j to reveal the last", 80
        )


async def test_reasons_follow_a_removed_tag(many_lib: Path) -> None:
    app = DigestApp(many_lib, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_entry(pilot, first_id(many_lib, "County Wire"))

        def reasons() -> str:
            return " ".join(str(r.item.shared_tags) for r in related_rows(app))

        assert "lake-corven" in reasons()
        await pilot.press("T")
        await wait_for(pilot, lambda: app.screen is not main(app), "T to open its dialog")
        from textual.widgets import OptionList

        options = app.screen.query_one(OptionList)
        await press_until(
            pilot,
            "j",
            lambda: (
                options.highlighted is not None
                and options.get_option_at_index(options.highlighted).id == "lake-corven"
            ),
            "the lake-corven tag under the cursor",
        )
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: "lake-corven" not in reasons(), "reasons to drop the tag")
        assert "lake-corven" not in reader_text(app).split("Related", 1)[1]


@pytest.fixture
def story_lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))
    d = tmp_path / "lib"
    files = [
        p for p in sorted(OWN.iterdir()) if p.suffix in (".md", ".xml") and p.name != "README.md"
    ]
    ingest_paths(Library.open(d), files)
    return d


@pytest.mark.parametrize("size", SIZES)
async def test_linked_point_by_keys_and_back(story_lib: Path, size: tuple[int, int]) -> None:
    start = first_id(story_lib, "Halvard Rail Drivers Walk Out")
    app = DigestApp(story_lib, first_run=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, start)

        def on_linked() -> bool:
            return isinstance(app.focused, PointRow) and "1,200 drivers" in app.focused.text

        await press_until(pilot, NEXT_POINT, on_linked, "} to the point Evening Wire states too")
        point = app.focused
        assert isinstance(point, PointRow) and point.also
        await pilot.press("enter")
        await settle(pilot)
        if len(point.also) > 1:  # several places to go: a chooser, enter takes the first
            await pilot.press("enter")
            await settle(pilot)
        assert screen.reader.entry is not None
        assert screen.reader.entry.id == point.also[0].id
        assert "Evening Wire" in (screen.reader.entry.show or screen.reader.entry.source.name)
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.reader.entry is not None and screen.reader.entry.id == start
        await wait_for(pilot, on_linked, "the point cursor back on the linked point")


async def test_point_cursor_visits_bullets_of_open_sections_only(lib_dir: Path) -> None:
    from store.models import short_hash

    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, short_hash("deepseek"))
        reader = screen.reader
        closed = len(reader.points())
        assert closed and all(p.kind == "key" for p in reader.points())
        await pilot.press("e")  # open every section: their bullets join the cursor's path
        await wait_for(pilot, lambda: len(reader.points()) > closed, "bullets of open sections")
        for _ in range(closed + 1):
            await pilot.press(NEXT_POINT)
        await wait_for(
            pilot,
            lambda: isinstance(app.focused, PointRow) and app.focused.kind == "detail",
            "} to reach a detail bullet",
        )
        # j still scrolls line by line from a point
        y = reader.scroll_y
        await pilot.press("j")
        await wait_for(pilot, lambda: reader.scroll_y == y + 1, "j to scroll")


async def test_story_line_offers_the_story_entries(story_lib: Path) -> None:
    from textual.widgets import OptionList

    from tui.widgets.reader_dialogs import JumpChooser
    from tui.widgets.reader_parts import StoryRow

    start = first_id(story_lib, "Halvard Rail Drivers Walk Out")
    app = DigestApp(story_lib, first_run=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, start)
        await press_until(
            pilot, "right_square_bracket", lambda: isinstance(app.focused, StoryRow), "] to story"
        )
        story = app.focused
        assert isinstance(story, StoryRow) and len(story.story.entries) == 2
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, JumpChooser), "the chooser")
        shown = " ".join(str(o.prompt) for o in app.screen.query_one(OptionList).options)
        assert all(j.title in shown for j in story.story.entries)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.reader.entry is not None
        assert screen.reader.entry.id == story.story.entries[1].id
        await pilot.press("escape")  # escape goes back too
        await settle(pilot)
        assert screen.reader.entry is not None and screen.reader.entry.id == start


@pytest.mark.parametrize("size", SIZES)
async def test_h_keeps_the_point_under_the_cursor_and_h_again_lets_it_go(
    story_lib: Path, size: tuple[int, int]
) -> None:
    from store.api import kept_texts
    from tui.widgets.reader_dialogs import NoteDialog

    start = first_id(story_lib, "Halvard Rail Drivers Walk Out")
    app = DigestApp(story_lib, first_run=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, start)
        await press_until(
            pilot, NEXT_POINT, lambda: isinstance(app.focused, PointRow), "} to a point"
        )
        await pilot.press(NEXT_POINT)  # the second point
        await pilot.pause()
        point = app.focused
        assert isinstance(point, PointRow) and point.index == 1
        await pilot.press("h")
        await settle(pilot)
        assert kept_texts(stored(story_lib), start) == {point.text: ""}
        await wait_for(pilot, lambda: "★ kept" in reader_text(app), "the kept badge")
        # H: the same point with a note, typed in the dialog
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog), "H to ask a note")
        await pilot.press(*"check [b]x")
        await pilot.press("enter")
        await settle(pilot)
        assert kept_texts(stored(story_lib), start) == {point.text: "check [b]x"}
        await wait_for(pilot, lambda: "★ kept — check [b]x" in reader_text(app), "the note")
        # the badge survives leaving and reopening the entry
        await wait_for(pilot, lambda: app.focused is point, "the point focused after the dialog")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is screen.episodes, "the list")
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: "★ kept — check [b]x" in reader_text(app), "badge again")
        rows = screen.reader.points()
        kept = [p for p in rows if p.kept]
        assert [p.text for p in kept] == [point.text]
        kept[0].focus()
        await wait_for(pilot, lambda: app.focused is kept[0], "the kept point focused")
        await pilot.press("h")
        await settle(pilot)
        assert kept_texts(stored(story_lib), start) == {}
        await wait_for(pilot, lambda: "★ kept" not in reader_text(app), "the badge gone")
        # h with the cursor on no point keeps nothing and says how
        screen.reader.focus()
        await pilot.press("h")
        await settle(pilot)
        assert kept_texts(stored(story_lib), start) == {}
