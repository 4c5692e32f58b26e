"""Which player plays an episode, from `player:` in feeds.yaml or the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.config import parse_config_text
from store.errors import ConfigError
from store.player import NoPlayer, player_argv
from tests.support import fakeplayer


def test_player_line_is_split_like_a_shell_and_checked(tmp_path: Path) -> None:
    cfg = parse_config_text('player: mpv --x "a b"\n', tmp_path / "f.yaml")
    assert cfg.player == ("mpv", "--x", "a b")
    cfg = parse_config_text("player: \"'my player' {url}\"\n", tmp_path / "f.yaml")
    assert cfg.player == ("my player", "{url}")
    assert parse_config_text("feeds: []\n", tmp_path / "f.yaml").player == ()
    with pytest.raises(ConfigError, match="player"):
        parse_config_text('player: "mpv \'unbalanced"\n', tmp_path / "f.yaml")
    with pytest.raises(ConfigError, match="player"):
        parse_config_text("player: [mpv]\n", tmp_path / "f.yaml")


def test_url_goes_where_the_placeholder_is_else_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakeplayer.install(tmp_path, "vlc")
    monkeypatch.setenv("PATH", str(tmp_path))
    url = "https://a.example/x.mp3"
    exe = str(tmp_path / "vlc")
    assert player_argv(("vlc", "--intf", "dummy"), url) == [exe, "--intf", "dummy", url]
    assert player_argv(("vlc", "{url}", "--play-and-exit"), url) == [exe, url, "--play-and-exit"]
    with pytest.raises(NoPlayer, match="not installed"):
        player_argv(("mplayer",), url)
    with pytest.raises(NoPlayer, match="install mpv"):
        player_argv((), url)  # vlc is there, but only mpv is a default
    fakeplayer.install(tmp_path, "mpv")
    assert player_argv((), url) == [str(tmp_path / "mpv"), url]
