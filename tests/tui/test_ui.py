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
from tests.support.ui import capture_links, main, open_entry, reader_text, settle, stored, wait_for
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


async def test_b_acts_on_the_open_entry_after_filtering_while_reading(lib_dir: Path) -> None:
    """Reading DeepSeek, filter the list to other entries, back to the reader: b is DeepSeek's."""
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await open_entry(pilot, DEEPSEEK)
        await pilot.press("slash", *"+gender", "enter")  # the list no longer holds DeepSeek
        await settle(pilot)
        listed = [r.id for r in screen.episodes.rows_in_order]
        assert DEEPSEEK not in listed and listed, listed
        assert screen.reader.entry is not None and screen.reader.entry.id == DEEPSEEK
        await pilot.press("tab")  # list -> reader, still showing DeepSeek
        await wait_for(pilot, screen.in_reader, "the reader focused")
        cursor = screen.episodes.current
        assert cursor is not None and cursor.id != DEEPSEEK
        await pilot.press("b")
        await settle(pilot)
        lib = stored(lib_dir)
        assert lib.marks(DEEPSEEK).bookmarked, "b did not bookmark the open entry"
        assert not lib.marks(cursor.id).bookmarked, "b bookmarked the list's cursor instead"
        await pilot.press("m")  # m, likewise: the open entry becomes unread
        await settle(pilot)
        assert not stored(lib_dir).marks(DEEPSEEK).read
        assert stored(lib_dir).marks(cursor.id).read == lib.marks(cursor.id).read


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


async def test_down_in_the_search_bar_goes_to_the_results(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"+china")
        await settle(pilot)
        episodes = main(app).episodes
        assert app.focused is main(app).query_one("#search")
        await pilot.press("down")
        await settle(pilot)
        assert app.focused is episodes and episodes.current is not None
        assert episodes.current.id == episodes.rows_in_order[0].id
        await pilot.press("enter")
        await settle(pilot)
        opened = main(app).reader.entry
        assert opened is not None and opened.id == episodes.rows_in_order[0].id


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
        await wait_for(pilot, lambda: app.focused is screen.reader, "tab to the reader")
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is screen.navigator, "tab to the navigator")
        await pilot.press("shift+tab")
        await wait_for(pilot, lambda: app.focused is screen.reader, "shift+tab to the reader")
        await pilot.press("shift+tab")
        await wait_for(pilot, lambda: app.focused is screen.episodes, "shift+tab to the list")


async def test_navigator_source_filters(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("shift+tab")  # episodes -> navigator
        await wait_for(pilot, lambda: app.focused is screen.navigator, "the navigator focused")
        nav = screen.navigator
        target = nav.get_option_index("source:Digestly")
        while nav.highlighted != target:
            await pilot.press("j")
        await settle(pilot)
        assert {r.id for r in screen.episodes.rows_in_order} == {DEEPSEEK, WILLIAMSON}
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused is screen.episodes, "the list focused")


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
        await wait_for(
            pilot,
            lambda: screen.episodes.region.width > 0 and screen.reader.region.width == 0,
            "escape to swap the list back in",
        )


async def test_help_screen_lists_every_binding(lib_dir: Path) -> None:
    """Every binding of every pane is on the help screen with its key and what it does."""
    import io

    from rich.console import Console
    from textual.binding import Binding

    from tui.keys import ACTION_HELP, APP_BINDINGS, MAIN_BINDINGS
    from tui.screens.help import SECTION_KEYS, _key_label
    from tui.widgets.navigator import Navigator

    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
        for w in app.screen.query(Static).results(Static):
            console.print(w.content)
        shown = console.export_text()
        lines = shown.splitlines()
        every = [*APP_BINDINGS, *MAIN_BINDINGS, *EpisodeList.BINDINGS, *Reader.BINDINGS]
        every += list(Navigator.BINDINGS)
        missing = []
        for b in every:
            assert isinstance(b, Binding)
            if (b.id or "").startswith(SECTION_KEYS):
                continue
            what = ACTION_HELP.get(b.action) or b.description
            if not any(_key_label(b) in ln and what in ln for ln in lines):
                missing.append((_key_label(b), what))
        from tui.keys import BRIEF_BINDINGS
        from tui.screens.kept import KeptScreen

        for b in BRIEF_BINDINGS:  # the brief's and the Kept screen's keys too
            what = ACTION_HELP.get(b.action) or b.description
            if not any(_key_label(b) in ln and what in ln for ln in lines):
                missing.append((_key_label(b), what))
        for b in KeptScreen.BINDINGS:
            assert isinstance(b, Binding)
            if not any(_key_label(b) in ln and b.description in ln for ln in lines):
                missing.append((_key_label(b), b.description))
        assert not missing, f"bindings missing from help: {missing}"
        assert "1 … 9, 0" in shown  # the ten section keys, on one line
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), "help to close")


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
        await wait_for(
            pilot, lambda: app.screen.__class__.__name__ == "CommandPalette", "the palette"
        )


async def test_open_link_only_http(lib_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = DigestApp(lib_dir, first_run=False)
    opened, copied = capture_links(app, monkeypatch)
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
        await wait_for(
            pilot,
            lambda: not sections[1].collapsed and sections[0].collapsed,
            "] ] enter to open the second section only",
        )
        await pilot.press("left_square_bracket", "enter")
        await wait_for(pilot, lambda: not sections[0].collapsed, "[ enter to open the first")
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
