"""`S`, `M` and the keys that open other screens, pinned where mutmut found gaps (issue 20.3).

Why: the saved-search and mute tests walked the main path once (a search
saved under the name offered, a show muted); the mutants that changed the
name offered from a tag view, the "nothing to save" answer, a cancelled
dialog, or the singular / plural of the mute's count stayed green. Each test
presses real keys and reads the library back; docs/testing-tui.md names the
mutant each one kills.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Label

from store import api
from store.storage.library import Library
from tests.support.notes import messages, record
from tests.support.ui import DEEPSEEK, TITLES, cursor_to, main, settle, stored, wait_for
from tui.app import DigestApp
from tui.dialogs.mute import MuteDialog
from tui.dialogs.name_search import NameSearchDialog

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def to_nav_option(pilot: Any, option: str) -> None:
    """Focus the navigator with shift+tab and walk it with j to ``option``, then enter."""
    screen = main(pilot.app)
    await pilot.press("shift+tab")
    await wait_for(pilot, lambda: pilot.app.focused is screen.navigator, "the navigator")
    nav = screen.navigator
    target = nav.get_option_index(option)
    for _ in range(40):
        if nav.highlighted == target:
            break
        await pilot.press("j")
    assert nav.highlighted == target
    await pilot.press("enter")
    await settle(pilot)


async def test_S_with_nothing_to_save_says_so(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await wait_for(
            pilot, lambda: "Nothing to save: / types a search." in messages(notes), "S to say so"
        )
        assert app.screen is main(app)


async def test_S_from_a_tag_offers_the_tag_name_and_saves_it_selected(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await to_nav_option(pilot, "tag:china")
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, NameSearchDialog), "S's dialog")
        dialog = app.screen
        labels = " ".join(str(w.render()) for w in dialog.query(Label))
        assert "Save this search as" in labels and "search: +china" in labels, labels
        assert dialog.query_one("#name", Input).value == "china"
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "Saved ★ china: +china — u to undo" in messages(notes), "the save said"
        )
        await wait_for(
            pilot,
            lambda: screen.selection.kind == "saved" and screen.selection.value == "china",
            "the saved search selected",
        )
        saved = api.saved_searches(stored(lib_dir))
        assert [(s.name, s.query) for s in saved] == [("china", "+china")]


async def test_S_cancelled_saves_nothing(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"+gender", "enter")
        await settle(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, NameSearchDialog), "S's dialog")
        assert app.screen.query_one("#name", Input).value == "+gender"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main(app), "the dialog closed")
        await settle(pilot)
        assert api.saved_searches(stored(lib_dir)) == []


async def test_M_names_the_entry_counts_in_english_and_a_cancel_mutes_nothing(
    lib_dir: Path,
) -> None:
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await wait_for(pilot, lambda: screen.episodes.row_count > 0, "the listing")
        await cursor_to(pilot, DEEPSEEK)
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, MuteDialog), "M's dialog")
        title = str(app.screen.query_one(".dialog-title", Label).render())
        assert title.startswith("Mute, from: ") and TITLES[DEEPSEEK] in title, title
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main(app), "the dialog closed")
        await settle(pilot)
        assert api.mute_rules(stored(lib_dir)) == []
        # a tag on two entries: the count is plural
        await pilot.press("M")
        await wait_for(pilot, lambda: isinstance(app.screen, MuteDialog), "M's dialog again")
        await pilot.press("tab")  # to the rule box
        await wait_for(pilot, lambda: isinstance(app.focused, Input), "the rule box")
        await pilot.press(*"+gender", "enter")
        await wait_for(
            pilot, lambda: any(m.startswith("Muted 2 entries") for m in messages(notes)), ""
        )
        assert any(m.endswith("— u to undo") for m in messages(notes) if m.startswith("Muted"))
        assert len(api.mute_rules(stored(lib_dir))) == 1


async def test_M_in_an_empty_view_says_how_to_mute_words(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"zzzznothing", "enter")
        await wait_for(pilot, lambda: screen.episodes.row_count == 0, "an empty view")
        await pilot.press("M")
        want = "No entry here to mute from: the palette's Mute words… takes a rule."
        await wait_for(pilot, lambda: want in messages(notes), "M to say so")
        assert app.screen is main(app)


async def test_K_enter_opens_the_kept_points_entry(lib_dir: Path) -> None:
    from tui.screens.kept import KeptScreen

    lib = Library.open(lib_dir)
    point = lib.get(DEEPSEEK).key_points[1]  # type: ignore[union-attr]
    api.keep_point(lib, DEEPSEEK, point)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert screen.reader.entry is None
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, KeptScreen), "the Kept screen")
        await settle(pilot)
        await pilot.press("enter")
        reader = screen.reader
        await wait_for(
            pilot, lambda: reader.entry is not None and reader.entry.id == DEEPSEEK, "opened"
        )


async def test_B_enter_opens_the_briefs_entry_and_F_lists_the_feeds(lib_dir: Path) -> None:
    from tui.screens.brief import BriefScreen
    from tui.screens.feeds import FeedsScreen

    app = DigestApp(lib_dir, first_run=False)

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, BriefScreen), "the brief")
        await settle(pilot)
        await pilot.press("enter")  # the first group: its first entry
        reader = screen.reader
        await wait_for(pilot, lambda: reader.entry is not None, "the brief's entry opened")
        assert app.screen is screen
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedsScreen), "the Feeds screen")
        await settle(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back to the main screen")


async def test_r_while_a_refresh_runs_says_so_and_starts_no_second(
    lib_dir: Path, tmp_path: Path
) -> None:
    """The feed answers only when the test lets it: r again meanwhile is refused, once fetched."""
    import threading

    from tests.support import feedserver
    from tests.support.feedserver import Request

    gate = threading.Event()

    def held(_req: Request) -> tuple[int, dict[str, str], str]:
        gate.wait(60)  # a safety bound only: the test sets it
        return 200, {"Content-Type": "application/rss+xml"}, feedserver.rss(1, title="Held")

    with feedserver.FeedServer({"/held.xml": held}) as srv:
        config = tmp_path / "feeds.yaml"
        config.write_text(f"feeds:\n  - url: {srv.url('/held.xml')}\n    name: Held\n")
        app = DigestApp(lib_dir, str(config), first_run=False)
        notes = record(app)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            screen = main(app)
            row = screen.query_one("#refresh-row")
            assert not row.display
            await pilot.press("r")
            await wait_for(
                pilot, lambda: bool(srv.requests_for("/held.xml")), "the fetch", workers=False
            )
            assert screen.refreshing and row.display
            await pilot.press("r")
            await wait_for(
                pilot,
                lambda: "A refresh is already running." in messages(notes),
                "r to say so",
                workers=False,
            )
            gate.set()
            await wait_for(pilot, lambda: not screen.refreshing, "the refresh over")
            await settle(pilot)
            assert not row.display and len(srv.requests_for("/held.xml")) == 1


async def test_a_from_the_list_plays_the_cursors_episode_and_says_it_as_text(
    lib_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support import fakeplayer
    from tests.support.ui import PODCAST

    args = fakeplayer.install(tmp_path / "bin")
    monkeypatch.setenv("PATH", fakeplayer.path_with(tmp_path / "bin"))
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n")
    app = DigestApp(lib_dir, str(config), first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await wait_for(pilot, lambda: screen.episodes.row_count > 0, "the listing")
        await cursor_to(pilot, PODCAST)  # (it fails if the cursor never gets there)
        await pilot.press("a")  # nothing open: the cursor's episode
        want = "Playing in mpv: https://podcast.example/ep12.mp3"
        await wait_for(pilot, lambda: want in messages(notes), "a to say so")
        assert fakeplayer.wait_for(args) == "https://podcast.example/ep12.mp3\n"
        assert [n.markup for n in notes if n.message == want] == [False]
