"""Content shards: full entries in TinyDB files ``content/NAME.json``.

Each shard is a TinyDB database with one table, ``entries``, whose documents are
entry records (``store.models.entry_to_record`` without the automatic tags,
which live in the index). A batch save reads and writes each touched shard once
(``BatchJSONStorage``).

Where an entry lives is in its index row (``Row.shard``). New entries go to
*arrival shards* (``n000001.json``, ...), filled in the order entries arrive up
to ``ARRIVAL_ENTRIES`` entries or ``ARRIVAL_BYTES``: a daily refresh of 500 new
entries writes two or three small files whatever the library's size, and
opening an entry parses one bounded shard. Libraries written before schema 3
keep their entries in shards named by the id's first two hex digits
(``3f.json``): their rows have no shard and ``shard_of`` names the prefix.
(Keying every entry by id prefix spread 500 new entries over 218 of the 256
shards: a daily refresh rewrote 61 MB at 10k entries and ~600 MB at 100k, and
each shard grew with the library.)
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import Query
from tinydb.table import Table

from store.errors import LibraryError
from store.models import Entry, Row, Source, entry_from_record, entry_to_record, short_hash
from store.storage.atomic import batch_db, json_text, read_json, write_bytes_atomic
from store.storage.shardpeek import peek_records

CONTENT_DIR = "content"
TABLE = "entries"
ARRIVAL_PREFIX = "n"
ARRIVAL_ENTRIES = 256
ARRIVAL_BYTES = 1_500_000  # of entry records: a shard parses in a few ms
#: a shard file's name: an id prefix (before schema 3) or an arrival number
SHARD_RE = re.compile(r"^(?:[0-9a-f]{2}|n[0-9]{6,})\.json$")
#: up to this many ids of one shard are read record by record (``shardpeek``), not by parsing it
PEEK_MAX = 4
_ARRIVAL_RE = re.compile(r"^n([0-9]{6,})$")


def shard_of(row: Row) -> str:
    """The shard holding a row's content: its own, else (a row from before
    schema 3) the one of its id's prefix."""
    return row.shard or row.id[:2]


def whole_shards(rows: list[Row], limit: int) -> list[Row]:
    """At most ``limit`` of ``rows`` (newest first), whole content shards at a
    time: the shard of the newest first, then the next newest's. A bounded
    derivation takes rows spread over every shard otherwise, and each row then
    costs a shard read (a 100k library: 100 rows, 100 reads of 1.3 MB, 1-3 s)."""
    keys = list(map(shard_of, rows))
    per_shard = Counter(keys)
    chosen: set[str] = set()
    total = 0
    for k in keys:
        if total >= limit:
            break
        if k not in chosen:
            chosen.add(k)
            total += per_shard[k]
    return [r for r, k in zip(rows, keys, strict=True) if k in chosen][:limit]


def arrival_name(number: int) -> str:
    return f"{ARRIVAL_PREFIX}{number:06d}"


def _arrival_number(name: str) -> int | None:
    m = _ARRIVAL_RE.match(name)
    return int(m.group(1)) if m else None


@dataclass
class Arrivals:
    """Where new entries go: the newest arrival shard until it is full, then a new one.

    Built from the rows (``scan``) and kept by the library between saves; a
    save that fails drops it (it is built again), so its counts never run ahead
    of what the index names.
    """

    name: str | None  # the newest arrival shard the rows name
    count: int  # rows in it
    top: int  # the highest arrival number in the rows or the directory

    @classmethod
    def scan(cls, directory: Path, rows: Iterable[Row]) -> Arrivals:
        """From the rows, and the directory's names: a shard written by a save that
        never committed its index is skipped, not filled on top of its leftovers."""
        counts = Counter(r.shard for r in rows if r.shard)
        numbered = {n: k for k in counts if (n := _arrival_number(k)) is not None}
        top = max(numbered, default=0)
        try:
            names = os.listdir(directory / CONTENT_DIR)
        except OSError:
            names = []
        for name in names:
            n = _arrival_number(name.split(".", 1)[0])
            if n is not None and n > top:
                top = n
        newest = numbered[max(numbered)] if numbered else None
        return cls(newest, counts[newest] if newest else 0, top)

    def place(self, directory: Path, sizes: Iterable[int]) -> list[str]:
        """The shard of each new entry (of ``sizes`` bytes), in order."""
        used = 0
        if self.name is not None and self.count < ARRIVAL_ENTRIES:  # a full one is not read
            path = shard_path(directory, self.name)
            try:
                _check_records(path, _table(path))
                used = path.stat().st_size if path.exists() else 0
            except (LibraryError, OSError):
                # damaged or unreadable: never filled (the save would fail after its
                # tags and words were written); its entries stay for doctor to find
                self.name = None
        out: list[str] = []
        for size in sizes:
            full = self.count >= ARRIVAL_ENTRIES or (self.count > 0 and used + size > ARRIVAL_BYTES)
            if self.name is None or full:
                self.top += 1
                self.name, self.count, used = arrival_name(self.top), 0, 0
            out.append(self.name)
            self.count += 1
            used += size
        return out


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
    """``table`` after checking its file holds an entries table of sound records
    (damage raises): a write rewrites every record of the shard, and must not
    carry a damaged one along as if it were sound."""
    data = table.storage.read()
    if data is not None:
        records = data.get(TABLE)
        if not isinstance(records, dict):
            raise LibraryError(f"library file {db_path} is damaged (no entries table)")
        _check_records(db_path, records)
    return table


