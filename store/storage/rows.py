"""The index: library.json, one compact row per entry, and its start-up cache.

library.json holds the schema version and every ``store.models.Row`` as a JSON
array; it is written last on every content change, so it is the commit point
of a save. Its previous good copy is kept as library.json.bak for
`digest-tui doctor --restore`. library.cache is a marshal copy of the rows
(in chunks, newest first), stamped with library.json's size and mtime: derived
data, read only when it matches exactly.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import operator
import os
import shutil
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from store.errors import LibraryError
from store.models import Row
from store.storage.atomic import json_text, read_json, write_bytes_atomic

# 2: rows end with their identity keys (``Row.ikey``); ``chash`` hashes the
# content without id and path (``shards.substance_hash``)
# 3: rows end with the content shard holding them (``Row.shard``)
SCHEMA_VERSION = 3
INDEX_NAME = "library.json"
BACKUP_NAME = "library.json.bak"
CACHE_NAME = "library.cache"
# 5: after _MAGIC, length-prefixed marshal parts: a head, the ids of each source
# the first screen counts (``FirstPage``: their count, crc32 and marshal bytes, so
# a start that needs no counting builds none of them), then chunks of CACHE_CHUNK
# rows (4: the ids' groups marshalled in the part itself; 3: the ids in one column
# beside their source numbers; 2: no columns; 1: one marshal of the head and all
# rows, without the magic)
CACHE_LAYOUT = 5
CACHE_CHUNK = 20_000
_MAGIC = b"digest-tui rows\n"
_FIRST = operator.itemgetter(0)
_LEN = struct.Struct("<Q")  # the length before each part of the cache
ROW_FIELDS = len(Row._fields)

Stamp = tuple[int, int, int]  # inode, size, mtime_ns of library.json


def index_stamp(path: Path) -> Stamp | None:
    """What changes whenever library.json is replaced (None: there is none)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LibraryError(f"cannot read {path}: {exc.strerror}") from exc
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def migrate(version: int, rows: list[Any]) -> list[Any]:
    """Bring rows of an older schema up to SCHEMA_VERSION.

    1 → 2: a row gains its identity keys, empty here: they (and the content
    hash, whose meaning changed) are computed from the stored content the first
    time an ingest or refresh needs them (``Library.identity_index``), so
    opening an old library to read it costs nothing more.

    2 → 3: a row gains its content shard, empty: its content stays where the
    previous release wrote it, the shard of its id's prefix (``shards.shard_of``);
    only new entries go to arrival shards. Nothing is moved or rewritten.
    """
    if version < SCHEMA_VERSION:
        short = SCHEMA_VERSION - version
        rows = [
            [*r, *([""] * short)] if isinstance(r, list) and len(r) == ROW_FIELDS - short else r
            for r in rows
        ]
    return rows


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Garbage collection off while a start-up load builds its objects (as it was, after).

    Loading builds hundreds of thousands of tuples and strings that stay alive:
    each collection the allocations trigger walks all of them again for nothing.
    At 500k rows that was ~90 % of unmarshalling the cache (4 s of 4.4) and a
    third of replaying the marks journal.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _size(f: BinaryIO, left: int) -> int:
    """The length of the cache's next part; one past the file's end (``left`` bytes
    from here) means damage (EOFError), never a huge read."""
    head = f.read(_LEN.size)
    if len(head) != _LEN.size:
        raise EOFError("truncated cache")
    (size,) = _LEN.unpack(head)
    if size > left - _LEN.size:
        raise EOFError("truncated cache")
    return int(size)


def _frame(f: BinaryIO, left: int) -> bytes:
    """One length-prefixed part of the cache."""
    return f.read(_size(f, left))  # all of it: the file is open, a writer replaces it by rename


def _rows_of(chunk: Any) -> list[Any] | None:
    """A chunk's rows as marshalled (tuples of ``ROW_FIELDS``), or None for any other shape.

    Checked column-wise, in C: a loop over the rows in Python was most of the
    load (0.6 s CPU at 500k rows).
    """
    if type(chunk) is not list:
        return None
    if set(map(type, chunk)) - {tuple} or set(map(len, chunk)) - {ROW_FIELDS}:
        return None
    return chunk


