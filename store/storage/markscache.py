"""The first page's marks, kept for the next start: marks.cache (derived).

Why: a start replayed the whole marks journal before anything was drawn. At
300k read marks that is ~0.2 s of building a dict of every marked id, most of
a 500k library's first screen, which shows a page of the newest entries. So a
start that opens on the first page (``firstpage``) reads this instead: the
marks of the first page's entries (the newest ``rows.CACHE_CHUNK``) as journal
records, as the journal stood at a known offset, and then only the journal's
lines after that offset. The whole journal is read when anything asks for more
than the first page's marks (``MarksJournal.defer``), which the UI's worker does
right after the first listing.

The cache is trusted only for the library.json it names and the first page
it was written for (the crc32 of the page's ids: another chunk size or order
makes another page of the same index) and for a journal whose bytes up to
its offset are the ones it was written from (their crc32: a compacted or
replaced journal fails it, whatever its inode). Anything else, or any damage,
is a cache miss: the start reads the whole journal, as without the cache.
Writing it unlocked is safe for the same reasons (``rows.load_rows``).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import zlib
from collections.abc import Iterable
from pathlib import Path

from store.errors import LibraryError
from store.storage.atomic import write_bytes_atomic
from store.storage.marks import MarksJournal
from store.storage.rows import Stamp

__all__ = ["CACHE_NAME", "TAIL_LINES", "load_view", "save"]

CACHE_NAME = "marks.cache"
LAYOUT = 2  # 2: the page's ids' crc32 after the index stamp
_MAGIC = b"digest-tui marks\n"
# a start that read more journal lines than this after the cache's offset writes
# it again (after the first listing): a day of reading is a few hundred lines,
# ~1 ms each to replay at start, and the write costs a few of them
TAIL_LINES = 200


def save(directory: Path, journal: MarksJournal, index: Stamp, ids: Iterable[str]) -> None:
    """Keep the marks of these entries (the first page of the library.json of ``index``)
    as the journal holds them now (best effort: a read-only library keeps none)."""
    page = list(ids)
    offset, crc, records = journal.restricted(page)
    data = marshal.dumps((LAYOUT, list(index), _ids_crc(page), offset, crc, records))
    with contextlib.suppress(OSError, LibraryError):
        write_bytes_atomic(directory / CACHE_NAME, _MAGIC + data, sync_dir=False)


def _ids_crc(ids: list[str]) -> int:
    return zlib.crc32("\n".join(ids).encode("utf-8", "surrogatepass"))


def load_view(directory: Path, index: Stamp | None, ids: list[str]) -> MarksJournal | None:
    """The marks of the first page (of these ``ids``) of the library.json of ``index``,
    caught up with the journal; None when the cache is missing, stale or damaged
    (read the journal).

    A damaged journal *line* after the cache's offset still raises LibraryError,
    as the whole replay would.
    """
    try:
        raw = (directory / CACHE_NAME).read_bytes()
    except OSError:
        return None
    if index is None or not raw.startswith(_MAGIC):
        return None
    try:
        layout, stamp, page, offset, crc, records = marshal.loads(raw[len(_MAGIC) :])
    except (EOFError, ValueError, TypeError):
        return None
    if layout != LAYOUT or stamp != list(index) or page != _ids_crc(ids):
        return None
    if type(offset) is not int or offset < 0:
        return None
    view = MarksJournal(directory)
    ino: int | None = None
    prefix = b""
    try:
        with open(view.path, "rb") as f:
            ino = os.fstat(f.fileno()).st_ino
            prefix = f.read(offset)
    except FileNotFoundError:
        pass  # no marks yet: good for a cache of none (offset 0)
    except OSError:
        return None
    if len(prefix) != offset or zlib.crc32(prefix) != crc:
        return None
    try:
        view.start_from(ino, offset, crc, records)
    except (AttributeError, TypeError, ValueError, KeyError):
        return None  # not records of ours
    view.catch_up()
    return view
