"""`digest-tui undo`: take back the last change of marks, as `u` does in the UI."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from store import api
from store.api import screen_line as safe_line


def register(sub: Any) -> None:
    p = sub.add_parser(
        "undo", help="undo the last change of marks (read, bookmark, tag, a bulk action)"
    )
    p.add_argument("--json", action="store_true", help="print what was undone as JSON")
    p.set_defaults(handler=cmd_undo)


def cmd_undo(args: argparse.Namespace, ctx: Any) -> int:
    result = api.undo(ctx.library())
    if args.json:
        out = None if result is None else {"undone": result[0], "entries": result[1]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return 0
    if result is None:
        sys.stdout.write("nothing to undo\n")
        return 0
    label, n = result
    # a saved search or a mute rule changes no entry's marks: no count to give
    count = f" ({n} entr{'y' if n == 1 else 'ies'})" if n else ""
    sys.stdout.write(safe_line(f"undone: {label}{count}") + "\n")
    return 0
