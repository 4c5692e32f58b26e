"""The index: library.json, one compact row per entry, and its start-up cache.

library.json holds the schema version and every ``store.models.Row`` as a JSON
array; it is written last on every content change, so it is the commit point
of a save. Its previous good copy is kept as library.json.bak for
`digest-tui doctor --restore`. library.cache is a marshal copy of the rows,
stamped with library.json's size and mtime: derived data, read only when it
matches exactly.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import operator
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from store.errors import LibraryError
from store.models import Row
from store.storage.atomic import dump_json, read_json, write_bytes_atomic

# 2: rows end with their identity keys (``Row.ikey``); ``chash`` hashes the
# content without id and path (``shards.substance_hash``)
SCHEMA_VERSION = 2
INDEX_NAME = "library.json"
BACKUP_NAME = "library.json.bak"
CACHE_NAME = "library.cache"
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
    """
    if version == 1:
        rows = [[*r, ""] if isinstance(r, list) and len(r) == ROW_FIELDS - 1 else r for r in rows]
    return rows


def load_cache(directory: Path, stamp: Stamp | None) -> dict[str, Row] | None:
    """Rows from the marshal start-up cache, if it matches library.json exactly.

    Parsing 100k rows of JSON costs ~0.3 s, marshal ~0.06 s; first paint at
    that size is mostly this. The cache is derived data: any doubt (other
    stamp, other schema, damage, other Python) falls back to library.json.
    """
    if stamp is None:
        return None
    try:
        head, rows = marshal.loads((directory / CACHE_NAME).read_bytes())  # bytes freed here
        if head != (SCHEMA_VERSION, stamp[1], stamp[2]) or type(rows) is not list:
            return None
        new = tuple.__new__  # Row._make's own call costs ~3× this at 100k rows
        out: dict[str, Row] = {}
        gc_was_on = gc.isenabled()
        gc.disable()  # 100k fresh tuples would trigger many useless collections
        try:
            # each loaded tuple is dropped once its Row exists, so the two copies
            # of the index are never all in memory at once (peak memory at start)
            for i, r in enumerate(rows):
                if type(r) is not tuple or len(r) != ROW_FIELDS:
                    return None
                out[r[0]] = new(Row, r)
                rows[i] = None
        finally:
            if gc_was_on:
                gc.enable()
        return out
    except (OSError, ValueError, EOFError, TypeError):
        return None


# Row fields whose values repeat across entries (a few sources, shows and tag
# sets for thousands of entries): stored once in the cache (see write_cache)
_SHARED_FIELDS = tuple(
    Row._fields.index(f)
    for f in ("show", "source", "source_kind", "digest_id", "digest_title", "auto_tags")
)


def write_cache(directory: Path, stamp: Stamp | None, rows: Iterable[Row]) -> None:
    """Write the start-up cache for the library.json of ``stamp`` (best effort).

    Equal repeated values (sources, shows, tag tuples) are made one object
    first: marshal then writes each once and a reference after, so the file is
    smaller and the loaded rows share them, which is most of the index's
    resident memory after titles and ids.
    """
    if stamp is None:
        return
    seen: dict[Any, Any] = {}
    data = []
    for r in rows:
        t = list(r)
        for i in _SHARED_FIELDS:
            v = t[i]
            t[i] = seen.setdefault((i, v), v)
        data.append(tuple(t))
    with contextlib.suppress(OSError, LibraryError, ValueError):
        write_bytes_atomic(
            directory / CACHE_NAME, marshal.dumps(((SCHEMA_VERSION, stamp[1], stamp[2]), data))
        )


def load_rows(directory: Path, stamp: Stamp | None) -> dict[str, Row]:
    """The rows of the library.json of ``stamp``: from the start-up cache, else
    from library.json, writing the cache for the next start (best effort).

    Without this a missing or damaged cache (a crash between the index and the
    cache write, a deleted file) would cost every start the JSON parse until
    the next save. Writing it unlocked is safe: it is stamped with the index it
    was read from, so a writer's newer index never matches it.
    """
    cached = load_cache(directory, stamp)
    if cached is not None:
        return cached
    rows = read_index(directory / INDEX_NAME)
    if rows:
        write_cache(directory, stamp, sort_rows(rows.values()))
    return rows


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


def write_index(directory: Path, rows: list[Row]) -> None:
    """Replace library.json with ``rows`` (in list order), keeping the old one as .bak."""
    path = directory / INDEX_NAME
    if path.exists():
        tmp = directory / (BACKUP_NAME + ".tmp")
        shutil.copyfile(path, tmp)
        os.replace(tmp, directory / BACKUP_NAME)
    data = {"schema": SCHEMA_VERSION, "rows": [r.to_json() for r in rows]}
    write_bytes_atomic(path, dump_json(data))


def sort_rows(rows: Iterable[Row]) -> list[Row]:
    """Newest first; ties keep title order (rows are stored so, so both sorts are linear)."""
    out = sorted(rows, key=_TITLE_KEY)
    out.sort(key=_DATE_KEY, reverse=True)
    return out


# C getters rather than Python key functions: a third of the sort at 100k rows
_TITLE_KEY = operator.itemgetter(Row._fields.index("title"))
_DATE_KEY = operator.itemgetter(Row._fields.index("date"))
