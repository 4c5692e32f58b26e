"""The tag dialog says what the CLI's `tag` says: why a tag cannot be one, how one is stored.

Why: `t` then "bad#tag" stored "bad#-tag" without a word. The dialog and the
CLI call the same ``api.user_tag``; these tests type real keys and read the
dialog's note on screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label

from store.models import short_hash
from tests.support.ui import open_entry, settle, stored, wait_for
from tui.app import DigestApp
from tui.dialogs.add_tag import AddTagDialog

pytestmark = pytest.mark.anyio

DEEPSEEK = short_hash("deepseek")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def note(app: DigestApp) -> Label:
    return app.screen.query_one("#tag-note", Label)


async def test_a_bad_tag_is_explained_and_not_stored(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_entry(pilot, DEEPSEEK)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTagDialog), "the tag dialog")
        await pilot.press(*"bad#tag")
        await wait_for(pilot, lambda: note(app).display, "the note under the input")
        said = str(note(app).render())
        assert '"bad#tag" is not a tag: "#" may only end a word' in said
        assert note(app).has_class("problem")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AddTagDialog)  # still open: nothing to add
        assert stored(lib_dir).marks(DEEPSEEK).user_tags == ()
        await pilot.press("escape")
        await settle(pilot)
        assert stored(lib_dir).marks(DEEPSEEK).user_tags == ()


async def test_a_respelled_tag_says_how_it_will_be_stored(lib_dir: Path) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_entry(pilot, DEEPSEEK)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, AddTagDialog), "the tag dialog")
        await pilot.press(*"Open Source")
        await wait_for(pilot, lambda: note(app).display, "the note under the input")
        assert str(note(app).render()) == "stored as #open-source"
        assert not note(app).has_class("problem")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: stored(lib_dir).marks(DEEPSEEK).user_tags == ("open-source",),
            "the tag stored",
        )


def test_a_camel_case_names_tag_typed_in_lower_case_is_the_librarys_tag() -> None:
    """With #cocoapods in the library, typing it as shown stores it as it is; in a
    library without it the same letters are a plural, and the note says so."""
    from tui.dialogs.add_tag import normalise_tag, spelling_note

    assert normalise_tag("cocoapods", ["llm", "cocoapods"]) == "cocoapods"
    assert spelling_note("cocoapods", ["cocoapods"]) == ("", False)
    assert normalise_tag("cocoapods", ["llm"]) == "cocoapod"
    assert spelling_note("cocoapods", []) == ("stored as #cocoapod", False)
