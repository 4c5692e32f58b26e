"""Pilot tests: press the real keys, check the screen and what the library stored.

No sleeps: every library call runs in a worker, so ``settle`` waits for the
workers (and the ones their results start) and for the screen to refresh.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Collapsible, Static

from store.models import short_hash
from store.views import Selection
from tests.support.ui import main, open_entry, reader_text, settle, stored
from tui.app import DigestApp
from tui.screens.help import HelpScreen
from tui.widgets.episode_list import EpisodeList
from tui.widgets.reader import Reader

pytestmark = pytest.mark.anyio  # anyio's pytest plugin comes with httpx, a dependency

DEEPSEEK = short_hash("deepseek")
WILLIAMSON = short_hash("williamson")
PODCAST = short_hash("podcast")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_lists_newest_first_grouped(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        episodes = main(app).episodes
        assert episodes.row_count == 5
        assert [r.id for r in episodes.rows_in_order][:3] == [PODCAST, DEEPSEEK, WILLIAMSON]
        assert episodes.current is not None and episodes.current.id == PODCAST
        assert app.focused is episodes
        # two digest episodes share one header line
        lines = [episodes._plain(episodes.render_line(y)) for y in range(8)]
        assert any("AI's Global Impact & Gender Talks" in line for line in lines)


async def test_open_shows_structure_and_marks_read(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_entry(pilot, DEEPSEEK)
        reader = main(app).reader
        assert reader.entry is not None and reader.entry.id == DEEPSEEK
        assert app.focused is reader
        text = reader_text(app)
        assert "AI Czar David Sacks Explains the DeepSeek Freak Out" in text
        assert "Scarcity can lead to innovation." in text
        top = [c for c in reader.query(Collapsible) if c.parent is reader]
        sections = [c for c in top if c.has_class("reader-section")]
        assert len(sections) == 10
        assert str(sections[6].title).endswith("The $6 Million Myth Debunked")
        nested = list(sections[6].query(Collapsible))
        assert [str(c.title) for c in nested] == [
            "7.1. Funding and Training Costs",
            "7.2. AI Development Timelines",
        ]
        assert all(c.collapsed for c in sections)
        await pilot.press("e")
        assert not any(c.collapsed for c in sections)
        assert stored(lib_dir).marks(DEEPSEEK).read


async def test_bookmark_with_b_is_stored(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_entry(pilot, DEEPSEEK)
        await pilot.press("b")
        await settle(pilot)
        assert stored(lib_dir).marks(DEEPSEEK).bookmarked
        assert "★ bookmarked" in reader_text(app)
        await pilot.press("b")
        await settle(pilot)
        assert not stored(lib_dir).marks(DEEPSEEK).bookmarked


async def test_bookmark_from_list_and_bookmarks_view(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("b")  # cursor is on the newest entry, the podcast
        await settle(pilot)
        assert stored(lib_dir).marks(PODCAST).bookmarked
        screen = main(app)
        line = screen.episodes._plain(screen.episodes.render_line(1))
        assert "★" in line
        screen.go_to(Selection("bookmarks"))
        await settle(pilot)
        assert [r.id for r in screen.episodes.rows_in_order] == [PODCAST]


async def test_add_tag_with_completion(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_entry(pilot, DEEPSEEK)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("g", "e", "n")
        await settle(pilot)
        await pilot.press("tab")  # completes to the existing tag "gender"
        await pilot.press("enter")
        await settle(pilot)
        assert stored(lib_dir).marks(DEEPSEEK).user_tags == ("gender",)
        assert "#gender" in reader_text(app)


async def test_remove_auto_tag_with_T(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_entry(pilot, DEEPSEEK)
        await pilot.press("T")
        await settle(pilot)
        await pilot.press("enter")  # the first tag: "china" (automatic)
        await settle(pilot)
        lib = stored(lib_dir)
        assert "china" in lib.marks(DEEPSEEK).removed_auto
        assert "china" not in lib.effective_tags(DEEPSEEK)[0]


async def test_toggle_read_with_m(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert stored(lib_dir).marks(PODCAST).read
        await pilot.press("m")
        await settle(pilot)
        assert not stored(lib_dir).marks(PODCAST).read


async def test_n_and_p_step_through_episodes(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_entry(pilot, DEEPSEEK)
        await pilot.press("n")
        await settle(pilot)
        reader = main(app).reader
        assert reader.entry is not None and reader.entry.id == WILLIAMSON
        assert stored(lib_dir).marks(WILLIAMSON).read
        await pilot.press("p")
        await settle(pilot)
        assert reader.entry is not None and reader.entry.id == DEEPSEEK
        await pilot.press("p")
        await settle(pilot)
        assert reader.entry is not None and reader.entry.id == PODCAST


async def test_search_filters_live_and_enter_opens(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        for ch in "+china":
            await pilot.press(ch)
        await settle(pilot)
        episodes = main(app).episodes
        assert {r.id for r in episodes.rows_in_order} == {DEEPSEEK, short_hash("post")}
        await pilot.press("enter")  # to the first result
        await settle(pilot)
        assert app.focused is episodes and episodes.current is not None
        first = episodes.current.id
        await pilot.press("enter")  # and open it
        await settle(pilot)
        opened = main(app).reader.entry
        assert opened is not None and opened.id == first
        await pilot.press("escape", "slash", "escape")  # back to the list, clear
        await settle(pilot)
        assert episodes.row_count == 5


async def test_bad_query_shows_message_not_traceback(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        for ch in '"unclosed @2025-99-99':
            await pilot.press(ch)
        await settle(pilot)
        assert app.is_running
        error = main(app).query_one("#search-error", Static)
        assert error.display  # the message is shown; the list keeps the last good rows
        assert main(app).episodes.row_count >= 1


async def test_tab_cycles_panes(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is screen.reader
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is screen.navigator
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is screen.reader


async def test_navigator_source_filters(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("shift+tab")  # episodes -> navigator
        await pilot.pause()
        assert app.focused is screen.navigator
        nav = screen.navigator
        target = nav.get_option_index("source:Digestly")
        while nav.highlighted != target:
            await pilot.press("j")
        await settle(pilot)
        assert {r.id for r in screen.episodes.rows_in_order} == {DEEPSEEK, WILLIAMSON}
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is screen.episodes


async def test_narrow_terminal_swaps_list_and_reader(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.has_class("narrow")
        assert not screen.reader.display or screen.reader.region.width == 0
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.region.width == 80
        assert screen.navigator.region.width == 0
        await pilot.press("escape")
        await pilot.pause()
        assert screen.episodes.region.width > 0 and screen.reader.region.width == 0


async def test_help_screen_lists_every_binding(lib_dir: Path) -> None:
    from tui.keys import APP_BINDINGS, MAIN_BINDINGS

    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(Static).visual
        text = app.screen.query_one(Static).render()
        assert text is not None and table is not None
        assert all(b.id for b in [*APP_BINDINGS, *MAIN_BINDINGS])
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


def test_every_binding_has_an_id() -> None:
    from tui.keys import APP_BINDINGS, MAIN_BINDINGS
    from tui.widgets.navigator import Navigator

    bindings = [*APP_BINDINGS, *MAIN_BINDINGS, *EpisodeList.BINDINGS, *Reader.BINDINGS]
    bindings += list(Navigator.BINDINGS)
    ids = [b.id for b in bindings]  # type: ignore[union-attr]
    assert all(ids) and len(ids) == len(set(ids))


async def test_palette_offers_actions_sources_and_tags(lib_dir: Path) -> None:
    from tui.screens.palette import LibraryCommands

    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        provider = LibraryCommands(main(app))
        titles = [t for t, _h, _cb in provider._commands()]
        assert "Bookmark (b)" in titles and "Refresh (r)" in titles
        assert "Source: Digestly" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"


async def test_open_link_only_http(lib_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    app = DigestApp(lib_dir, first_run=False)
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", lambda text: copied.append(text))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("o", "y")  # cursor on the podcast, which has an https link
        assert opened == ["https://podcast.example/ep12"]
        assert copied == ["https://podcast.example/ep12"]


async def test_one_section_opens_from_the_keyboard(lib_dir: Path) -> None:
    """Digits toggle one detail section; ] focuses a section header and enter toggles it."""
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_entry(pilot, DEEPSEEK)
        reader = main(app).reader
        sections = reader._sections()
        assert len(sections) == 10 and all(c.collapsed for c in sections)
        await pilot.press("7")
        assert [c.collapsed for c in sections].count(False) == 1 and not sections[6].collapsed
        await pilot.press("0")  # the tenth
        assert not sections[9].collapsed
        await pilot.press("7", "0")
        assert all(c.collapsed for c in sections)
        await pilot.press("right_square_bracket", "right_square_bracket", "enter")
        await pilot.pause()
        assert not sections[1].collapsed and sections[0].collapsed
        await pilot.press("left_square_bracket", "enter")
        await pilot.pause()
        assert not sections[0].collapsed
        assert reader in app.focused.ancestors  # type: ignore[union-attr]


async def test_unread_view_counts_what_was_just_read(lib_dir: Path) -> None:
    """Opened in Unread, an entry stays listed but is counted apart from the unread ones."""
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("shift+tab", "j", "enter")  # navigator: Unread
        await settle(pilot)
        assert screen.selection.kind == "unread"
        before = screen.episodes.row_count
        await open_entry(pilot, DEEPSEEK)
        assert screen.episodes.has_id(DEEPSEEK)
        title = str(screen.query_one("#middle").border_title)
        assert f"Unread · {before - 1} (+1 read)" in title
        assert screen.nav_data.unread == before - 1


async def test_list_takes_the_width_until_an_entry_is_open(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.episodes.region.width > screen.reader.region.width
        await open_entry(pilot, DEEPSEEK)
        assert screen.reader.region.width > screen.episodes.region.width