def load_cache(
    directory: Path, stamp: Stamp | None, first: Sequence[Row] | None = None
) -> dict[str, Row] | None:
    """Rows from the marshal start-up cache, if it matches library.json exactly.

    Parsing 100k rows of JSON costs ~0.3 s, marshal ~0.06 s; first paint at
    that size is mostly this. The cache is derived data: any doubt (other
    stamp, other schema or layout, damage, other Python) falls back to
    library.json. The rows come back in ``sort_rows`` order (the order they
    were written in), so the library need not sort them again.

    The file is read one chunk of ``CACHE_CHUNK`` rows at a time: only that
    chunk's bytes are ever in memory beside the rows (the whole file at once
    was 85 MB on top of the rows at 500k, the start's peak).

    ``first``: the rows of the cache's first chunk, already loaded from this
    same file (``FirstPage.rows``, read under the same stamp): those objects
    are the rows, and the chunk is stepped over. A library opened on its
    first page so holds one copy of those rows, not two (the listing on
    screen holds the first page's while the rest load: 13 MB at 20k rows).
    """
    if stamp is None:
        return None
    new = tuple.__new__  # Row._make's own call costs ~3× this at 100k rows
    out: dict[str, Row] = {}
    try:
        with open(directory / CACHE_NAME, "rb") as f, paused_gc():
            left = os.fstat(f.fileno()).st_size
            if f.read(len(_MAGIC)) != _MAGIC:
                return None  # another layout (the previous release's), or damage
            left -= len(_MAGIC)
            data = _frame(f, left)
            left -= _LEN.size + len(data)
            head = marshal.loads(data)
            if type(head) is not tuple or head[:-1] != _cache_head(stamp):
                return None
            left -= _skip(f, left)  # the columns: the first page's, not needed here
            for n in range(head[-1]):
                if n == 0 and first is not None:
                    left -= _skip(f, left)
                    out.update(zip(map(_FIRST, first), first, strict=True))
                    continue
                data = _frame(f, left)
                left -= _LEN.size + len(data)
                rows = _rows_of(marshal.loads(data))
                del data
                if rows is None:
                    return None
                out.update(zip(map(_FIRST, rows), map(new, repeat(Row), rows), strict=True))
                del rows
            if f.read(1):
                return None  # more than the head announced: not a file we wrote
        return out
    except (OSError, ValueError, EOFError, TypeError):
        return None


def _skip(f: BinaryIO, left: int) -> int:
    """Step over one part of the cache without reading it; the bytes stepped over."""
    size = _size(f, left)
    f.seek(size, os.SEEK_CUR)
    return _LEN.size + size


@dataclass(frozen=True, slots=True)
class FirstPage:
    """What the first screen needs of a large library, read without its other rows.

    ``rows``: the newest ``CACHE_CHUNK`` rows, in ``sort_rows`` order; ``total``:
    how many rows the library has; ``by_source``: every entry's id, listed
    under its (source, kind) pair:
    enough to count All, Unread, Bookmarks and every source exactly
    (``store.views.count_columns``) at a tenth of the cost of loading every
    row. Grouped so, a source's read count is one pass of C over its ids
    (a column of source numbers beside the ids needed a Counter over every
    id: 0.1 s at 500k).

    The ids are kept as the cache's bytes (checked against their crc32 when
    read) and made objects only when asked for: a start whose counts were
    kept (``navcounts``) never needs them, and 500k ids are 33 MB as strings,
    7 MB as bytes.
    """

    rows: list[Row]
    columns: bytes = field(repr=False)
    total: int

    @property
    def by_source(self) -> list[tuple[tuple[str, str], list[str]]]:
        """Every id under its (source, kind), unmarshalled now (each call anew)."""
        with paused_gc():
            groups = marshal.loads(self.columns)
        by_source = [((name, kind), ids) for name, kind, ids in groups]
        if {(type(n), type(k), type(i)) for (n, k), i in by_source} - {(str, str, list)}:
            raise LibraryError("the start-up cache (library.cache) holds ids of a wrong shape")
        return by_source


