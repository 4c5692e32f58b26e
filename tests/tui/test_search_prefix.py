"""The live filter reads the word being typed as a prefix, and says what it ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library
from tests.support.ui import main, settle, wait_for
from tui.app import DigestApp

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _library(tmp_path: Path) -> Path:
    lib = Library.open(tmp_path / "lib")
    entries = [
        Entry(
            id="litho1",
            source=Source("feed", "Chip Letter", "https://x/1"),
            title="EUV lithography explained",
            body="Machines that print chips.",
            published="2025-03-01",
        ),
        Entry(
            id="other1",
            source=Source("feed", "Acquired", "https://x/2"),
            title="A warehouse club",
            body="Retail history, at length.",
            published="2025-03-02",
        ),
    ]
    lib.save_entries(tag_entries(entries, lib))
    return lib.dir


def _listed(app: DigestApp) -> list[str]:
    return [r.id for r in main(app).episodes.rows_in_order]


async def test_typing_a_word_keeps_its_entry_listed(tmp_path: Path) -> None:
    app = DigestApp(_library(tmp_path), first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        for n, ch in enumerate("litho", 1):
            await pilot.press(ch)
            await settle(pilot)
            assert main(app).search_query == "litho"[:n]
            assert "litho1" in _listed(app), "litho"[:n]
        assert _listed(app) == ["litho1"]
        error = main(app).query_one("#search-error", Static)
        assert not error.display
        for key in ("space", "minus", "minus"):
            await pilot.press(key)
        await wait_for(pilot, lambda: error.display, "the hint under the search box")
        assert str(error.render()) == "ignored \u2018--\u2019: no letters or digits"
        assert error.has_class("hint")
        assert _listed(app) == ["litho1"]  # the ignored term filters nothing
