"""ingest, list, show, tag/untag, bookmark/unbookmark, read/unread, export."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tui.safe_output import safe_line, safe_text


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
    from store.config import load_config
    from store.sync.ingest import ingest_paths

    topics = load_config(ctx.config_path()).topics
    lib = ctx.library()
    report = ingest_paths(lib, args.paths, topics=topics)
    if args.json:
        _write(
            json.dumps(
                {
                    "files_read": report.files_read,
                    "new": report.entries_new,
                    "known": report.entries_known,
                    "updated": report.entries_updated,
                    "skipped": [{"path": p, "reason": r} for p, r in report.skipped],
                    "new_ids": report.new_ids,
                },
                ensure_ascii=False,
            )
        )
    else:
        _write(
            f"{report.files_read} file(s) read: {report.entries_new} new, "
            f"{report.entries_known} already known, {report.entries_updated} updated"
        )
        for path, why in report.skipped:
            _write(safe_line(f"skipped {path}: {why}"))
    missing = [p for p, why in report.skipped if why == "no such file or directory"]
    return 2 if missing and report.files_read == 0 else 0


def _parse_list_terms(terms: list[str]) -> tuple[str, bool, int | None]:
    """Pull --json / --limit N out of the free-form query."""
    from store.errors import UsageError

    as_json, limit, rest = False, None, []
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
    """A shell word with spaces was a quoted phrase: keep it one term."""
    if " " in term and not term.startswith(('"', "+", "-", "@")) and '"' not in term:
        return f'"{term}"'
    return term


def cmd_list(args: argparse.Namespace, ctx: Any) -> int:
    from store.index.select import select_rows
    from store.models import entry_to_json

    if any(t in ("-h", "--help") for t in args.terms):
        print("usage: digest-tui list [QUERY...] [--json] [--limit N]")
        return 0
    query, as_json, limit = _parse_list_terms(args.terms)
    lib = ctx.library()
    rows = select_rows(lib, query)
    if limit is not None:
        rows = rows[:limit]
    if as_json:
        entries = lib.get_many([r.id for r in rows])
        out = [entry_to_json(e, lib.marks(e.id), full=False) for e in entries]
        _write(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        m = lib.marks(r.id)
        flags = ("*" if m.bookmarked else " ") + (" " if m.read else "N")
        date = (r.date or "")[:10].ljust(10)
        title = f"{r.show} — {r.title}" if r.show else r.title
        _write(safe_line(f"{r.id[:8]} {flags} {date} {r.source[:18]:<18} {title}"))
    return 0


def cmd_show(args: argparse.Namespace, ctx: Any) -> int:
    from store.models import entry_to_json
    from store.render import entry_text

    lib = ctx.library()
    eid = lib.resolve(args.id)
    e = lib.get(eid)
    m = lib.marks(eid)
    auto, _user = lib.effective_tags(eid)
    related = _related(lib, eid)
    if args.json:
        d = entry_to_json(e, m)
        d["related"] = related
        _write(json.dumps(d, ensure_ascii=False, indent=1))
        return 0
    rel = [(r["id"], r["title"], r["shared_tags"]) for r in related]
    _write(safe_text(entry_text(e, m, auto, rel)))
    return 0


def _related(lib: Any, eid: str) -> list[dict[str, Any]]:
    try:
        from store.index.tagindex import related_entries
    except ImportError:
        return []
    return [
        {
            "id": r.id,
            "title": r.title,
            "score": round(r.score, 4),
            "shared_tags": list(r.shared_tags),
        }
        for r in related_entries(lib, eid, limit=10)
    ]


def _resolve_all(lib: Any, ids: list[str]) -> list[str]:
    return [lib.resolve(i) for i in ids]


def _norm_tags(tags: list[str]) -> list[str]:
    from store.errors import UsageError
    from store.index.usertags import user_tag

    out = [t for t in (user_tag(x) for x in tags) if t]
    if not out:
        raise UsageError("digest-tui: no usable tag given")
    return out


def cmd_tag(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    eid = lib.resolve(args.id)
    tags = _norm_tags(args.tags)
    lib.add_tags([eid], tags)
    _write(safe_line(f"{eid[:8]}: tagged {', '.join(tags)}"))
    return 0


def cmd_untag(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    eid = lib.resolve(args.id)
    tags = _norm_tags(args.tags)
    auto, user = lib.effective_tags(eid)
    present = [t for t in tags if t in auto or t in user]
    lib.remove_tags([eid], tags)
    if not present:
        _write(safe_line(f"{eid[:8]}: had none of {', '.join(tags)}"))
    else:
        _write(safe_line(f"{eid[:8]}: removed {', '.join(present)}"))
    return 0


def _mark(args: argparse.Namespace, ctx: Any, method: str, value: bool, word: str) -> int:
    lib = ctx.library()
    ids = _resolve_all(lib, args.ids)
    getattr(lib, method)(ids, value)
    _write(f"{len(ids)} entr{'y' if len(ids) == 1 else 'ies'} {word}")
    return 0


def cmd_bookmark(args: argparse.Namespace, ctx: Any) -> int:
    return _mark(args, ctx, "set_bookmarked", True, "bookmarked")


def cmd_unbookmark(args: argparse.Namespace, ctx: Any) -> int:
    return _mark(args, ctx, "set_bookmarked", False, "unbookmarked")


def cmd_read(args: argparse.Namespace, ctx: Any) -> int:
    return _mark(args, ctx, "set_read", True, "marked read")


def cmd_unread(args: argparse.Namespace, ctx: Any) -> int:
    return _mark(args, ctx, "set_read", False, "marked unread")


def cmd_export(args: argparse.Namespace, ctx: Any) -> int:
    from store.index.select import select_rows
    from store.models import entry_to_json
    from store.render import entries_markdown

    if args.format == "opml":
        from store.opml import export_opml

        text = export_opml(ctx.config_path())
    else:
        lib = ctx.library()
        rows = select_rows(lib, " ".join(args.query))
        if args.bookmarked:
            rows = [r for r in rows if lib.marks(r.id).bookmarked]
        entries = lib.get_many([r.id for r in rows])
        if args.format == "json":
            text = json.dumps(
                [entry_to_json(e, lib.marks(e.id)) for e in entries], ensure_ascii=False, indent=1
            )
        else:
            title = "Bookmarks" if args.bookmarked else "digest-tui export"
            text = entries_markdown(((e, lib.marks(e.id)) for e in entries), title)
    if args.output:
        from pathlib import Path

        from store.storage.atomic import write_bytes_atomic

        write_bytes_atomic(Path(args.output), (text.rstrip("\n") + "\n").encode("utf-8"))
    else:
        _write(text)
    return 0
