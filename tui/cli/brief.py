"""`digest-tui brief [--since DATE] [--json|--md] [--mark-seen]`: what is new, grouped.

The same brief the UI opens on (``store.api.brief``). Reading it from the
shell does not count as a visit, so a cron job mailing ``brief --md`` does
not empty the brief the UI shows next; ``--mark-seen`` makes it one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from store import api


def register(sub: Any) -> None:
    p = sub.add_parser(
        "brief",
        help="what arrived since the last visit, grouped by story or shared tag",
        description="Groups the entries that arrived since the UI was last used (or, with "
        "--since, those dated since DATE) by story, else by a shared specific tag.",
    )
    p.add_argument(
        "--since",
        metavar="DATE",
        help="entries dated since DATE (2025-04-10, 2025-04, 7-days-ago) instead of the last visit",
    )
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the brief as JSON")
    form.add_argument("--md", action="store_true", help="print the brief as a Markdown page")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.add_argument(
        "--mark-seen", action="store_true", help="count this as a visit: next time, only newer"
    )
    p.set_defaults(handler=cmd_brief)


def cmd_brief(args: argparse.Namespace, ctx: Any) -> int:
    lib = ctx.library()
    found = api.brief(lib, args.since)
    if args.json:
        text = json.dumps(api.brief_json(found), ensure_ascii=False, indent=1)
    elif args.md:
        text = api.brief_markdown(found)
    else:
        text = "\n".join(api.brief_text(found))
    if args.output:
        api.write_text(Path(args.output), text if text.endswith("\n") else text + "\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if args.mark_seen:
        api.leave_brief(lib, found)
    return 0
