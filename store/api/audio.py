"""The episode's audio: the enclosure, started in the configured player.

Part of the door (``store.api``); see its docstring.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from store.errors import UsageError
from store.storage.library import Library

# Heavier floors are imported by the verbs that use them (start-up speed).
if TYPE_CHECKING:
    from store.config import Config


# -- the episode's audio ----------------------------------------------------------
def play(lib: Library, config: Config, entry_id: str) -> tuple[str, str]:
    """Start the entry's enclosure in the player, detached: (player name, url).

    ``DigestError`` says why not: no enclosure, a link that is not http(s)/file,
    no player installed.
    """
    from store.player import PLAYABLE_SCHEMES, launch, player_argv

    entry = lib.get(entry_id)
    enc = entry.enclosure
    if enc is None or not enc.url:
        raise UsageError("this entry has no audio (no enclosure)")
    if not enc.url.lower().startswith(PLAYABLE_SCHEMES):
        raise UsageError("the enclosure is not an http, https or file link")
    argv = player_argv(config.player, enc.url)
    launch(argv)
    return Path(argv[0]).name, enc.url
