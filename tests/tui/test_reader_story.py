"""The reader shows the story an entry is in, the points other sources state too, and
an empty related list as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.storage.library import Library
from store.sync.ingest import ingest_paths
from tests.support.ui import main, open_entry, reader_text, settle
from tui.app import DigestApp
from tui.widgets.reader import NOTHING_RELATED

pytestmark = pytest.mark.anyio

OWN = Path(__file__).resolve().parents[1] / "data" / "topics-own"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def story_lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))
    d = tmp_path / "lib"
    files = [
        p for p in sorted(OWN.iterdir()) if p.suffix in (".md", ".xml") and p.name != "README.md"
    ]
    ingest_paths(Library.open(d), files)
    return d


def _id(lib_dir: Path, words: str) -> str:
    lib = Library.open(lib_dir)
    return next(r.id for r in lib.rows() if words in r.title)


async def test_story_line_and_linked_points(story_lib: Path) -> None:
    eid = _id(story_lib, "Halvard Rail Drivers Walk Out")
    app = DigestApp(story_lib, first_run=False)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await open_entry(pilot, eid)
        text = reader_text(app)
        assert "In story: " in text and "(3 sources)" in text
        # "About 1,200 drivers joined" / "Twelve hundred drivers are out" (Evening Wire)
        point = text.split("1,200 drivers", 1)[1]
        assert point.split("also: ", 1)[1].splitlines()[0].strip() == "Evening Wire"
        assert NOTHING_RELATED not in text


async def test_unrelated_entry_says_nothing_related(story_lib: Path) -> None:
    eid = _id(story_lib, "Small Plot")
    app = DigestApp(story_lib, first_run=False)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await open_entry(pilot, eid)
        text = reader_text(app)
        assert NOTHING_RELATED in text
        assert "In story: " not in text and "also: " not in text
        assert main(app).reader.entry is not None
