"""refresh, feeds, import-opml: thin shells over store.api."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from store import api
from store.api import screen_line as safe_line
from tui.cli.derive import add_no_wait, derive, left_line


def register(sub: Any) -> None:
    p = sub.add_parser(
        "refresh",
        help="fetch feeds (all, or those named) and ingest the configured paths",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="feed name, title, host or URL")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    add_no_wait(p)
    p.set_defaults(handler=cmd_refresh)

    p = sub.add_parser("feeds", help="every feed with last fetch, last success, entries, error")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_feeds)

    p = sub.add_parser("import-opml", help="add an OPML file's feeds to your feeds.yaml")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=cmd_import_opml)


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def _result_line(r: Any) -> str:
    if r.ok:
        what = {
            "new": f"{r.entries_new} new",
            "unchanged": "unchanged",
            "not-modified": "not modified",
        }.get(r.status, r.status)
        line = f"ok     {r.name}: {what} ({r.entries_total} entries)"
        if r.warning:
            line += f" [warning: {r.warning}]"
        return safe_line(line)
    salvaged = f" ({r.entries_new} new salvaged)" if r.entries_new else ""
    return safe_line(f"failed {r.name}: {r.error}{salvaged}")


def _result_json(r: Any) -> dict[str, Any]:
    return {
        "name": r.name,
        "url": r.url,
        "ok": r.ok,
        "status": r.status,
        "error": r.error,
        "warning": r.warning,
        "entries_new": r.entries_new,
        "entries_total": r.entries_total,
    }


def cmd_refresh(args: argparse.Namespace, ctx: Any) -> int:
    config = ctx.config()
    lib = ctx.library()
    wait = not args.no_wait
    if wait:
        derive(lib, config)  # what an earlier --no-wait run left, with its progress
    use_bar = not args.json and sys.stdout.isatty()
    if use_bar:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        n = api.feeds_to_refresh(lib, config, args.names)
        console = Console(highlight=False, markup=False)
        with Progress(
            TextColumn("refreshing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}", markup=False),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("", total=n)

            def on_feed(r: Any) -> None:
                bar.update(task, advance=1, description=safe_line(r.name)[:40])
                if not r.ok:
                    bar.console.print(_result_line(r), markup=False, highlight=False)

            report = api.refresh(lib, config, args.names or None, on_feed, wait=wait)
    elif args.json:
        report = api.refresh(lib, config, args.names or None, wait=wait)
    else:
        report = api.refresh(
            lib, config, args.names or None, lambda r: _write(_result_line(r)), wait=wait
        )
    ing = report.ingest
    if args.json:
        out: dict[str, Any] = {
            "feeds": [_result_json(r) for r in report.results],
            "feeds_ok": report.feeds_ok,
            "feeds_failed": report.feeds_failed,
            "entries_new": report.entries_new,
            "pending": api.pending_derivation(lib),
        }
        if ing is not None:
            out["paths"] = {
                "files_read": ing.files_read,
                "files_unchanged": ing.files_unchanged,
                "new": ing.entries_new,
                "skipped": [{"path": p, "reason": r} for p, r in ing.skipped],
            }
        _write(json.dumps(out, ensure_ascii=False))
    else:
        summary = (
            f"refresh: {report.feeds_ok} feed(s) ok, {report.feeds_failed} failed, "
            f"{report.entries_new} new entr{'y' if report.entries_new == 1 else 'ies'}"
        )
        if ing is not None:
            unchanged = f", {ing.files_unchanged} unchanged" if ing.files_unchanged else ""
            summary += f" ({ing.files_read} local file(s) read{unchanged})"
        _write(safe_line(summary))
        left = left_line(lib)
        if left:
            _write(left)
    if report.results and report.feeds_ok == 0:
        return 1  # every feed failed: let scripts notice
    return 0


def cmd_feeds(args: argparse.Namespace, ctx: Any) -> int:
    config = ctx.config()
    statuses = api.feed_statuses(ctx.library(), config)
    if args.json:
        _write(
            json.dumps(
                [
                    {
                        "name": s.name,
                        "url": s.url,
                        "tags": list(s.tags),
                        "title": s.title,
                        "last_fetch": s.last_fetch,
                        "last_success": s.last_success,
                        "entry_count": s.entry_count,
                        "last_error": s.last_error,
                        "status": s.status,
                    }
                    for s in statuses
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    if not statuses:
        _write(safe_line(f"no feeds in {config.path}"))
        return 0
    for s in statuses:
        fetched = (s.last_fetch or "never")[:16].replace("T", " ")
        success = (s.last_success or "never")[:16].replace("T", " ")
        # each field made safe on its own, so the columns keep their alignment
        line = (
            f"{safe_line(s.name)[:28]:<28} {s.entry_count:>6} entries  "
            f"fetched {fetched:<16}  ok {success:<16}"
        )
        if s.last_error:
            line += f"  error: {safe_line(s.last_error)}"
        _write(line)
        _write(f"    {safe_line(s.url)}")
    return 0


def cmd_import_opml(args: argparse.Namespace, ctx: Any) -> int:
    added, known, target = api.import_opml(Path(args.file), ctx.config_path())
    _write(safe_line(f"{added} feed(s) added, {known} already present: {target}"))
    return 0
