"""Saved searches, mute rules and the navigator's Stories, by keys (issues 18.2, 18.3, 16.3)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from store import api
from store.models import Entry, short_hash
from store.storage.library import Library
from store.sync.ingest import ingest_paths
from tests.support.library import sample_entries
from tests.support.notes import messages, record
from tests.support.ui import main, settle, wait_for
from tui.app import DigestApp
from tui.dialogs.mute import MuteDialog
from tui.dialogs.name_search import NameSearchDialog
from tui.screens.main import MainScreen

pytestmark = pytest.mark.anyio

DEEPSEEK = short_hash("deepseek")
OWN = Path(__file__).resolve().parents[1] / "data" / "topics-own"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def nav_lines(screen: MainScreen) -> list[str]:
    """The navigator's lines as the user reads them (each option rendered to text)."""
    nav = screen.navigator
    console = Console(width=28, file=io.StringIO(), record=True, color_system=None)
    for i in range(nav.option_count):
        prompt = nav.get_option_at_index(i).prompt
        console.print(prompt)
    return [" ".join(x.split()) for x in console.export_text().splitlines()]


async def _cursor_to(pilot: object, screen: MainScreen, entry_id: str) -> None:
    for _ in range(20):
        if screen.episodes.current is not None and screen.episodes.current.id == entry_id:
            return
        await pilot.press("j")  # type: ignore[attr-defined]
    raise AssertionError("entry not reached")


async def test_m_mutes_the_show_is_muted_lists_it_u_brings_it_back(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        await _cursor_to(pilot, screen, DEEPSEEK)
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, MuteDialog)
        await pilot.press("enter")  # the first choice: this show
        await wait_for(pilot, lambda: not screen.episodes.has_id(DEEPSEEK), "the entry to vanish")
        assert "Muted 0/1" not in nav_lines(screen) and "Muted 1/1" in nav_lines(screen)
        assert "All 3/4" in nav_lines(screen)
        said = [n.message for n in app._notifications]
        assert 'Muted 1 entry (show:"All-In Podcast") — u to undo' in said, said
        await pilot.press("slash", *"is:muted", "enter")
        await wait_for(
            pilot,
            lambda: [r.id for r in screen.episodes.rows_in_order] == [DEEPSEEK],
            "is:muted to list the muted entry",
        )
        await pilot.press("escape")  # clears the search
        await settle(pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: screen.episodes.has_id(DEEPSEEK), "the entry to come back")
        assert not any(line.startswith("Muted") for line in nav_lines(screen))
        assert "All 4/5" in nav_lines(screen)
    assert api.mute_rules(Library.open(lib_dir)) == []


async def test_s_saves_the_search_and_its_count_follows_a_new_entry(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False, poll_seconds=0.05)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"+china", "enter")
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, NameSearchDialog)
        await pilot.press("enter")  # the name offered: the search itself
        # the library poll may relist before the write's own message selects the search:
        # wait for both, the line and the selection
        await wait_for(
            pilot,
            lambda: "★ +china 1/2" in nav_lines(screen) and screen.selection.kind == "saved",
            "the saved search, selected",
        )
        # another process ingests a matching entry: the count follows
        other = Library.open(lib_dir)
        src = sample_entries()[0].source
        other.save_entries(
            [Entry(id="c0ffee000003", source=src, title="New", auto_tags=("china",))]
        )
        await wait_for(pilot, lambda: "★ +china 2/3" in nav_lines(screen), "the count", step=0.05)
    saved = api.saved_searches(Library.open(lib_dir))
    assert [(s.name, s.query) for s in saved] == [("+china", "+china")]


async def test_counts_read_unread_over_total_everywhere(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        lines = nav_lines(main(app))
        # the post is read: fdaudens reads 0/1, not a bare "1"
        assert "All 4/5" in lines and "Unread 4/4" in lines and "Bookmarks 0/0" in lines
        assert "◆ fdaudens 0/1" in lines
        # tags show what they are ordered by: their sources
        tags = [x for x in lines if x.startswith("#")]
        assert tags and all("src" in x for x in tags), tags
        sources = [int(x.rsplit("·", 1)[1].removesuffix("src")) for x in tags]
        assert sources == sorted(sources, reverse=True)


async def test_stories_section_lists_each_story_and_selecting_one_lists_its_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Then S there saves nothing and says why: a story is a group, no query to save."""
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))
    d = tmp_path / "lib"
    files = [
        p for p in sorted(OWN.iterdir()) if p.suffix in (".md", ".xml") and p.name != "README.md"
    ]
    ingest_paths(Library.open(d), files)
    stories = api.stories(Library.open(d))
    assert stories
    app = DigestApp(d, first_run=False)
    notes = record(app)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        screen = main(app)
        lines = nav_lines(screen)
        assert f"Stories · {len(stories)}" in lines
        first = stories[0]
        option = f"story:{first.id}"
        await wait_for(pilot, lambda: screen.navigator.get_option(option) is not None, "stories")
        screen.navigator.focus()
        for _ in range(60):
            opt = screen.navigator.highlighted_option
            if opt is not None and opt.id == option:
                break
            await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.selection.kind == "story"
        shown = {r.id for r in screen.episodes.rows_in_order}
        assert shown == {e.id for e in first.entries}
        assert f"{len(first.entries)}/{len(first.entries)}·{first.sources}src" in "".join(lines)
        await pilot.press("S")
        said = "Nothing to save: a story is a group, not a search; / types a search."
        await wait_for(pilot, lambda: said in messages(notes), "S to say why")
        assert app.screen is screen and api.saved_searches(Library.open(d)) == []


async def test_feeds_yaml_rules_and_searches_are_taken_in_at_start(
    lib_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("mute: ['show:\"All-In\"']\nsearches:\n  gender: +gender\n", encoding="utf-8")
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(config))
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await wait_for(pilot, lambda: not screen.episodes.has_id(DEEPSEEK), "the rule applied")
        lines = nav_lines(screen)
        assert "Muted 1/1" in lines and "★ gender 1/2" in lines, lines


async def test_a_rule_muted_from_the_shell_applies_in_the_open_ui(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False, poll_seconds=0.05)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        # a first poll sees the tables as they are
        await wait_for(pilot, lambda: screen._state_polled, "a first poll", step=0.05)
        api.mute(Library.open(lib_dir), "+china")  # as `digest-tui mute +china` would
        await wait_for(pilot, lambda: not screen.episodes.has_id(DEEPSEEK), "the rule", step=0.05)
        assert "Muted 1/2" in nav_lines(screen)
