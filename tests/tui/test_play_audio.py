"""`a` in the UI plays the open entry's enclosure, detached (issue 18, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import fakeplayer
from tests.support.ui import main, settle
from tui.app import DigestApp

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_a_plays_the_podcast_and_says_so(
    lib_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = fakeplayer.install(tmp_path / "bin")
    monkeypatch.setenv("PATH", fakeplayer.path_with(tmp_path / "bin"))
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n")
    app = DigestApp(lib_dir, str(config), first_run=False)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        screen = main(app)
        for _ in range(10):  # to the podcast episode, the one entry with audio
            row = screen.episodes.current
            if row is not None and row.title.startswith("Episode 12"):
                break
            await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert fakeplayer.wait_for(args) == "https://podcast.example/ep12.mp3\n"
        messages = [n.message for n in app._notifications]
        assert "Playing in mpv: https://podcast.example/ep12.mp3" in messages, messages
        assert app.is_running  # detached: the UI goes on


async def test_a_on_an_entry_without_audio_says_so(
    lib_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakeplayer.install(tmp_path / "bin")
    monkeypatch.setenv("PATH", fakeplayer.path_with(tmp_path / "bin"))
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\n")
    app = DigestApp(lib_dir, str(config), first_run=False)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        for _ in range(10):  # off the podcast episode, to an entry without audio
            row = main(app).episodes.current
            if row is not None and not row.title.startswith("Episode 12"):
                break
            await pilot.press("j")
        row = main(app).episodes.current
        assert row is not None and not row.title.startswith("Episode 12")
        await pilot.press("a")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("no audio" in m for m in messages), messages
        assert not (tmp_path / "bin" / "mpv.args").exists()
