"""`digest-tui tags`: the cross-topic index, for people and for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from store import api
from tui.cli.columns import cell, widest

TAG_CELLS = 40


def register(sub: Any) -> None:
    p = sub.add_parser(
        "tags",
        help="every tag with its entries, sources and weekly trend (cross-source first)",
    )
    p.add_argument("--json", action="store_true", help="print the index as JSON")
    p.set_defaults(handler=cmd_tags)


def _plural(n: int, one: str, many: str) -> str:
    word = one if n == 1 else many
    return f"{n:>5} {word:<{len(many)}}"


def cmd_tags(args: argparse.Namespace, ctx: Any) -> int:
    stats = api.tags_summary(ctx.library())
    if args.json:
        sys.stdout.write(json.dumps([s.to_json() for s in stats], ensure_ascii=False) + "\n")
        return 0
    if not stats:
        sys.stdout.write("no tags yet: ingest some digests first\n")
        return 0
    width = widest([s.tag for s in stats[:200]], TAG_CELLS)
    # every tag covers the same weeks (tags_summary), so one legend names the column
    sys.stdout.write(api.trend_legend(stats[0].weekly) + "\n")
    for s in stats:
        line = "  ".join(
            (
                cell(s.tag, width),
                _plural(s.entries, "entry", "entries"),
                _plural(s.sources, "source", "sources"),
                cell(s.kind, 4),
                api.trend_chart(s.weekly),
            )
        )
        sys.stdout.write(line.rstrip() + "\n")
    return 0
