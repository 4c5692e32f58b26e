"""``digest-tui doctor [--restore] [--repair] [--json]``: check the library's files.

Works from the data directory alone (``ctx.data_dir``), never ``ctx.library()``,
which refuses to open the damaged library this command is there to explain.
Exit status: 0 when the library is healthy (after any fix asked for), 1 when an
error remains.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from store import api
from store.api import screen_line as safe_line


def register(sub: Any) -> None:
    """Add the ``doctor`` subcommand."""
    p = sub.add_parser(
        "doctor",
        help="check the library's files; restore or repair only when asked",
        description="Checks every file of the data dir and says what is wrong and what to do. "
        "Nothing is changed unless --restore or --repair is given, and whatever is "
        "replaced is kept aside as NAME.damaged-TIMESTAMP.",
    )
    p.add_argument(
        "--restore",
        action="store_true",
        help="put the previous good library.json back (keeps the damaged one)",
    )
    p.add_argument(
        "--repair",
        action="store_true",
        help="cut a torn last line of marks.jsonl, move damaged content aside (keeps copies)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=cmd_doctor)


def cmd_doctor(args: argparse.Namespace, ctx: Any) -> int:
    """Diagnose, then restore / repair if asked; print one line per finding."""
    rep = api.doctor(ctx.data_dir, fix_restore=args.restore, fix_repair=args.repair)
    done = rep.done
    if args.json:
        sys.stdout.write(json.dumps(rep.to_json(), ensure_ascii=True, indent=1) + "\n")
        return 0 if rep.healthy else 1
    out = [f"library: {rep.data_dir}"]
    out += [f"done: {line}" for line in done]
    if rep.exists:
        out.append(
            f"checked {len(rep.checked)} file(s): {rep.entries} entries, "
            f"{rep.marks} with marks, {rep.shards} content shard(s)"
        )
    for f in rep.findings:
        label = {"error": "PROBLEM", "warning": "warning", "note": "note"}[f.severity]
        line = f"{label}: {f.path} {f.what}"
        if f.todo:
            line += f" — {f.todo}"
        out.append(line)
    if rep.healthy:
        out.append("ok: no problem found" if not rep.problems else "ok: usable, see warnings")
    for line in out:
        sys.stdout.write(safe_line(line) + "\n")
    return 0 if rep.healthy else 1
