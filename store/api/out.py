"""Out: export as JSON, Markdown or OPML, and writing files the user names.

Part of the door (``store.api``); see its docstring.
"""

from __future__ import annotations

import json
from pathlib import Path

from store.api.kept import kept_markdown, kept_points
from store.errors import UsageError
from store.index.select import select_rows
from store.models import entry_to_json
from store.render import entries_markdown
from store.storage.atomic import write_bytes_atomic
from store.storage.library import Library


# -- out ------------------------------------------------------------------------
def export(
    lib: Library | None,
    fmt: str,
    query: str = "",
    *,
    bookmarked: bool = False,
    kept: bool = False,
    config: Path | None = None,
) -> str:
    """Entries as ``json`` or ``md`` (a query, bookmarks only), or the feeds as ``opml``.

    ``kept``: the kept points instead (``query``: words they hold), as
    ``digest-tui kept --json`` / ``--md`` print them.
    """
    if kept and (fmt == "opml" or bookmarked):
        raise UsageError("digest-tui export: --kept goes with --format json or md alone")
    if fmt == "opml":
        if config is None:
            raise UsageError("digest-tui export: OPML needs a feeds.yaml")
        from store.opml import export_opml

        return export_opml(config)
    if lib is None:
        raise UsageError(f"digest-tui export: {fmt} needs a library")
    if kept:
        points = kept_points(lib, query)
        if fmt == "json":
            return json.dumps([p.to_json() for p in points], ensure_ascii=False, indent=1)
        return kept_markdown(points)
    rows = select_rows(lib, query)
    if bookmarked:
        rows = [r for r in rows if lib.marks(r.id).bookmarked]
    entries = lib.get_many([r.id for r in rows])
    if fmt == "json":
        return json.dumps(
            [entry_to_json(e, lib.marks(e.id)) for e in entries], ensure_ascii=False, indent=1
        )
    title = "Bookmarks" if bookmarked else "digest-tui export"
    return entries_markdown(((e, lib.marks(e.id)) for e in entries), title)


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically, ending in one newline; never creates folders."""
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent}: no such directory")
    write_bytes_atomic(path, (text.rstrip("\n") + "\n").encode("utf-8"))
