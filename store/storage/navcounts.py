"""The navigator's counts of the whole library, kept beside it for the next start.

Why: a first screen opened on the first page (``store.storage.firstpage``)
still counted every entry against the marks (500k ids, 300k read marks:
~0.1 s, the part of the first screen that grew with the library). The counts
depend only on the index and the marks, so they are stored with both stamps
(library.json's inode, size and mtime; the marks journal's offset and inode)
and reused only while both are unchanged: any write by any process changes
one of them, and the counts are counted again. Derived data: a missing,
damaged or foreign file is counted again, and a write that fails is skipped.

The stored value is plain JSON (``[total, unread, bookmarked,
bookmarked_unread, [[name, kind, total, unread], ...]]``); ``store.api``
turns it into the navigator's ``NavData``.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from store.errors import LibraryError
from store.storage.atomic import dump_json, write_bytes_atomic

__all__ = ["Counts", "Key", "load", "save"]

NAME = "counts.cache"
VERSION = 1
Key = list[Any]  # [index stamp, marks stamp], as JSON lists
Counts = list[Any]


def load(directory: Path, key: Key) -> Counts | None:
    """The counts stored for exactly this ``key``, or None."""
    try:
        data = json.loads((directory / NAME).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("v") != VERSION or data.get("key") != key:
        return None
    counts = data.get("counts")
    return counts if _valid(counts) else None


def save(directory: Path, key: Key, counts: Counts) -> None:
    """Store ``counts`` for ``key`` (best effort: a read-only library counts each start)."""
    with contextlib.suppress(OSError, LibraryError, ValueError):
        write_bytes_atomic(
            directory / NAME,
            dump_json({"v": VERSION, "key": key, "counts": counts}),
            sync_dir=False,
        )


def _valid(counts: Any) -> bool:
    if not isinstance(counts, list) or len(counts) != 5:
        return False
    *figures, sources = counts
    if not all(type(n) is int and n >= 0 for n in figures) or not isinstance(sources, list):
        return False
    return all(
        isinstance(s, list)
        and len(s) == 4
        and isinstance(s[0], str)
        and isinstance(s[1], str)
        and type(s[2]) is int
        and type(s[3]) is int
        for s in sources
    )
