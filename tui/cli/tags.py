"""`digest-tui tags`: the cross-topic index, for people and for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from store import api
from store.api import screen_line as safe_line

_SPARK = " ▁▂▃▄▅▆▇█"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "tags",
        help="every tag with its entries, sources and weekly trend (cross-source first)",
    )
    p.add_argument("--json", action="store_true", help="print the index as JSON")
    p.set_defaults(handler=cmd_tags)


def sparkline(counts: list[int], width: int = 12) -> str:
    """The last ``width`` weekly counts as block characters."""
    tail = counts[-width:]
    top = max(tail, default=0)
    if not top:
        return " " * len(tail)
    return "".join(_SPARK[min(8, round(c * 8 / top))] if c else _SPARK[0] for c in tail)


def cmd_tags(args: argparse.Namespace, ctx: Any) -> int:
    stats = api.tags_summary(ctx.library())
    if args.json:
        sys.stdout.write(json.dumps([s.to_json() for s in stats], ensure_ascii=False) + "\n")
        return 0
    if not stats:
        sys.stdout.write("no tags yet: ingest some digests first\n")
        return 0
    width = max(len(s.tag) for s in stats[:200])
    for s in stats:
        trend = sparkline([n for _w, n in s.weekly])
        line = (
            f"{s.tag[:40]:<{min(width, 40)}}  {s.entries:>5} entr{'y' if s.entries == 1 else 'ies'}"
            f"  {s.sources:>3} source{'' if s.sources == 1 else 's'}  {s.kind:<4}  {trend}"
        )
        sys.stdout.write(safe_line(line.rstrip()) + "\n")
    return 0
