"""`digest-tui play ID` starts the configured or default player with the enclosure URL."""

from __future__ import annotations

from pathlib import Path

from store.models import short_hash
from tests.support import fakeplayer
from tests.support.cli import run_cli

PODCAST = short_hash("podcast")


def test_play_hands_the_enclosure_url_to_mpv_on_path(lib_dir: Path, tmp_path: Path) -> None:
    args = fakeplayer.install(tmp_path / "bin")
    proc = run_cli(lib_dir, "play", PODCAST[:6], PATH=fakeplayer.path_with(tmp_path / "bin"))
    assert proc.returncode == 0, proc.stderr
    assert "playing in mpv: https://podcast.example/ep12.mp3" in proc.stdout
    assert fakeplayer.wait_for(args) == "https://podcast.example/ep12.mp3\n"


def test_the_configured_player_gets_its_arguments_and_the_url(
    lib_dir: Path, tmp_path: Path
) -> None:
    args = fakeplayer.install(tmp_path / "bin", "myplayer")
    config = tmp_path / "feeds.yaml"
    config.write_text('player: myplayer --volume 50 "{url}" --no-video\n')
    proc = run_cli(
        lib_dir,
        "--config",
        str(config),
        "play",
        PODCAST,
        "--json",
        PATH=fakeplayer.path_with(tmp_path / "bin"),
    )
    assert proc.returncode == 0, proc.stderr
    assert '"player": "myplayer"' in proc.stdout
    assert fakeplayer.wait_for(args).splitlines() == [
        "--volume",
        "50",
        "https://podcast.example/ep12.mp3",
        "--no-video",
    ]


def test_no_enclosure_and_no_player_are_said_plainly(lib_dir: Path, tmp_path: Path) -> None:
    empty_bin = tmp_path / "empty"
    empty_bin.mkdir()
    proc = run_cli(lib_dir, "play", short_hash("deepseek"), PATH=str(empty_bin))
    assert proc.returncode != 0 and "no audio" in proc.stderr
    proc = run_cli(lib_dir, "play", PODCAST, PATH=str(empty_bin))
    assert proc.returncode != 0 and "install mpv" in proc.stderr
    assert "Traceback" not in proc.stderr
