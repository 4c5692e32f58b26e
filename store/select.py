"""Choosing rows with a query: the one entry point the CLI and the UI share."""

from __future__ import annotations

from store.library import Library, Row


def select_rows(lib: Library, query: str = "") -> list[Row]:
    """Rows matching the filter language (store.query), newest first."""
    query = query.strip()
    if not query:
        return lib.rows()
    from store.query import run_query

    return run_query(lib, query)
