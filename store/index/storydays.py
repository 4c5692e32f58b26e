"""The day each report states, and the window in which two can be of one event.

Apart from ``store.index.stories`` (which places entries into stories) because
it is the one rule of time there: candidates are blocked to the days around an
entry's own before they are scored, and the days of every signature are kept
as an array beside the similarity index, extended as it grows.
"""

from __future__ import annotations

from array import array
from datetime import date

from store.errors import NotFound
from store.index.simstore import SimIndex
from store.models import Row
from store.storage.library import Library

__all__ = ["WINDOW_DAYS", "close_in_time", "signature_days", "stated_day"]

WINDOW_DAYS = 45  # an event's reports: weeks apart, not years
_DAYS_KEY = "stories.days"


def signature_days(lib: Library, ix: SimIndex) -> array[int]:
    """The day of each signature of ``ix`` (by entry number; -1: undated), for blocking.

    Kept while the index is the same object and extended as it grows: an
    entry number always names the content it was computed from.
    """
    held: tuple[SimIndex, array[int]] | None = lib.caches.get(_DAYS_KEY)
    days = held[1] if held is not None and held[0] is ix else array("i")
    for dn in range(len(days), len(ix.ids)):
        try:
            d = stated_day(lib.row(ix.ids[dn]))
        except NotFound:
            d = None
        days.append(-1 if d is None else d)
    lib.caches[_DAYS_KEY] = (ix, days)
    return days


def _day(d: str) -> int | None:
    try:
        return date.fromisoformat(d[:10]).toordinal()
    except ValueError:
        return None


def stated_day(r: Row) -> int | None:
    """The day a row's document states, for the time window (None: no test).

    A feed item or a digest section states its date. A local file outside a
    digest (a saved post) may have one resolved against its file time ("posted
    3 days ago"), which a copy resets: it sorts, but keeps no reports apart.
    """
    if r.source_kind == "file" and r.digest_id is None:
        return None
    return _day(r.date)


def close_in_time(a: Row, b: Row) -> bool:
    """Reports of one event come within ``WINDOW_DAYS`` of each other (no stated day: no test)."""
    da, db = stated_day(a), stated_day(b)
    return da is None or db is None or abs(da - db) <= WINDOW_DAYS
