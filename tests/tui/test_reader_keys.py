"""What the reader's keys say and do: the "act on" line, the pane's footer, space, the meta line.

Issue 17.6: with the list and the reader side by side, the keys hit one entry
or the other by focus, and nothing said which; 17.9: the footer showed six keys
while the reader's lived only in help; 18.6: space pages, then goes on to the
next unread entry; 18.8: a podcast says how long it is and how big.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.widgets import Collapsible, Static

from store.models import Enclosure, Section
from tests.support.ui import (
    DEEPSEEK,
    TITLES,
    WILLIAMSON,
    focus,
    main,
    open_entry,
    reader_text,
    reading_one_cursor_on_another,
    settle,
    stored,
    wait_for,
)
from tests.tui.reader_library import build
from tui.app import DigestApp
from tui.screens.main_panes import TargetLine
from tui.widgets.reader_parts import media_facts, spoken_duration

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def footer_keys(app: DigestApp) -> list[str]:
    """The descriptions the footer shows, in order."""
    return [str(getattr(k, "description", "")) for k in app.screen.query("FooterKey")]


def target_text(app: DigestApp) -> str:
    return str(main(app).query_one("#target-line", TargetLine).render())


@pytest.mark.parametrize("size", [(160, 48), (80, 24)])
async def test_the_line_above_the_footer_names_the_entry_keys_act_on(
    lib_dir: Path, size: tuple[int, int]
) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=size) as pilot:
        await reading_one_cursor_on_another(pilot, DEEPSEEK, WILLIAMSON)
        await focus(pilot, "list")
        await wait_for(pilot, lambda: TITLES[WILLIAMSON] in target_text(app), "the cursor's entry")
        assert "Next unread" in footer_keys(app) and "Next stop" not in footer_keys(app)
        assert "Quit" in footer_keys(app)
        await focus(pilot, "reader")
        await wait_for(pilot, lambda: TITLES[DEEPSEEK] in target_text(app), "the reader's entry")
        assert "the reader's entry" in target_text(app)
        shown = footer_keys(app)
        assert {"Next stop", "Back", "Read", "Open", "Play"} <= set(shown)
        assert "Quit" not in shown  # q goes back to the list from here
        await pilot.press("b")
        await settle(pilot)
        assert stored(lib_dir).marks(DEEPSEEK).bookmarked
        assert not stored(lib_dir).marks(WILLIAMSON).bookmarked


async def test_a_title_in_the_act_on_line_is_text_not_markup(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        line = main(app).query_one("#target-line", TargetLine)
        line.show_target("list", "[@click=app.quit]x[/] [bold]y")
        await pilot.pause()
        assert "[@click=app.quit]x[/] [bold]y" in str(line.render())
        assert app.is_running


@pytest.fixture
def many_lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))
    build(tmp_path / "lib", tmp_path / "feeds")
    return tmp_path / "lib"


async def test_space_pages_then_opens_the_next_unread_entry(many_lib: Path) -> None:
    app = DigestApp(many_lib, first_run=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        order = [r.id for r in screen.episodes.rows_in_order]
        await open_entry(pilot, order[0])
        reader = screen.reader
        assert reader.max_scroll_y > 0  # at 80×24 the entry is longer than the pane
        seen = [order[0]]
        for _ in range(60):
            await pilot.press("space")
            await settle(pilot)
            entry = reader.entry
            assert entry is not None
            if entry.id != seen[-1]:
                assert reader.scroll_y == 0  # a new entry starts at the top
                seen.append(entry.id)
            if len(seen) == len(order):
                break
        assert seen == order  # every unread entry, in the list's order
        lib = stored(many_lib)
        assert all(lib.marks(i).read for i in order)
        for _ in range(60):  # at the end of the last one: said, not silently nothing
            await pilot.press("space")
            await settle(pilot)
            if any("No more unread" in n.message for n in app._notifications):
                break
        assert any("No more unread" in n.message for n in app._notifications)
        assert reader.entry is not None and reader.entry.id == order[-1]


async def test_space_at_the_end_of_a_source_goes_on_to_the_next_source(many_lib: Path) -> None:
    """newsboat's next-unread: a source read to its end leads to the next one with unread."""
    from store.views import Selection

    app = DigestApp(many_lib, first_run=False)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        sources = [s.name for s in screen.nav_data.sources]
        assert len(sources) >= 2
        first, second = sources[0], sources[1]
        screen.go_to(Selection("source", first))
        await settle(pilot)
        mine = [r.id for r in screen.episodes.rows_in_order]
        assert mine and all(stored(many_lib).row(i).source == first for i in mine)
        await open_entry(pilot, mine[-1])
        for i in mine[:-1]:  # the rest of this source read elsewhere (the shell)
            stored(many_lib).set_read([i], True)
        for _ in range(60):
            await pilot.press("space")
            await settle(pilot)
            if screen.selection != Selection("source", first):
                break
        assert screen.selection == Selection("source", second)
        await wait_for(
            pilot,
            lambda: screen.reader.entry is not None and screen.reader.entry.source.name == second,
            "the next source's first unread entry in the reader",
        )
        entry = screen.reader.entry
        assert entry is not None and screen.episodes.current is not None
        assert screen.episodes.current.id == entry.id  # the cursor is on it too
        assert any(f"On to {second}" in n.message for n in app._notifications)


