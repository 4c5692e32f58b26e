"""save / saved / unsave, mute / unmute / mutes: saved searches and mute rules from the shell.

The same ``store.api`` verbs as ``S``, ``M`` and the palette in the UI; every
change is one step that ``digest-tui undo`` (or ``u``) takes back.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from store import api
from store.api import screen_line as safe_line
from store.errors import UsageError

QUERY_HELP = 'words, "phrases", +tag, -tag, is:unread, source:NAME, show:NAME, @7-days-ago'


def register(sub: Any) -> None:
    p = sub.add_parser(
        "save",
        help="save a search under a name (a navigator entry with live counts)",
        description=f"QUERY: {QUERY_HELP}. A name already saved gets the new query.",
        prefix_chars="\x00",  # so `save china -ai +chips` is a query, not options
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("terms", nargs=argparse.REMAINDER, metavar="QUERY")
    p.set_defaults(handler=cmd_save)

    p = sub.add_parser("saved", help="list saved searches with their counts; rename or export them")
    p.add_argument("--json", action="store_true", help="print them as JSON")
    p.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"), help="rename a saved search")
    p.add_argument(
        "--export",
        action="store_true",
        help="write them as the searches: block of feeds.yaml (nothing else in it changes)",
    )
    p.set_defaults(handler=cmd_saved)

    p = sub.add_parser("unsave", help="delete a saved search (its entries stay)")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(handler=cmd_unsave)

    p = sub.add_parser(
        "mute",
        help="hide every entry a query matches, now and as they arrive (nothing is deleted)",
        description=f"QUERY: {QUERY_HELP}. is:muted lists what rules hide.",
        prefix_chars="\x00",
    )
    p.add_argument("terms", nargs=argparse.REMAINDER, metavar="QUERY")
    p.set_defaults(handler=cmd_mute)

    p = sub.add_parser("unmute", help="remove a mute rule (its query, or its number in mutes)")
    p.add_argument("terms", nargs=argparse.REMAINDER, metavar="QUERY|N")
    p.set_defaults(handler=cmd_unmute)

    p = sub.add_parser("mutes", help="list mute rules: where each comes from, what it hides")
    p.add_argument("--json", action="store_true", help="print them as JSON")
    p.set_defaults(handler=cmd_mutes)


def _out(text: str) -> None:
    sys.stdout.write(safe_line(text) + "\n")


def _query(terms: list[str], what: str) -> str:
    query = " ".join(terms).strip()
    if not query:
        raise UsageError(f"digest-tui {what}: give a QUERY ({QUERY_HELP})")
    return query


def cmd_save(args: argparse.Namespace, ctx: Any) -> int:
    found = api.save_search(ctx.library(), args.name, _query(args.terms, "save"))
    _out(f"saved {found.name}: {found.query}")
    return 0


def cmd_saved(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    if args.rename:
        old, new = args.rename
        found = api.rename_search(lib, old, new)
        _out(f"renamed {old} to {found.name}")
        return 0
    if args.export:
        target, n = api.export_searches(lib, ctx.config_path())
        _out(f"wrote {n} saved search{'es' if n != 1 else ''} to {target}")
        return 0
    listed = api.saved_searches(lib)
    if args.json:
        data = [
            {"name": s.name, "query": s.query, "entries": s.total, "unread": s.unread}
            for s in listed
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return 0
    if not listed:
        _out("no saved searches (digest-tui save NAME QUERY, or S in the app)")
    names = [safe_line(s.name) for s in listed]
    width = max((len(n) for n in names), default=0)
    for name, s in zip(names, listed, strict=True):
        # padding after the hygiene (which collapses runs of spaces): the columns stay put
        sys.stdout.write(f"{name:<{width}}  {s.unread:>5}/{s.total:<5}  {safe_line(s.query)}\n")
    return 0


def cmd_unsave(args: argparse.Namespace, ctx: Any) -> int:
    found = api.delete_search(ctx.library(), args.name)
    _out(f"deleted {found.name} ({found.query}); digest-tui undo brings it back")
    return 0


def cmd_mute(args: argparse.Namespace, ctx: Any) -> int:
    rule = api.mute(ctx.library(), _query(args.terms, "mute"))
    _out(f"muted {rule.matches} entr{'y' if rule.matches == 1 else 'ies'}: {rule.query}")
    return 0


def cmd_unmute(args: argparse.Namespace, ctx: Any) -> int:
    rule = api.unmute(ctx.library(), _query(args.terms, "unmute"))
    _out(f"unmuted {rule.query}: {rule.matches} entr{'y' if rule.matches == 1 else 'ies'} back")
    return 0


def cmd_mutes(args: argparse.Namespace, ctx: Any) -> int:
    rules = api.mute_rules(ctx.library())
    if args.json:
        data = [
            {
                "n": i,
                "query": r.query,
                "from": "feeds.yaml" if r.origin == "config" else "library",
                "entries": r.matches,
                "error": r.error,
            }
            for i, r in enumerate(rules, 1)
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return 0
    if not rules:
        _out("no mute rules (digest-tui mute QUERY, M in the app, or mute: in feeds.yaml)")
    for i, r in enumerate(rules, 1):
        where = "feeds.yaml" if r.origin == "config" else "library"
        said = "refused" if r.error else f"{r.matches} entries"
        line = f"{i:>3}  {where:<10}  {said:<12}  {safe_line(r.query)}"
        sys.stdout.write(line + (f"  ({safe_line(r.error)})" if r.error else "") + "\n")
    return 0
