"""The reader says when related entries come from part of the library (the rest not compared yet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.index import simstore
from tests.store.test_open_bounded import _library
from tests.support.ui import open_entry, reader_text, settle
from tui.app import DigestApp

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def far_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))
    lib = _library(tmp_path, simstore.OPENING * 2)
    return lib.dir, lib.rows()[4].id


async def test_an_open_far_behind_says_how_many_are_not_compared(
    far_behind: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lib_dir, eid = far_behind
    monkeypatch.setattr(simstore, "IMPLICIT", 1)  # the warm-up stays behind
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await open_entry(pilot, eid)
        text = reader_text(app)
        note = next(line for line in text.splitlines() if "not compared yet" in line)
        count = int(note.split("about ", 1)[1].split()[0])
        assert simstore.OPENING * 2 - 4 <= count <= simstore.OPENING * 2
        assert text.index("Related") < text.index(note)


async def test_an_open_caught_up_says_nothing_of_it(far_behind: tuple[Path, str]) -> None:
    lib_dir, eid = far_behind
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)  # the warm-up after the listing signs every entry
        await open_entry(pilot, eid)
        text = reader_text(app)
        assert "not compared yet" not in text
        assert "Accord" in text.split("Related", 1)[1]  # the other source's report is there