def load_first(directory: Path, stamp: Stamp | None) -> FirstPage | None:
    """The start-up cache's first page, if it matches library.json and holds more.

    None when the cache does not match (as for ``load_cache``) or when its
    first chunk already holds every row: a small library is simply loaded.
    """
    if stamp is None:
        return None
    try:
        with open(directory / CACHE_NAME, "rb") as f, paused_gc():
            left = os.fstat(f.fileno()).st_size
            if f.read(len(_MAGIC)) != _MAGIC:
                return None
            left -= len(_MAGIC)
            data = _frame(f, left)
            left -= _LEN.size + len(data)
            head = marshal.loads(data)
            if type(head) is not tuple or head[:-1] != _cache_head(stamp) or head[-1] < 2:
                return None
            data = _frame(f, left)
            left -= _LEN.size + len(data)
            part = marshal.loads(data)
            rows = _rows_of(marshal.loads(_frame(f, left)))
            if rows is None or type(part) is not tuple or len(part) != 3:
                return None
            total, crc, columns = part
            if type(total) is not int or type(columns) is not bytes:
                return None
            if _crc(total, columns) != crc:
                return None
            first = list(map(tuple.__new__, repeat(Row), rows))
            return FirstPage(first, columns, total)
    except (OSError, ValueError, EOFError, TypeError):
        return None


