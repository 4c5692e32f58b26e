"""The garbage collector is paused over the UI's start-up, and always resumed.

Why: the start-up allocates objects that live as long as the process
(Textual's modules, the panes, the first page's rows) and makes few cycles;
the collector walked them ~100 times before the first screen (~40 ms of
~0.8 s at 100k entries, measured in ``python -m bench``, never here). What a
test can hold is the contract: ``digest-tui`` pauses it before the app's
imports, the app resumes it once its first screen is drawn or its library
failed to open, and ``digest-tui`` has it on again however the app ended.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.css.query import NoMatches

import tui.app
from tests.support.ui import main, settle, wait_for
from tui.app import DigestApp
from tui.cli import main as cli_main
from tui.screens.error import LibraryErrorScreen


@pytest.fixture
def paused() -> Iterator[None]:
    """The collector paused as ``digest-tui`` leaves it for the app; on again after."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_digest_tui_pauses_the_collector_for_the_ui(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []

    def run_app(data_dir: Path, config_override: str | None = None) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(tui.app, "run_app", run_app)
    try:
        assert cli_main(["--data-dir", str(tmp_path / "lib")]) == 0
        assert seen == [False]
        assert gc.isenabled()  # on again when the app has ended
    finally:
        gc.enable()


def test_a_command_leaves_the_collector_alone(tmp_path: Path) -> None:
    assert gc.isenabled()
    assert cli_main(["--data-dir", str(tmp_path / "lib"), "list"]) == 0
    assert gc.isenabled()


def _listed(app: DigestApp) -> bool:
    try:
        return main(app).episodes.row_count > 0
    except (AssertionError, NoMatches):  # no main screen yet, or not composed yet
        return False


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_app_resumes_it_once_the_first_screen_is_drawn(
    lib_dir: Path, paused: None
) -> None:
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: _listed(app), "the first listing")
        await settle(pilot)
        assert gc.isenabled()


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_app_resumes_it_when_the_library_cannot_open(
    tmp_path: Path, paused: None
) -> None:
    directory = tmp_path / "bad"
    directory.mkdir()
    (directory / "library.json").write_text("{not json")
    app = DigestApp(directory, first_run=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LibraryErrorScreen), "the error")
        assert gc.isenabled()


def test_it_is_on_again_however_the_app_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self: DigestApp) -> None:
        raise RuntimeError("the app crashed")

    monkeypatch.setattr(DigestApp, "run", crash)
    with pytest.raises(RuntimeError):
        cli_main(["--data-dir", str(tmp_path / "lib")])
    assert gc.isenabled()