def _check_records(path: Path, records: Mapping[str, Any]) -> None:
    """Raise LibraryError naming ``path`` if a record does not make an Entry."""
    for doc in records.values():
        try:
            entry_from_record(dict(doc))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise LibraryError(
                f"library file {path} is damaged (a bad entry record); it was left "
                "untouched (run `digest-tui doctor`)"
            ) from exc


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
    peeked = peek_records(path, wanted) if len(wanted) <= PEEK_MAX and not _held(path) else None
    for doc in (_table(path) if peeked is None else peeked).values():
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


def _held(path: Path) -> bool:
    """Whether the parsed table of ``path`` is kept (then it answers, not a peek)."""
    with _PARSED_LOCK:
        return path in _PARSED


def read_rows(directory: Path, rows: Iterable[Row]) -> dict[str, Entry]:
    """The stored entries of ``rows`` by id, each shard read once (a missing one is absent)."""
    by_shard: dict[str, list[str]] = {}
    for r in rows:
        by_shard.setdefault(shard_of(r), []).append(r.id)
    found: dict[str, Entry] = {}
    for key, ids in by_shard.items():
        found.update(read_entries(directory, key, ids))
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


# the start of a content text: its id, a JSON string (content_text writes "id" first)
_ID_HEAD = re.compile(r'\{"id":("(?:[^"\\]|\\.)*")')


def _id_key(text: str) -> str:
    """A key of a record's id from its ``content_text``: the id's JSON string as the
    text starts with it (``json_text`` writes one form per string, so equal ids give
    equal keys), without decoding it."""
    m = _ID_HEAD.match(text)
    return m.group(1) if m else json_text(json.loads(text)["id"])


def _write_new(path: Path, texts: Iterable[str]) -> None:
    """A new shard holding ``texts``: the very bytes TinyDB writes for them (records
    numbered from 1 in order, a later text of an id replacing an earlier), joined from
    the texts as they are instead of parsing each and encoding them all again
    (most of a save into new shards: a refresh's or an ingest's)."""
    by_id: dict[str, str] = {}
    for text in texts:
        by_id[_id_key(text)] = text
    if not by_id:
        return  # TinyDB writes nothing for an empty batch either
    body = ",".join(f'"{n}":{text}' for n, text in enumerate(by_id.values(), 1))
    data = f'{{"{TABLE}":{{{body}}}}}'.encode("utf-8", "replace")
    write_bytes_atomic(path, data, sync_dir=False)


def write_entries(directory: Path, key: str, texts: Iterable[str]) -> None:
    """Upsert records (their ``content_text``) into shard ``key``: one read, one write.

    Existing records are replaced in place (``Table.update`` on their doc ids),
    new ones appended (``Table.insert_multiple``), all inside one
    ``BatchJSONStorage`` session, so the shard is rewritten once, atomically;
    the directory fsync is left to the caller, who writes many shards.
    """
    path = shard_path(directory, key)
    with _PARSED_LOCK:
        _PARSED.pop(path, None)
    if not path.exists():
        _write_new(path, texts)
        return
    records: dict[str, dict[str, Any]] = {}
    for text in texts:
        rec = json.loads(text)
        records[rec["id"]] = rec
    with batch_db(path, sync_dir=False) as db:
        table = _entries(path, db.table(TABLE))
        stored: dict[str, int] = {}
        for doc in table.search(Query().id.one_of(list(records))):
            stored.setdefault(doc["id"], doc.doc_id)
        if stored:
            table.update(_replace_with(records), doc_ids=list(stored.values()))
        table.insert_multiple(rec for eid, rec in records.items() if eid not in stored)
