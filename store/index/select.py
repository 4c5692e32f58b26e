"""Choosing rows with a query: the one entry point the CLI and the UI share."""

from __future__ import annotations

from store.models import Row
from store.storage.library import Library


def select_rows(lib: Library, query: str = "", *, live: bool = False) -> list[Row]:
    """Rows matching the filter language (store.index.query), newest first.

    ``live``: the query is being typed, so its last word is a prefix.
    """
    if not query.strip():
        return lib.rows()
    # lazy, for start-up: the first screen lists every row and needs no query
    # language (it imports the word index and tokenizer: ~10 ms)
    from store.index.query import run_query

    return run_query(lib, query, live=live)