async def test_a_podcast_says_how_long_and_how_big(many_lib: Path) -> None:
    app = DigestApp(many_lib, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        rows = screen.episodes.rows_in_order
        other = next(r.id for r in rows if "Civic" in r.title)  # first in the list
        podcast = next(r.id for r in rows if "Riverside" in r.title)  # last
        await open_entry(pilot, other)
        meta = next(x for x in reader_text(app).splitlines() if x.startswith("2025-"))
        assert "2025-09-08 · Civic Ledger" in meta and " MB" not in meta and " min ·" not in meta
        screen.focus_pane(screen.episodes)
        await wait_for(pilot, lambda: app.focused is screen.episodes, "the list")
        await open_entry(pilot, podcast)
        assert "1 h 12 min · 48.3 MB mp3" in reader_text(app)


@pytest.mark.parametrize(
    ("enc", "said"),
    [
        (
            Enclosure("https://x.org/a.mp3", "audio/mpeg", 48_300_000, 4320),
            "1 h 12 min · 48.3 MB mp3",
        ),
        (Enclosure("https://x.org/a.m4a", None, None, 2520), "42 min · m4a"),
        (Enclosure("https://x.org/feed", "audio/x-m4a", 1_500_000_000, 3600), "1 h · 1.5 GB m4a"),
        (Enclosure("https://x.org/e", "video/mp4", 0, None), "mp4"),
        (Enclosure("https://x.org/e", "application/octet-stream", -5, -3), ""),
    ],
)
def test_media_facts(enc: Enclosure, said: str) -> None:
    assert media_facts(enc) == said


def test_spoken_duration_of_absurd_values_is_empty() -> None:
    assert spoken_duration(None) == spoken_duration(0) == spoken_duration(10**9) == ""
    assert spoken_duration(50) == "50 s"


async def test_an_empty_sub_section_shows_no_fold_arrow(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, DEEPSEEK)
        reader = screen.reader
        entry = reader.entry
        assert entry is not None
        nested = Section(
            "Parent",
            number="1",
            bullets=("a bullet",),
            sections=(Section("Empty child", number="1.1"), Section("Full", bullets=("b",))),
        )
        shown = dataclasses.replace(entry, sections=(nested, Section("Empty top", number="2")))
        await reader.show_entry(shown, stored(lib_dir).marks(DEEPSEEK), ((), ()), [])
        await pilot.press("e")
        await settle(pilot)
        folds = [str(c.title) for c in reader.query(Collapsible).results(Collapsible)]
        assert "1. Parent" in folds and "Full" in folds and "2. Empty top" in folds
        assert not any("Empty child" in f for f in folds)
        plain_lines = [
            str(s.render()) for s in reader.query(".reader-section-empty").results(Static)
        ]
        assert plain_lines == ["1.1. Empty child"]
        assert "Empty child" in reader_text(app)
