"""Queries that must answer the same before and after a deferred derivation.

Shared by the deferred-path tests (``tests/store/test_deferred*.py``): the
fixed queries of a test plus, for every automatic tag the derived library
holds, ``+tag``, ``-tag`` and a few combinations with words and other tags;
and the navigator's listing of each tag.
"""

from __future__ import annotations

from collections.abc import Sequence

from store.index.query import QueryError, run_query
from store.storage.library import Library


def tag_queries(lib: Library, base: Sequence[str], words: Sequence[str] = ()) -> list[str]:
    """``base`` plus tag terms for every automatic tag of ``lib`` (a derived library)."""
    tags = sorted({t for r in lib.rows() for t in r.auto_tags})
    out = list(base)
    for t in tags:
        out += [f"+{t}", f"-{t}", f'+"{t.replace("-", " ")}"']
    for a, b in zip(tags, tags[1:], strict=False):
        out += [f"+{a} +{b}", f"+{a} -{b}", f"-{a} -{b}"]
    for i, t in enumerate(tags):
        for w in words[i % max(len(words), 1) :][:2]:
            out += [f"+{t} {w}", f"-{t} {w}", f"+{t} !{w}"]
    return out


def tag_views(lib: Library, tags: Sequence[str]) -> dict[str, list[str]]:
    """Tag -> ids the navigator lists under it (``api.list_view``)."""
    from store import api
    from store.views import Selection

    out: dict[str, list[str]] = {}
    for t in tags:
        rows = api.list_view(lib, Selection("tag", t), "").rows
        out[t] = [r.id for r in rows or ()]
    return out


def results(lib: Library, queries: Sequence[str]) -> dict[str, list[str] | str]:
    """Query -> ids listed, newest first (or the error a malformed query raises)."""
    out: dict[str, list[str] | str] = {}
    for q in queries:
        try:
            out[q] = [r.id for r in run_query(lib, q)]
        except QueryError as exc:
            out[q] = str(exc)
    return out
