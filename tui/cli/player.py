"""`digest-tui play ID`: the episode's audio in the player, as `a` does in the reader."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from store import api
from store.api import screen_line as safe_line


def register(sub: Any) -> None:
    p = sub.add_parser(
        "play", help="play an entry's audio (player: in feeds.yaml, else mpv), detached"
    )
    p.add_argument("id", help="entry id (a unique prefix is enough)")
    p.add_argument("--json", action="store_true", help="print the player and URL as JSON")
    p.set_defaults(handler=cmd_play)


def cmd_play(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    player, url = api.play(lib, ctx.config(), api.resolve(lib, args.id))
    if args.json:
        sys.stdout.write(json.dumps({"player": player, "url": url}, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(safe_line(f"playing in {player}: {url}") + "\n")
    return 0
