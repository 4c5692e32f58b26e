"""Choosing rows with a query: the one entry point the CLI and the UI share."""

from __future__ import annotations

from store.models import Row
from store.storage.library import Library


def select_rows(
    lib: Library, query: str = "", muted: frozenset[str] | None = None, *, live: bool = False
) -> list[Row]:
    """Rows matching the filter language (store.index.query), newest first.

    Entries a mute rule hides are left out unless the query names ``is:muted``;
    ``muted`` passes the ids when the caller has them already. ``live``: the
    query is being typed, so its last word is a prefix.
    """
    if muted is None:
        from store.index.mute import muted_ids  # reads the rules: a small file, cached

        muted = muted_ids(lib)
    query = query.strip()
    if not query:
        rows = lib.rows()
        return [r for r in rows if r.id not in muted] if muted else rows
    # lazy, for start-up: the first screen lists every row and needs no query
    # language (it imports the word index and tokenizer: ~10 ms)
    from store.index.query import run_query

    return run_query(lib, query, live=live, muted=muted)
