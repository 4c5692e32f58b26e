"""Opening a large library on its first page: the rows load when first asked for.

Why: a start that loads every row grows with the library (500k entries: about
1.3 s of unmarshalling and building rows before anything is drawn), while the
first screen shows the newest few dozen entries and the navigator's counts.
``Library.open(first_page=True)`` reads only the start-up cache's first page
(``store.storage.rows.FirstPage``: the newest ``CACHE_CHUNK`` rows and the
columns the counts need) when the cache holds more than that; the rows
themselves load the first time anything asks for them (``Library._rows``),
under the library's lock, so no caller can ever see a partial library: only
``first_page()`` does, and only a caller that asked for it (the UI's first
listing, ``store.api.reading.list_view``) uses it. The UI then completes the
load in a worker and lists again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from store.models import Marks, Row
from store.storage import markscache
from store.storage import rows as index_file
from store.storage.marks import MarksJournal
from store.storage.rows import FirstPage

__all__ = ["FirstPageRows"]


class FirstPageRows:
    """The ``Library`` part that holds its rows by id, loaded lazily after a first-page open."""

    dir: Path
    index_path: Path
    generation: int
    _tlock: threading.RLock
    _index_stamp: index_file.Stamp | None
    _sorted: list[Row] | None
    _by_id: dict[str, Row] | None = None
    _first: FirstPage | None = None
    _marks: MarksJournal
    # whether the first page's marks should be kept again once every row is read
    # (``markscache``): the start found none, or read a long journal tail after them
    _keep_page_marks = False

    def _load_index(self, first: Sequence[Row] | None = None) -> None:
        """Every row of the index as it is now; ``first``: the first page's rows, read
        from the cache of ``_index_stamp``, kept if the index is still that one."""
        raise NotImplementedError

    @property
    def _rows(self) -> dict[str, Row]:
        """Every row by id, loaded now if the library was opened on its first page."""
        got = self._by_id
        if got is None:
            with self._tlock:
                if self._by_id is None:
                    stamp, generation = self._index_stamp, self.generation
                    # the first page's ids by source go before the rows come (100k ids:
                    # 7 MB), its rows are kept; while they load, first_page() is None
                    # and any other question waits on the lock for every row
                    page, self._first = self._first, None
                    first = page.rows if page is not None else None
                    del page
                    try:
                        self._load_index(first)
                    except BaseException:
                        if self._by_id is None:  # the first screen keeps its page
                            self._first = index_file.load_first(self.dir, stamp)
                        raise
                    if self._index_stamp == stamp:
                        self.generation = generation  # the same rows, every one now
                    assert self._by_id is not None
                    self._marks.share_ids(self._by_id)  # read before the rows: ids twice
                    if first and self._keep_page_marks and self._index_stamp == stamp:
                        assert stamp is not None
                        markscache.save(self.dir, self._marks, stamp, [r[0] for r in first])
                        self._keep_page_marks = False
                got = self._by_id
                assert got is not None
        return got

    @_rows.setter
    def _rows(self, rows: dict[str, Row]) -> None:
        self._by_id = rows
        self._first = None

    def _open_first(self) -> bool:
        """Open on the cache's first page; False when there is none (a small library)."""
        stamp = index_file.index_stamp(self.index_path)
        first = index_file.load_first(self.dir, stamp)
        if first is None:
            return False
        self._first, self._by_id, self._sorted = first, None, None
        self._index_stamp = stamp
        self.generation += 1
        return True

    def _open_first_marks(self) -> bool:
        """Read only the first page's marks (``markscache``); False: there are none
        kept for this page, read the whole journal."""
        page = self._first
        ids = [r[0] for r in page.rows] if page is not None else []
        view = markscache.load_view(self.dir, self._index_stamp, ids)
        self._keep_page_marks = view is None or view.tail_lines > markscache.TAIL_LINES
        if view is None:
            return False
        self._marks.defer(view)
        return True

    def page_marks_and_key(self) -> tuple[dict[str, Marks], list[object]] | None:
        """The first page's marks and their counts' key (as ``marks_and_key``) while
        only they are read; None when the whole journal is (ask ``marks_and_key``)."""
        with self._tlock:
            page = self._marks.page_marks()
            if page is None or self.first_page() is None:
                return None
            marks, stamp = page
            return marks, [list(self._index_stamp or ()), list(stamp)]

    def first_page(self) -> FirstPage | None:
        """The first page while the rows are not loaded yet, else None."""
        return self._first if self._by_id is None else None

    def complete(self) -> None:
        """Load every row now (a worker's call after a first-page listing)."""
        self._rows  # noqa: B018 - the property loads them

    def __len__(self) -> int:
        first = self._first
        if self._by_id is None and first is not None:
            return first.total
        return len(self._rows)
