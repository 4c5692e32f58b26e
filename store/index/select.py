"""Choosing rows with a query: the one entry point the CLI and the UI share."""

from __future__ import annotations

from store.models import Row
from store.storage.library import Library


def select_rows(lib: Library, query: str = "") -> list[Row]:
    """Rows matching the filter language (store.index.query), newest first."""
    query = query.strip()
    if not query:
        return lib.rows()
    from store.index.query import run_query

    return run_query(lib, query)