def _columns(rows: Sequence[Row]) -> bytes:
    """The ``FirstPage`` part of ``rows``: (how many, crc32, the marshal bytes of
    (source, kind, its ids) for each source)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        groups.setdefault((r.source, r.source_kind), []).append(r.id)
    columns = marshal.dumps([(name, kind, ids) for (name, kind), ids in groups.items()])
    return marshal.dumps((len(rows), _crc(len(rows), columns), columns))


def _crc(total: int, columns: bytes) -> int:
    """The crc32 of the columns part: its count of rows, then its bytes."""
    return zlib.crc32(columns, zlib.crc32(total.to_bytes(8, "little")))


def _cache_head(stamp: Stamp) -> tuple[int, int, int, int]:
    """What a cache must say to be the one of this library.json (its chunk count follows)."""
    return (CACHE_LAYOUT, SCHEMA_VERSION, stamp[1], stamp[2])


# Row fields whose values repeat across entries (a few sources, shows and tag
# sets for thousands of entries): stored once in the cache (see write_cache)
_DATE = Row._fields.index("date")
_SHARED_FIELDS = tuple(
    Row._fields.index(f)
    for f in ("show", "source", "source_kind", "digest_id", "digest_title", "auto_tags", "shard")
)
_GETTERS = tuple(operator.itemgetter(i) for i in range(ROW_FIELDS))


def write_cache(directory: Path, stamp: Stamp | None, rows: Sequence[Row]) -> None:
    """Write the start-up cache for the library.json of ``stamp`` (best effort).

    ``rows`` must be in ``sort_rows`` order: the loaded library trusts it.
    Equal repeated values (sources, shows, tag tuples) are made one object
    first: marshal then writes each once per chunk and a reference after, so
    the file is smaller and the loaded rows share them, which is most of the
    index's resident memory after titles and ids. So are equal dates within a
    chunk (the episodes of one digest share its day).
    """
    if stamp is None:
        return
    # column by column (itemgetter, map and zip run in C), collector paused (the
    # tuples built here made it walk every row again): a row at a time, with a dict
    # lookup per field, was 0.25 s of every save at 100k rows
    seen: list[dict[Any, Any]] = [{} for _ in _SHARED_FIELDS]
    parts = []
    with paused_gc():
        for start in range(0, len(rows), CACHE_CHUNK):
            chunk = rows[start : start + CACHE_CHUNK]
            cols: list[Any] = [list(map(get, chunk)) for get in _GETTERS]
            for i, shared in zip(_SHARED_FIELDS, seen, strict=True):
                cols[i] = map(shared.setdefault, cols[i], cols[i])
            days: dict[Any, Any] = {}  # this chunk's: equal dates are neighbours
            cols[_DATE] = map(days.setdefault, cols[_DATE], cols[_DATE])
            parts.append(marshal.dumps(list(zip(*cols, strict=True))))
    parts.insert(0, _columns(rows))
    parts.insert(0, marshal.dumps((*_cache_head(stamp), len(parts) - 1)))
    with contextlib.suppress(OSError, LibraryError, ValueError):
        write_bytes_atomic(
            directory / CACHE_NAME, _MAGIC + b"".join(_LEN.pack(len(p)) + p for p in parts)
        )


def load_rows(
    directory: Path, stamp: Stamp | None, first: Sequence[Row] | None = None
) -> dict[str, Row]:
    """The rows of the library.json of ``stamp``, in ``sort_rows`` order: from the
    start-up cache, else from library.json, writing the cache for the next start
    (best effort). ``first``: the cache's first chunk, loaded already (``load_cache``).

    Without this a missing or damaged cache (a crash between the index and the
    cache write, a deleted file) would cost every start the JSON parse until
    the next save. Writing it unlocked is safe: it is stamped with the index it
    was read from, so a writer's newer index never matches it.
    """
    cached = load_cache(directory, stamp, first)
    if cached is not None:
        return cached
    with paused_gc():
        ordered = sort_rows(read_index(directory / INDEX_NAME).values())
        if ordered:
            write_cache(directory, stamp, ordered)
        return {r.id: r for r in ordered}


def read_index(path: Path) -> dict[str, Row]:
    """The rows of library.json by id ({} if absent); damage raises LibraryError."""
    data = read_json(path)
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise LibraryError(
            f"library file {path} is damaged (unexpected shape); it was "
            "left untouched (run `digest-tui doctor` to see the options)"
        )
    version = data.get("schema")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise LibraryError(
            f"library file {path} is damaged (schema {version!r} is not a "
            "version number); it was left untouched (run `digest-tui doctor`)"
        )
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"library file {path} has schema {version!r}, newer than this "
            f"digest-tui understands ({SCHEMA_VERSION}); upgrade digest-tui"
        )
    rows = migrate(version, data["rows"])
    try:
        return {r[0]: Row.from_json(r) for r in rows}
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
        raise LibraryError(
            f"library file {path} is damaged (bad row); it was left "
            "untouched (run `digest-tui doctor` to see the options)"
        ) from exc


def _row_array(obj: object) -> tuple[Any, ...]:
    """orjson's hook for what it does not encode itself: a Row (a tuple subclass) as
    its array, made one row at a time (no copy of every row); anything else refused."""
    if isinstance(obj, Row):
        return tuple(obj)
    raise TypeError(f"not a row: {type(obj).__name__}")


def _index_json(rows: list[Row]) -> bytes:
    """library.json's bytes: what ``dump_json`` writes, encoded by orjson.

    Every save rewrites the whole index: the json module took ~2 µs a row (20 ms at
    10k rows, ~1 s at 500k), orjson a sixth of it. Rows hold only strings, None and
    tuples of strings, which both encode to the same bytes (compact, UTF-8 as is);
    a string orjson refuses (a lone surrogate: clean text has none) takes the json
    module's path, where it becomes "?" as in a shard (``BatchJSONStorage.flush``):
    a last guard, so that no row can fail a save.
    """
    try:
        return orjson.dumps({"schema": SCHEMA_VERSION, "rows": rows}, default=_row_array)
    except TypeError:
        # a Row is a tuple, which the encoder writes as a JSON array (``Row.from_json``)
        text = json_text({"schema": SCHEMA_VERSION, "rows": rows})
        return text.encode("utf-8", "replace")


def write_index(directory: Path, rows: list[Row]) -> None:
    """Replace library.json with ``rows`` (in list order), keeping the old one as .bak."""
    path = directory / INDEX_NAME
    data = _index_json(rows)
    if not path.exists():
        write_bytes_atomic(path, data)
        return
    # The backup is the old file itself under a second name: an index write
    # replaces library.json by rename, so the old inode is never written again
    # (a copy wrote the whole index twice per save, 20 MB more at 100k entries).
    # It takes the name only once the new index is in place, so the two names
    # never stay on one file.
    tmp = directory / (BACKUP_NAME + ".tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(path, tmp)
    except OSError:  # no hard links here (FAT, some network file systems)
        shutil.copyfile(path, tmp)
    try:
        write_bytes_atomic(path, data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, directory / BACKUP_NAME)


def sort_rows(rows: Iterable[Row]) -> list[Row]:
    """Newest first; ties keep title order (rows are stored so, so both sorts are linear)."""
    out = sorted(rows, key=_TITLE_KEY)
    out.sort(key=_DATE_KEY, reverse=True)
    return out


# C getters rather than Python key functions: a third of the sort at 100k rows
_TITLE_KEY = operator.itemgetter(Row._fields.index("title"))
_DATE_KEY = operator.itemgetter(Row._fields.index("date"))
