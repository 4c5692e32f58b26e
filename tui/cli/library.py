"""ingest, list, show, tag/untag, bookmark/unbookmark, read/unread, export: shells over store.api."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from store import api
from store.api import screen_line as safe_line
from store.errors import UsageError
from store.models import Marks, Row, entry_to_json
from tui.cli.columns import cell
from tui.cli.derive import add_no_wait, derive, left_line
from tui.cli.stories import point_links_json, story_lines, story_ref_json

QUERY_HELP = (
    "every entry the filter matches (as `list QUERY`), in one undo step; quote it: "
    "--query '+ai -china', or --query=-china for one negative term"
)


def register(sub: Any) -> None:
    p = sub.add_parser("ingest", help="add digest files, folders or feed files to the library")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    add_no_wait(p)
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
        ("tag", cmd_tag, "add your tags to an entry (or to every entry a --query matches)"),
        ("untag", cmd_untag, "remove tags (yours or automatic) from an entry (or a --query)"),
    ):
        p = sub.add_parser(name, help=helptext, usage="%(prog)s (ID | --query QUERY) TAG...")
        p.add_argument("words", nargs="+", metavar="ID TAG", help="an entry id, then tags")
        p.add_argument("--query", metavar="QUERY", help=QUERY_HELP)
        p.set_defaults(handler=fn)

    for name, fn, helptext in (
        ("bookmark", cmd_bookmark, "bookmark entries"),
        ("unbookmark", cmd_unbookmark, "remove bookmarks"),
        ("read", cmd_read, "mark entries read"),
        ("unread", cmd_unread, "mark entries unread"),
    ):
        p = sub.add_parser(name, help=helptext, usage="%(prog)s (ID... | --query QUERY)")
        p.add_argument("ids", nargs="*", metavar="ID")
        p.add_argument("--query", metavar="QUERY", help=QUERY_HELP)
        p.set_defaults(handler=fn)

    p = sub.add_parser("export", help="export entries as JSON, Markdown or OPML")
    p.add_argument("--format", choices=("json", "md", "opml"), default="json")
    p.add_argument("--bookmarked", action="store_true", help="only bookmarked entries")
    p.add_argument(
        "--kept", action="store_true", help="the kept points instead, as `kept --md/--json`"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.add_argument("query", nargs="*", metavar="QUERY", help="optional filter query")
    p.set_defaults(handler=cmd_export)


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_ingest(args: argparse.Namespace, ctx: Any) -> int:
    config = ctx.config()
    lib = ctx.library()
    if not args.no_wait:
        derive(lib, config)  # an earlier --no-wait run's leftovers, with progress
    report = api.ingest(lib, args.paths, config, wait=not args.no_wait)
    if args.json:
        _write(
            json.dumps(
                {
                    "files_read": report.files_read,
                    "files_unchanged": report.files_unchanged,
                    "new": report.entries_new,
                    "known": report.entries_known,
                    "updated": report.entries_updated,
                    "duplicates_folded": report.duplicates_folded,
                    "skipped": [{"path": p, "reason": r} for p, r in report.skipped],
                    "new_ids": report.new_ids,
                    "pending": api.pending_derivation(lib),
                },
                ensure_ascii=False,
            )
        )
    else:
        unchanged = (
            f" ({report.files_unchanged} unchanged since the last ingest, not read)"
            if report.files_unchanged
            else ""
        )
        _write(
            f"{report.files_read} file(s) read{unchanged}: {report.entries_new} new, "
            f"{report.entries_known} already known, {report.entries_updated} updated, "
            f"{report.duplicates_folded} duplicates folded"
        )
        for path, why in report.skipped:
            _write(safe_line(f"skipped {path}: {why}"))
        left = left_line(lib)
        if left:
            _write(left)
    missing = [p for p, why in report.skipped if why == "no such file or directory"]
    return 2 if missing and report.files_read + report.files_unchanged == 0 else 0


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
        _write(_list_line(r, api.entry_marks(lib, r.id)))
    return 0


SOURCE_CELLS = 18
NO_DATE = "-" * 10


def _list_line(r: Row, m: Marks) -> str:
    """One `list` line in fixed columns: id, flags, date, source, then the title.

    Every column before the title has a fixed width in terminal cells and a
    placeholder when empty ("-" for an unset flag, dashes for no date), so
    `cut -c` and `awk '{print $3}'` find the same field on every line.
    """
    flags = ("*" if m.bookmarked else "-") + ("-" if m.read else "N")
    date = r.date[:10] if r.date else NO_DATE
    title = f"{r.show} — {r.title}" if r.show else r.title
    return " ".join(
        (cell(r.id[:8], 8), flags, cell(date, 10), cell(r.source, SOURCE_CELLS), safe_line(title))
    )


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
        d["tags_pending"] = opened.tags_pending  # its auto_tags are still to come
        _write(json.dumps(d, ensure_ascii=False, indent=1))
        return 0
    text = api.show_text(opened)
    extra = story_lines(opened)
    _write(api.screen_text(text.rstrip("\n") + ("\n\n" + "\n".join(extra) if extra else "")))
    return 0


def _norm_tags(tags: list[str], known: Callable[[], Collection[str]]) -> list[str]:
    out = api.user_tags(tags, known)
    if not out:
        raise UsageError("digest-tui: no usable tag given")
    return out


def _matching(lib: api.Library, query: str) -> list[str]:
    """The ids a --query selects; an empty query is refused (it would be the whole library)."""
    if not query.strip():
        raise UsageError("digest-tui: --query needs a filter (words, +tag, is:unread...)")
    return [r.id for r in api.list_rows(lib, query)]


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def _tag_targets(args: argparse.Namespace, lib: api.Library) -> tuple[list[str], list[str], str]:
    """(ids, the tags as typed, who) from `tag ID TAG...` or `tag --query QUERY TAG...`."""
    if args.query is not None:
        if not args.words:
            raise UsageError(f"digest-tui {args.command}: give at least one TAG")
        return _matching(lib, args.query), list(args.words), ""
    if len(args.words) < 2:
        raise UsageError(f"digest-tui {args.command}: give an ID and at least one TAG")
    eid = api.resolve(lib, args.words[0])
    return [eid], list(args.words[1:]), eid[:8]


def _respelled(typed: list[str], known: Callable[[], Collection[str]]) -> str:
    """' (stored "Open Source" as open-source)' when a tag was stored spelled otherwise."""
    respelled = [
        f'"{t}" as {spelled}'
        for t, spelled in zip(typed, (api.user_tag(t, known) for t in typed), strict=True)
        if spelled and t.strip().lstrip("#").strip().lower() != spelled
    ]
    return f" (stored {', '.join(respelled)})" if respelled else ""


def cmd_tag(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    ids, typed, who = _tag_targets(args, lib)
    known = api.known_tags(lib)  # "cocoapods" is CocoaPods' tag if the library has it
    tags = _norm_tags(typed, known)  # a tag that cannot be one stops here: nothing stored
    changed = api.tag(lib, ids, tags)
    note = _respelled(typed, known)
    if who:
        _write(safe_line(f"{who}: tagged {', '.join(tags)}{note}"))
    else:
        n = len(ids)
        _write(safe_line(f"{_entries(len(changed))} tagged {', '.join(tags)}{note} ({n} matched)"))
    return 0


def _has_any(lib: api.Library, entry_id: str, tags: list[str]) -> bool:
    auto, user = api.entry_tags(lib, entry_id)
    return any(t in auto or t in user for t in tags)


def cmd_untag(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    ids, typed, who = _tag_targets(args, lib)
    # a tag an entry has is removed as written, even one no longer spelled so
    has = {t for i in ids for both in api.entry_tags(lib, i) for t in both}
    others = [t for t in typed if t not in has]
    tags = [t for t in typed if t in has] + (
        _norm_tags(others, api.known_tags(lib)) if others else []
    )
    having = [i for i in ids if _has_any(lib, i, tags)]
    present = api.untag(lib, ids, tags)
    if not who:
        _write(
            safe_line(f"{_entries(len(having))} untagged {', '.join(tags)} ({len(ids)} matched)")
        )
    elif not present:
        _write(safe_line(f"{who}: had none of {', '.join(tags)}"))
    else:
        _write(safe_line(f"{who}: removed {', '.join(present)}"))
    return 0


def _mark(args: argparse.Namespace, ctx: Any, write: Callable[..., Any], word: str) -> int:
    lib = ctx.library()
    if args.query is not None:
        if args.ids:
            raise UsageError(f"digest-tui {args.command}: give ids or --query, not both")
        ids = _matching(lib, args.query)
        changed = write(lib, ids)
        _write(f"{_entries(len(changed))} {word} ({len(ids)} matched)")
        return 0
    if not args.ids:
        raise UsageError(f"digest-tui {args.command}: give entry ids or --query QUERY")
    ids = [api.resolve(lib, i) for i in args.ids]
    write(lib, ids)
    _write(f"{_entries(len(ids))} {word}")
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
        text = api.export(None, "opml", kept=args.kept, config=ctx.config_path())
    else:
        query = " ".join(args.query)
        text = api.export(
            ctx.library(), args.format, query, bookmarked=args.bookmarked, kept=args.kept
        )
    if args.output:
        api.write_text(Path(args.output), text)
    else:
        _write(text)
    return 0
