"""The query terms answered row by row: read state, source, show, dates, muted.

Why apart from ``store.index.query``: the index answers words and tags with
set operations; these are cheap tests of a row's own fields and marks, run
on the candidates the index left (or on every row when it left none).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from store.index.querydates import date_check, resolve
from store.index.queryterms import Query
from store.index.tokens import fold
from store.models import Marks, Row
from store.storage.library import Library

__all__ = ["muted_checks", "row_checks"]


def row_checks(lib: Library, query: Query, today: date) -> list[Callable[[Row], bool]]:
    """The terms the index does not answer (is:, source:, show:, date:), as per-row tests."""
    checks: list[Callable[[Row], bool]] = []
    marks = None
    for t in query.terms:
        if t.kind == "is" and t.value != "muted":  # run_query tests is:muted
            if marks is None:
                marks = lib.all_marks()
            checks.append(_is_check(t.value, t.negate, marks))
        elif t.kind in ("source", "show"):
            checks.append(_name_check(t.kind, t.value, t.negate))
        elif t.kind == "date":
            lo = resolve(t.start, today, end=False) if t.start else None
            hi = resolve(t.end, today, end=True) if t.end else None
            checks.append(date_check(lo, hi))
    return checks


def _is_check(value: str, negate: bool, marks: dict[str, Marks]) -> Callable[[Row], bool]:
    def test(r: Row) -> bool:
        m = marks.get(r.id)
        if value == "bookmarked":
            ok = bool(m and m.bookmarked)
        elif value == "read":
            ok = bool(m and m.read)
        else:
            ok = not (m and m.read)
        return ok != negate

    return test


def _name_check(kind: str, value: str, negate: bool) -> Callable[[Row], bool]:
    memo: dict[str | None, bool] = {}

    def test(r: Row) -> bool:
        name = r.source if kind == "source" else r.show
        hit = memo.get(name)
        if hit is None:
            hit = memo[name] = value in fold(name or "")
        return hit != negate

    return test


def muted_checks(query: Query, muted: frozenset[str]) -> list[Callable[[Row], bool]]:
    """``is:muted`` / ``-is:muted`` as asked; with neither, muted rows are left out."""
    asked = [t for t in query.terms if t.kind == "is" and t.value == "muted"]
    if not asked:
        return [lambda r: r.id not in muted] if muted else []

    def check(negate: bool) -> Callable[[Row], bool]:
        return lambda r: (r.id in muted) != negate

    return [check(t.negate) for t in asked]
