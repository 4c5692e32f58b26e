"""Content shards: full entries in TinyDB files ``content/XX.json``, by id prefix.

Each shard is a TinyDB database with one table, ``entries``, whose documents are
entry records (``store.models.entry_to_record`` without the automatic tags,
which live in the index). Opening one entry reads ~1/256 of the content; a
batch save reads and writes each touched shard once (``BatchJSONStorage``).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tinydb import Query
from tinydb.table import Table

from store.errors import LibraryError
from store.models import Entry, Source, entry_from_record, entry_to_record, short_hash
from store.storage.atomic import batch_db, json_text, read_json

CONTENT_DIR = "content"
TABLE = "entries"


def shard_key(entry_id: str) -> str:
    return entry_id[:2]


def shard_path(directory: Path, key: str) -> Path:
    return directory / CONTENT_DIR / f"{key}.json"


def content_text(e: Entry) -> str:
    """The JSON text an entry's content is stored as (automatic tags live in the index).

    Encoded once, where the entry is made (often in a parse worker): it gives
    the content hash that tells a changed entry from an unchanged one.
    """
    rec = entry_to_record(e)
    rec.pop("auto_tags", None)
    return json_text(rec)


def substance_hash(e: Entry, text: str | None = None) -> str:
    """The hash of an entry's stored content but its id and the path it came from.

    Two arrivals of one item from two folders, or under an old and a new id,
    hash the same, so a no-op ingest is seen as one before anything is tagged
    or written. Whether the source is a subscribed URL still counts (an entry
    moves from a feed file to the subscribed feed once). ``text`` is
    ``content_text(e)`` when known: its head (id and source, always first) is
    cut off instead of encoding the entry again.
    """
    if text is None:
        text = content_text(e)
    src = e.source
    head = json_text({"id": e.id, "source": src.to_json()})[:-1] + ","
    marker = "url" if "://" in src.location and not src.location.startswith("file:") else ""
    if text.startswith(head):
        rest = text[len(head) :]
    else:  # pragma: no cover - content_text always starts with id and source
        rest = content_text(e.with_(id="", source=Source(src.kind, src.name, "")))
    return short_hash(src.kind, src.name, marker, rest, length=16)


def _entries(db_path: Path, table: Table) -> Table:
    """``table`` after checking its file holds an entries table (damage raises)."""
    data = table.storage.read()
    if data is not None and not isinstance(data.get(TABLE), dict):
        raise LibraryError(f"library file {db_path} is damaged (no entries table)")
    return table


def read_entries(directory: Path, key: str, ids: Iterable[str]) -> dict[str, Entry]:
    """The entries of ``ids`` found in shard ``key`` (the first record of an id wins).

    An id absent from the shard is absent from the result; a record that does
    not make an Entry raises LibraryError naming the shard. The shard is parsed
    once (``_table``), not through TinyDB: its ``search`` read and parsed the
    file a second time after the damage check, and walked it through a Query
    per record, three quarters of the cost of reading an entry.
    """
    path = shard_path(directory, key)
    wanted = set(ids)
    found: dict[str, Entry] = {}
    for doc in _table(path).values():
        eid = doc.get("id") if isinstance(doc, dict) else None
        if not isinstance(eid, str) or eid not in wanted or eid in found:
            continue
        try:
            found[eid] = entry_from_record(dict(doc))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise LibraryError(
                f"library file {path} is damaged (bad entry {eid}); "
                "it was left untouched (run `digest-tui doctor`)"
            ) from exc
    return found


#: the last shards parsed, by path: (inode, mtime, size) -> the entries table.
#: Opening an entry reads its shard up to three times (the entry, its signature,
#: its story's key points); a shard of 400 entries (100k in the library) takes
#: ~4 ms to parse and holds 2.7 MB parsed, so only two are kept, and none over
#: ``_PARSED_MAX_BYTES`` on disk (a 500k library's shards: memory over speed).
#: A write replaces a shard by rename (a new inode); ``write_entries`` also
#: drops it here.
_PARSED: OrderedDict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = OrderedDict()
_PARSED_MAX = 2
_PARSED_MAX_BYTES = 2_000_000
_PARSED_LOCK = threading.Lock()


def _table(path: Path) -> dict[str, Any]:
    """Shard ``path``'s entries table (empty when the file is missing); damage raises."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise LibraryError(f"cannot read library file {path}: {exc.strerror or exc}") from exc
    stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
    with _PARSED_LOCK:
        got = _PARSED.get(path)
        if got is not None and got[0] == stamp:
            _PARSED.move_to_end(path)
            return got[1]
    data = read_json(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LibraryError(f"library file {path} is damaged (not a table map)")
    table = data.get(TABLE)
    if not isinstance(table, dict):
        raise LibraryError(f"library file {path} is damaged (no entries table)")
    if st.st_size > _PARSED_MAX_BYTES:
        return table
    with _PARSED_LOCK:
        _PARSED[path] = (stamp, table)
        _PARSED.move_to_end(path)
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return table


def _replace_with(records: Mapping[str, dict[str, Any]]) -> Any:
    """A TinyDB update callable that makes a stored record the new one of its id."""

    def update(doc: dict[str, Any]) -> None:
        new = records[doc["id"]]
        doc.clear()
        doc.update(new)

    return update


def write_entries(directory: Path, key: str, texts: Iterable[str]) -> None:
    """Upsert records (their ``content_text``) into shard ``key``: one read, one write.

    Existing records are replaced in place (``Table.update`` on their doc ids),
    new ones appended (``Table.insert_multiple``), all inside one
    ``BatchJSONStorage`` session, so the shard is rewritten once, atomically;
    the directory fsync is left to the caller, who writes many shards.
    """
    records: dict[str, dict[str, Any]] = {}
    for text in texts:
        rec = json.loads(text)
        records[rec["id"]] = rec
    path = shard_path(directory, key)
    with _PARSED_LOCK:
        _PARSED.pop(path, None)
    with batch_db(path, sync_dir=False) as db:
        table = _entries(path, db.table(TABLE))
        stored: dict[str, int] = {}
        for doc in table.search(Query().id.one_of(list(records))):
            stored.setdefault(doc["id"], doc.doc_id)
        if stored:
            table.update(_replace_with(records), doc_ids=list(stored.values()))
        table.insert_multiple(rec for eid, rec in records.items() if eid not in stored)
