"""ingest, list, show, tag/untag, bookmark/unbookmark, read/unread, export: shells over store.api."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from store import api
from store.api import screen_line as safe_line
from store.errors import UsageError
from store.models import entry_to_json
from tui.cli.stories import point_links_json, story_lines, story_ref_json


def register(sub: Any) -> None:
    p = sub.add_parser("ingest", help="add digest files, folders or feed files to the library")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser(
        "list",
        help="list entries matching a filter query",
        description='QUERY: words, "phrases", +tag, -tag, is:bookmarked, is:unread, '
        "source:NAME, show:NAME, @7-days-ago, @2025-02-01..2025-03-01",
        prefix_chars="\x00",  # so `list -china +ai` is a query, not options
    )
    p.add_argument("terms", nargs=argparse.REMAINDER, metavar="QUERY")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="show one entry in full")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    for name, fn, helptext in (
        ("tag", cmd_tag, "add your tags to an entry"),
        ("untag", cmd_untag, "remove tags (yours or automatic) from an entry"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("id", metavar="ID")
        p.add_argument("tags", nargs="+", metavar="TAG")
        p.set_defaults(handler=fn)

    for name, fn, helptext in (
        ("bookmark", cmd_bookmark, "bookmark entries"),
        ("unbookmark", cmd_unbookmark, "remove bookmarks"),
        ("read", cmd_read, "mark entries read"),
        ("unread", cmd_unread, "mark entries unread"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("ids", nargs="+", metavar="ID")
        p.set_defaults(handler=fn)

    p = sub.add_parser("export", help="export entries as JSON, Markdown or OPML")
    p.add_argument("--format", choices=("json", "md", "opml"), default="json")
    p.add_argument("--bookmarked", action="store_true", help="only bookmarked entries")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.add_argument("query", nargs="*", metavar="QUERY", help="optional filter query")
    p.set_defaults(handler=cmd_export)


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_ingest(args: argparse.Namespace, ctx: Any) -> int:
    config = ctx.config()
    report = api.ingest(ctx.library(), args.paths, config)
    if args.json:
        _write(
            json.dumps(
                {
                    "files_read": report.files_read,
                    "new": report.entries_new,
                    "known": report.entries_known,
                    "updated": report.entries_updated,
                    "duplicates_folded": report.duplicates_folded,
                    "skipped": [{"path": p, "reason": r} for p, r in report.skipped],
                    "new_ids": report.new_ids,
                },
                ensure_ascii=False,
            )
        )
    else:
        _write(
            f"{report.files_read} file(s) read: {report.entries_new} new, "
            f"{report.entries_known} already known, {report.entries_updated} updated, "
            f"{report.duplicates_folded} duplicates folded"
        )
        for path, why in report.skipped:
            _write(safe_line(f"skipped {path}: {why}"))
    missing = [p for p, why in report.skipped if why == "no such file or directory"]
    return 2 if missing and report.files_read == 0 else 0


def _parse_list_terms(terms: list[str]) -> tuple[str, bool, int | None]:
    """Pull --json / --limit N out of the free-form query."""
    as_json, limit = False, None
    rest: list[str] = []
    it = iter(terms)
    for t in it:
        if t == "--json":
            as_json = True
        elif t in ("--limit", "-n") or t.startswith("--limit="):
            value = t.split("=", 1)[1] if "=" in t else next(it, None)
            if value is None or not value.isdigit():
                raise UsageError("digest-tui list: --limit needs a whole number")
            limit = int(value)
        elif t == "--":
            rest.extend(it)  # everything after "--" is query, even "--words"
        elif t.startswith("--"):
            raise UsageError(
                f"digest-tui list: unknown option {t}; a filter is words, +tag, -tag, "
                "is:bookmarked, is:unread, source:NAME, show:NAME or @dates"
            )
        else:
            rest.append(t)
    query = " ".join(_quote(t) for t in rest)
    return query, as_json, limit


def _quote(term: str) -> str:
    """A shell word with spaces was a quoted phrase ('open source'): keep it one term.

    Unless it holds query syntax: 'is:bookmarked +china' is a whole query in one
    shell word, the same as the two words given apart.
    """
    words = term.split()
    syntax = '"' in term or any(w.startswith(("+", "-", "!", "@")) or ":" in w for w in words)
    if len(words) > 1 and not syntax:
        return f'"{term}"'
    return term


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    if any(t in ("-h", "--help") for t in args.terms):
        print("usage: digest-tui list [QUERY...] [--json] [--limit N]")
        return 0
    query, as_json, limit = _parse_list_terms(args.terms)
    lib = ctx.library()
    rows = api.list_rows(lib, query)
    for hint in api.query_hints(query):
        print(hint, file=sys.stderr)
    if limit is not None:
        rows = rows[:limit]
    if as_json:
        out = api.export_entries_json(lib, rows, full=False)
        _write(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        m = api.entry_marks(lib, r.id)
        flags = ("*" if m.bookmarked else " ") + (" " if m.read else "N")
        date = (r.date or "")[:10].ljust(10)
        title = f"{r.show} — {r.title}" if r.show else r.title
        _write(safe_line(f"{r.id[:8]} {flags} {date} {r.source[:18]:<18} {title}"))
    return 0


def cmd_show(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    opened = api.show_entry(lib, api.resolve(lib, args.id))
    if args.json:
        d = entry_to_json(opened.entry, opened.marks)
        d["related"] = [
            {
                "id": r.id,
                "title": r.title,
                "show": r.show,
                "source": r.source,
                "date": r.date,
                "score": round(r.score, 4),
                "shared_tags": list(r.shared_tags),
            }
            for r in opened.related
        ]
        d["story"] = story_ref_json(opened.story)
        d["point_links"] = point_links_json(opened.point_links)
        _write(json.dumps(d, ensure_ascii=False, indent=1))
        return 0
    text = api.show_text(opened)
    extra = story_lines(opened)
    _write(api.screen_text(text.rstrip("\n") + ("\n\n" + "\n".join(extra) if extra else "")))
    return 0


def _norm_tags(tags: list[str]) -> list[str]:
    out = api.user_tags(tags)
    if not out:
        raise UsageError("digest-tui: no usable tag given")
    return out


def cmd_tag(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    eid = api.resolve(lib, args.id)
    tags = _norm_tags(args.tags)
    api.tag(lib, [eid], tags)
    _write(safe_line(f"{eid[:8]}: tagged {', '.join(tags)}"))
    return 0


def cmd_untag(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    eid = api.resolve(lib, args.id)
    tags = _norm_tags(args.tags)
    present = api.untag(lib, [eid], tags)
    if not present:
        _write(safe_line(f"{eid[:8]}: had none of {', '.join(tags)}"))
    else:
        _write(safe_line(f"{eid[:8]}: removed {', '.join(present)}"))
    return 0


def _mark(args: argparse.Namespace, ctx: Any, write: Callable[..., Any], word: str) -> int:
    lib = ctx.library()
    ids = [api.resolve(lib, i) for i in args.ids]
    write(lib, ids)
    _write(f"{len(ids)} entr{'y' if len(ids) == 1 else 'ies'} {word}")
    return 0


def cmd_bookmark(args: argparse.Namespace, ctx: Any) -> int:
    return _mark(args, ctx, lambda lib, ids: api.bookmark(lib, ids, True), "bookmarked")


def cmd_unbookmark(args: argparse.Namespace, ctx: Any) -> int:
    return _mark(args, ctx, lambda lib, ids: api.bookmark(lib, ids, False), "unbookmarked")


def cmd_read(args: argparse.Namespace, ctx: Any) -> int:
    return _mark(args, ctx, lambda lib, ids: api.mark_read(lib, ids, True), "marked read")


def cmd_unread(args: argparse.Namespace, ctx: Any) -> int:
    return _mark(args, ctx, lambda lib, ids: api.mark_read(lib, ids, False), "marked unread")


def cmd_export(args: argparse.Namespace, ctx: Any) -> int:
    if args.format == "opml":
        text = api.export(None, "opml", config=ctx.config_path())
    else:
        query = " ".join(args.query)
        text = api.export(ctx.library(), args.format, query, bookmarked=args.bookmarked)
    if args.output:
        api.write_text(Path(args.output), text)
    else:
        _write(text)
    return 0
