"""Playing an episode's audio: which player, and starting it detached.

The UI and ``digest-tui play`` both call ``store.api.play``, which lands here: the
player is the config's ``player:`` command line, else mpv when it is on PATH. It
runs in its own session with no terminal (stdin, stdout and stderr closed), so the
reader stays usable and a player that writes to the terminal cannot garble the UI;
the URL is passed as one argument, never through a shell.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence

from store.errors import DigestError

DEFAULT_PLAYERS = ("mpv",)
PLAYABLE_SCHEMES = ("http://", "https://", "file://")

__all__ = ["DEFAULT_PLAYERS", "NoPlayer", "launch", "player_argv"]


class NoPlayer(DigestError):
    """No player is configured and none of the defaults is installed."""


def player_argv(configured: Sequence[str], url: str) -> list[str]:
    """The command that plays ``url``: ``{url}`` in the configured line is replaced, else appended."""
    if configured:
        exe = shutil.which(configured[0])
        if exe is None:
            raise NoPlayer(f"the player in feeds.yaml ({configured[0]}) is not installed")
        args = list(configured[1:])
        if any("{url}" in a for a in args):
            return [exe, *(a.replace("{url}", url) for a in args)]
        return [exe, *args, url]
    for name in DEFAULT_PLAYERS:
        exe = shutil.which(name)
        if exe is not None:
            return [exe, url]
    raise NoPlayer(
        "no audio player: install mpv or set `player:` in feeds.yaml (y copies the link)"
    )


def launch(argv: Sequence[str]) -> int:
    """Start the player detached from this process and its terminal; returns its pid."""
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as exc:
        raise NoPlayer(f"cannot start {argv[0]}: {exc.strerror or exc}") from None
    return proc.pid
