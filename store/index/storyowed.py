"""Which entries a story placement still owes: not placed at their content yet.

Apart from ``store.index.stories`` (which places them) because an open asks
about one entry while the warm-up asks about every row: the cheap question
(``placeable``) must not cost the scan of the other two.
"""

from __future__ import annotations

from itertools import compress
from operator import attrgetter
from typing import Any

from store.index.simstore import SimIndex
from store.models import Row, rows_not_at
from store.storage.library import Library

__all__ = ["all_placed", "placeable", "todo_rows"]

_ID = attrgetter("id")


def placeable(lib: Library, ix: SimIndex, done: dict[str, str], eid: str | None) -> bool:
    """Whether entry ``eid`` has a signature and is not placed at its content yet."""
    if eid is None or eid not in lib or eid not in ix.doc:
        return False
    return done.get(eid) != lib.row(eid).chash


def todo_rows(lib: Library, ix: SimIndex, state: dict[str, Any]) -> list[Row]:
    """Rows not placed yet (or changed since), newest first, that have a signature."""
    unplaced = list(rows_not_at(lib.rows(), state["done"]))
    return list(compress(unplaced, map(ix.doc.__contains__, map(_ID, unplaced))))


def all_placed(lib: Library, done: dict[str, str]) -> bool:
    """Every row placed at its current content (an open asks it twice)."""
    return next(rows_not_at(lib.rows(), done), None) is None
