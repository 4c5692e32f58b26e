"""`digest-tui kept`, `keep`, `unkeep`: kept points from the shell, as `h` and the Kept screen.

A point is named by its entry (an id or a unique prefix) and then by its
number, its text or a unique prefix of its text (any case, punctuation
ignored). The numbers are the ones ``digest-tui keep ID`` prints: the entry's
key points, then its detail bullets, in reading order.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from store import api
from store.api import screen_line as safe_line
from store.views import ORPHANED_NOTE


def register(sub: Any) -> None:
    p = sub.add_parser(
        "kept",
        help="list kept points, grouped by story or tag",
        description="QUERY: words every listed point holds (in its text, note, entry "
        "title, source or group)",
    )
    how = p.add_mutually_exclusive_group()
    how.add_argument("--json", action="store_true", help="print them as JSON")
    how.add_argument("--md", action="store_true", help="print a Markdown brief with links back")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.add_argument("query", nargs="*", metavar="QUERY", help="optional words to filter by")
    p.set_defaults(handler=cmd_kept)

    p = sub.add_parser(
        "keep",
        help="keep a key point or detail bullet of an entry (without POINT: list them)",
        description="POINT: the point's number as this command lists it, its text, or a "
        "unique prefix of its text",
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("point", nargs="?", metavar="POINT")
    p.add_argument("--note", default="", help="a note to keep with it (replaces an older one)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_keep)

    p = sub.add_parser("unkeep", help="let a kept point go")
    p.add_argument("id", metavar="ID")
    p.add_argument("point", metavar="POINT", help="its number, its text or a unique prefix")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_unkeep)


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_kept(args: argparse.Namespace, ctx: Any) -> int:
    points = api.kept_points(ctx.library(), " ".join(args.query))
    if args.json:
        text = json.dumps([p.to_json() for p in points], ensure_ascii=False, indent=1)
    elif args.md:
        text = api.kept_markdown(points)
    else:
        text = "\n".join(_lines(points)) if points else "nothing kept"
    if args.output:
        api.write_text(Path(args.output), text)
    else:
        _write(text)
    return 0


def _lines(points: list[api.KeptPoint]) -> list[str]:
    """Plain lines: each group's label, then its points with entry, date and source."""
    out: list[str] = []
    pad = " " * 11
    for group, members in api.kept_groups(points):
        out.append(safe_line(group) or "Other")
        for p in members:
            out.append(f"  {p.entry[:8]} {p.date or '':<10} {safe_line(p.source)[:24]}")
            out.append(pad + safe_line(p.text))
            if p.note:
                out.append(pad + "note: " + safe_line(p.note))
            if p.orphaned:
                out.append(f"{pad}({ORPHANED_NOTE})")
    return out


def cmd_keep(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    eid = api.resolve(lib, args.id)
    if args.point is None:
        kept = api.kept_texts(lib, eid)
        points = api.keepable_points(lib, eid)
        if args.json:
            out = [{"n": n, "text": t, "kept": t in kept} for n, t in enumerate(points, 1)]
            _write(json.dumps(out, ensure_ascii=False))
        else:
            lines = [
                f"{'*' if t in kept else ' '} {n:>3}  {safe_line(t)}"
                for n, t in enumerate(points, 1)
            ]
            _write("\n".join(lines) if lines else "no points to keep")
        return 0
    text = api.pick_point(lib, eid, args.point)
    new = api.keep_point(lib, eid, text, args.note)
    if args.json:
        _write(json.dumps({"entry": eid, "text": text, "new": new}, ensure_ascii=False))
    else:
        _write(safe_line(f"{eid[:8]}: {'kept' if new else 'already kept, note saved'}: {text}"))
    return 0


def cmd_unkeep(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    eid = api.resolve(lib, args.id)
    text = api.pick_point(lib, eid, args.point, kept=True)
    was = api.unkeep_point(lib, eid, text)
    if args.json:
        _write(json.dumps({"entry": eid, "text": text, "was_kept": was}, ensure_ascii=False))
    else:
        _write(safe_line(f"{eid[:8]}: {'let go' if was else 'was not kept'}: {text}"))
    return 0
