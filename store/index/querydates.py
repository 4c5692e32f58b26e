"""Date terms of the filter language: ``@2025-02``, ``@7-days-ago``, ``@a..b`` ranges.

Split from ``store.index.query`` so the query module keeps to terms and their
evaluation. Bounds stay as written until a query runs (``resolve``), so a
saved ``@7-days-ago`` means the last seven days whenever it is used. Errors are
``ValueError`` with a message the query turns into a ``QueryError`` at the
term's position.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from store.models import Row

__all__ = ["date_bounds", "date_check", "resolve"]

_REL = re.compile(r"(\d{1,5})-?(day|week|month|year)s?-?ago")
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_FORMS = (
    "use YYYY-MM-DD, YYYY-MM, YYYY, N-days-ago, N-weeks-ago, today or yesterday,"
    " or a range a..b (@2025-02-01..2025-03-01, @2025-02.., @..7-days-ago)"
)


def _check(s: str) -> str:
    """Validate one bound: a relative spec or YYYY[-MM[-DD]]; returns it as given."""
    s = s.strip().lower()
    if s in ("today", "yesterday") or _REL.fullmatch(s):
        return s
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            date.fromisoformat(s)
            return s
        if re.fullmatch(r"\d{4}-\d{2}", s):
            date.fromisoformat(s + "-01")
            return s
        if re.fullmatch(r"\d{4}", s) and s != "0000":
            return s
    except ValueError:
        pass
    raise ValueError(f"bad date {s!r}: {_FORMS}")


def date_bounds(body: str) -> tuple[str | None, str | None]:
    """(start, end) of the text after ``@``, unresolved; None is an open end."""
    if not body:
        raise ValueError("empty date after @: e.g. @7-days-ago or @2025-02-01..2025-03-01")
    if ".." in body:
        a, _, b = body.partition("..")
    elif "--" in body:  # Elfeed's @6-months-ago--1-month-ago
        a, _, b = body.partition("--")
    else:
        v = _check(body)
        if _REL.fullmatch(v):  # "since then"
            return v, None
        return v, v  # that day (month, year)
    if not a and not b:
        raise ValueError("empty date range after @: e.g. @2025-02-01..2025-03-01 or @2025-02..")
    return (_check(a) if a else None, _check(b) if b else None)


def resolve(bound: str, today: date, *, end: bool) -> str:
    """A bound as an ISO date string compared against a row's date prefix."""
    if bound == "today":
        return today.isoformat()
    if bound == "yesterday":
        return (today - timedelta(days=1)).isoformat()
    m = _REL.fullmatch(bound)
    if m:
        days = int(m.group(1)) * _UNIT_DAYS[m.group(2)]
        try:
            return (today - timedelta(days=days)).isoformat()
        except OverflowError:
            return "0001-01-01"
    if len(bound) == 7:  # YYYY-MM
        if not end:
            return bound + "-01"
        y, mo = int(bound[:4]), int(bound[5:])
        nxt = date(y + (mo == 12), mo % 12 + 1, 1)
        return (nxt - timedelta(days=1)).isoformat()
    if len(bound) == 4:
        return bound + ("-12-31" if end else "-01-01")
    return bound


def date_check(lo: str | None, hi: str | None) -> Callable[[Row], bool]:
    """A row test: dated within [lo, hi] (ISO strings; None is open); undated rows fail."""

    def test(r: Row) -> bool:
        d = r.date[:10]
        if not d:
            return False
        return (lo is None or d >= lo) and (hi is None or d <= hi)

    return test
