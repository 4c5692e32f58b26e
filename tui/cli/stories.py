"""`digest-tui stories [QUERY] [--json]`: the same event across sources, and the JSON of one.

Also home of the JSON shapes of stories and linked points, so ``show --json``
and ``stories --json`` cannot drift apart.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from store import api
from store.api import screen_line as safe_line


def register(sub: Any) -> None:
    p = sub.add_parser(
        "stories",
        help="stories: entries of different sources about the same event, with shared points",
    )
    p.add_argument("query", nargs="*", metavar="QUERY", help="words the story must hold")
    p.add_argument("--json", action="store_true", help="print the stories as JSON")
    p.set_defaults(handler=cmd_stories)


def story_json(story: Any) -> dict[str, Any]:
    """{id, label, tags, entries: [{id, title, source, date}], points: [{text, entries}]}."""
    return {
        "id": story.id,
        "label": story.label,
        "tags": list(story.tags),
        "entries": [
            {"id": e.id, "title": e.title, "source": e.show or e.source, "date": e.date}
            for e in story.entries
        ],
        "points": [{"text": p.text, "entries": p.entries} for p in story.points],
    }


def story_ref_json(story: Any) -> dict[str, Any] | None:
    """``show --json``'s ``story``: {id, label, entries} (entry ids), or None."""
    if story is None:
        return None
    return {"id": story.id, "label": story.label, "entries": [e.id for e in story.entries]}


def point_links_json(links: Any) -> list[dict[str, Any]]:
    """``show --json``'s ``point_links``: [{point: i, also: [{id, title, source, text}]}]."""
    return [
        {
            "point": link.point,
            "also": [
                {"id": i, "title": title, "source": source, "text": text}
                for i, title, source, text in link.also
            ],
        }
        for link in links
    ]


def story_lines(opened: Any) -> list[str]:
    """``show``'s plain-text lines for the story and the points other sources state too."""
    out: list[str] = []
    if opened.story is not None:
        out.append(f"In story: {opened.story.label} ({opened.story.sources} sources)")
    points = opened.entry.key_points
    for link in opened.point_links:
        if link.point < len(points):
            names = ", ".join(source for _i, _t, source, _x in link.also)
            out.append(f"  • {points[link.point]}")
            out.append(f"    also: {names}")
    return out


def cmd_stories(args: argparse.Namespace, ctx: Any) -> int:
    found = api.stories(ctx.library(), " ".join(args.query))
    if args.json:
        sys.stdout.write(json.dumps([story_json(s) for s in found], ensure_ascii=False) + "\n")
        return 0
    if not found:
        sys.stdout.write("no stories yet: no event is reported by two sources\n")
        return 0
    for s in found:
        sys.stdout.write(safe_line(f"{s.id}  {s.label}  ({s.sources} sources)") + "\n")
        if s.tags:
            sys.stdout.write(safe_line("    " + ", ".join(s.tags)) + "\n")
        for e in s.entries:
            who = e.show or e.source
            sys.stdout.write(
                safe_line(f"    {e.id[:8]} {e.date[:10]:<10} {who[:22]:<22} {e.title}")
            )
            sys.stdout.write("\n")
        for p in s.points:
            sys.stdout.write(safe_line(f"    * {p.text}  [{len(p.entries)} sources]") + "\n")
    return 0
