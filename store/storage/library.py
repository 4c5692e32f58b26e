"""The library: content in TinyDB shards, a one-read start-up index, marks apart.

Layout of a data directory::

    library.json        schema version + one compact row per entry (the index).
                        Written last on every ingest: it is the commit point.
    library.json.bak    the previous good index, for `digest-tui doctor`.
    content/XX.json     TinyDB files holding full entries, sharded by id prefix,
                        so opening one entry reads ~1/256 of the content.
    marks.jsonl         the user's marks (see store.storage.marks): never rewritten by
                        content changes, O(1) to append.
    feeds.json          TinyDB table of per-feed fetch state (etag, errors…).
    .write.lock         inter-process lock held for every write.

Why not one TinyDB file: TinyDB rewrites the whole file on each write, so a
bookmark in a 100k-entry file would rewrite hundreds of megabytes, and first
paint would have to parse every body. Here first paint reads library.json once
and a keystroke appends one line.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from filelock import FileLock, Timeout
from tinydb import TinyDB

from store.errors import LibraryError, NotFound
from store.models import (
    Entry,
    Marks,
    entry_from_record,
    entry_to_record,
    short_hash,
)
from store.storage.atomic import (
    AtomicJSONStorage,
    dump_json,
    fsync_dir,
    json_text,
    read_json,
    write_bytes_atomic,
)
from store.storage.marks import MarksJournal

SCHEMA_VERSION = 1
INDEX_NAME = "library.json"
CACHE_NAME = "library.cache"  # marshal copy of the rows, for a fast start
LOCK_TIMEOUT = 30.0


class Row(NamedTuple):
    """What the entry list needs, for every entry, without loading bodies.

    A NamedTuple rather than a dataclass: the index stores each row as a JSON
    array, and ``Row._make`` turns 100k of them into rows several times faster
    than keyword construction, which is most of first-paint time at that size.
    """

    id: str
    title: str
    show: str | None
    source: str
    source_kind: str
    date: str  # sort key: published or digest date, ISO; "" when unknown
    digest_id: str | None
    digest_title: str | None
    link: str | None
    auto_tags: tuple[str, ...]
    chash: str  # hash of the stored content, to skip unchanged rewrites

    def to_json(self) -> list[Any]:
        return list(self)

    @classmethod
    def from_json(cls, d: list[Any]) -> Row:
        """A row from its JSON array; wrong shapes or types raise ValueError."""
        row = cls._make(d)
        if not (isinstance(row.id, str) and row.id and isinstance(row.title, str)):
            raise ValueError("bad row id or title")
        if not all(isinstance(x, str) for x in (row.source, row.source_kind, row.date, row.chash)):
            raise ValueError("bad row field")
        if not all(x is None or isinstance(x, str) for x in row[6:9] + (row.show,)):
            raise ValueError("bad row field")
        tags = row.auto_tags
        if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
            raise ValueError("bad row tags")
        if type(tags) is not tuple:
            row = row._replace(auto_tags=tuple(tags))
        return row


ROW_FIELDS = len(Row._fields)


def row_for(entry: Entry, chash: str) -> Row:
    date = entry.published or (entry.digest.date if entry.digest and entry.digest.date else "")
    return Row(
        id=entry.id,
        title=entry.title,
        show=entry.show,
        source=entry.source.name,
        source_kind=entry.source.kind,
        date=date or "",
        digest_id=entry.digest.id if entry.digest else None,
        digest_title=entry.digest.title if entry.digest else None,
        link=entry.link,
        auto_tags=entry.auto_tags,
        chash=chash,
    )


@dataclass
class SaveResult:
    """What a batch save did, for `ingest` / `refresh` reports."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def content_text(e: Entry) -> str:
    """The JSON text an entry's content is stored as (automatic tags live in the index).

    Encoded once, where the entry is made: it gives the content hash and is
    spliced into the shard as it is.
    """
    rec = entry_to_record(e)
    rec.pop("auto_tags", None)
    return json_text(rec)


def _shard_json(data: dict[str, Any], encoded: dict[str, str]) -> bytes:
    """``dump_json(data)`` with the ``entries`` records in ``encoded`` spliced in as text.

    Byte-identical to encoding the records inline, without encoding them twice.
    """
    parts = []
    for name, table in data.items():
        if name != "entries":
            parts.append(f"{json_text(name)}:{json_text(table)}")
            continue
        recs = [
            f"{json_text(doc_id)}:{encoded.get(doc_id) or json_text(rec)}"
            for doc_id, rec in table.items()
        ]
        parts.append('"entries":{' + ",".join(recs) + "}")
    # "replace": a lone surrogate (clean_text drops them; this is a last guard)
    # must not fail the save after earlier shards were already renamed
    return ("{" + ",".join(parts) + "}").encode("utf-8", "replace")


class Library:
    """Facade over one data directory. Thread-safe; safe across processes.

    Reads are served from memory and refreshed when another process changed a
    file (``reload_if_changed``); every write takes the inter-process lock,
    catches up with what others wrote, then writes atomically.
    """

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.index_path = directory / INDEX_NAME
        self._rows: dict[str, Row] = {}
        self._sorted: list[Row] | None = None
        self._index_stamp: tuple[int, int, int] | None = None
        self._marks = MarksJournal(directory)
        self._tlock = threading.RLock()
        self._flock = FileLock(str(directory / ".write.lock"), timeout=LOCK_TIMEOUT)
        self.generation = 0  # bumps whenever rows change; UIs use it to re-query
        # Derived read caches (query context, tag postings...) live with the library
        # they describe, keyed by their owner's name, so two libraries never share one
        # and one dropped library takes its caches with it.
        self.caches: dict[str, Any] = {}

    # -- opening -------------------------------------------------------------
    @classmethod
    def open(cls, directory: Path) -> Library:
        """Open (without creating) a library; a damaged file raises LibraryError."""
        if directory.exists() and not directory.is_dir():
            raise LibraryError(f"data dir {directory} is not a directory")
        lib = cls(directory)
        lib._load_index()
        lib._marks.catch_up()
        return lib

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.index_path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LibraryError(f"cannot read {self.index_path}: {exc.strerror}") from exc
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _load_cache(self, stamp: tuple[int, int, int] | None) -> dict[str, Row] | None:
        """Rows from the marshal start-up cache, if it matches library.json exactly.

        Parsing 100k rows of JSON costs ~0.3 s, marshal ~0.06 s; first paint at
        that size is mostly this. The cache is derived data: any doubt (other
        stamp, other schema, damage, other Python) falls back to library.json.
        """
        if stamp is None:
            return None
        try:
            raw = (self.dir / CACHE_NAME).read_bytes()
            head, rows = marshal.loads(raw)
            if head != (SCHEMA_VERSION, stamp[1], stamp[2]) or type(rows) is not list:
                return None
            new = tuple.__new__  # Row._make's own call costs ~3× this at 100k rows
            out = {}
            gc_was_on = gc.isenabled()
            gc.disable()  # 100k fresh tuples would trigger many useless collections
            try:
                for r in rows:
                    if type(r) is not tuple or len(r) != ROW_FIELDS:
                        return None
                    out[r[0]] = new(Row, r)
            finally:
                if gc_was_on:
                    gc.enable()
            return out
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def _write_cache(self) -> None:
        """Write the start-up cache for the library.json just written (best effort)."""
        stamp = self._index_stamp
        if stamp is None:
            return
        rows = [tuple(r) for r in self._sorted_rows()]
        with contextlib.suppress(OSError, LibraryError, ValueError):
            write_bytes_atomic(
                self.dir / CACHE_NAME,
                marshal.dumps(((SCHEMA_VERSION, stamp[1], stamp[2]), rows)),
            )

    def _load_index(self) -> None:
        stamp = self._stamp()
        cached = self._load_cache(stamp)
        if cached is not None:
            self._rows = cached
            self._index_stamp = stamp
            self._sorted = None
            self.generation += 1
            return
        data = read_json(self.index_path)
        if data is None:
            self._rows = {}
        else:
            if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
                raise LibraryError(
                    f"library file {self.index_path} is damaged (unexpected shape); it was "
                    "left untouched (run `digest-tui doctor` to see the options)"
                )
            version = data.get("schema")
            if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                raise LibraryError(
                    f"library file {self.index_path} is damaged (schema {version!r} is not a "
                    "version number); it was left untouched (run `digest-tui doctor`)"
                )
            if version > SCHEMA_VERSION:
                raise LibraryError(
                    f"library file {self.index_path} has schema {version!r}, newer than this "
                    f"digest-tui understands ({SCHEMA_VERSION}); upgrade digest-tui"
                )
            rows = migrate(version, data["rows"])
            try:
                self._rows = {r[0]: Row.from_json(r) for r in rows}
            except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
                raise LibraryError(
                    f"library file {self.index_path} is damaged (bad row); it was left "
                    "untouched (run `digest-tui doctor` to see the options)"
                ) from exc
        self._index_stamp = stamp
        self._sorted = None
        self.generation += 1

    def reload_if_changed(self) -> bool:
        """Pick up what another process wrote. Returns True if anything changed."""
        with self._tlock:
            changed = False
            if self._stamp() != self._index_stamp:
                self._load_index()
                changed = True
            before = self._marks.stamp
            self._marks.catch_up()
            if self._marks.stamp != before:
                changed = True
            return changed

    # -- reading -------------------------------------------------------------
    def rows(self) -> list[Row]:
        """All rows, newest first (stable: ties keep title order)."""
        with self._tlock:
            return self._sorted_rows()

    def _sorted_rows(self) -> list[Row]:
        if self._sorted is None:
            # rows are stored in this order, so both sorts are linear passes
            rows = sorted(self._rows.values(), key=_title_key)
            rows.sort(key=_date_key, reverse=True)
            self._sorted = rows
        return self._sorted

    def __len__(self) -> int:
        return len(self._rows)

    def row(self, entry_id: str) -> Row:
        try:
            return self._rows[entry_id]
        except KeyError:
            raise NotFound(f"no entry with id {entry_id}") from None

    def resolve(self, prefix: str) -> str:
        """A full id from a unique prefix, like git."""
        p = prefix.strip().lower()
        if not p:
            raise NotFound("empty id")
        if p in self._rows:
            return p
        hits = [i for i in self._rows if i.startswith(p)]
        if not hits:
            raise NotFound(f"no entry with id {prefix!r}")
        if len(hits) > 1:
            raise NotFound(f"id prefix {prefix!r} is ambiguous ({len(hits)} entries)")
        return hits[0]

    def _shard_path(self, entry_id: str) -> Path:
        return self.dir / "content" / f"{entry_id[:2]}.json"

    def _read_shard(self, key: str) -> dict[str, dict[str, Any]]:
        path = self.dir / "content" / f"{key}.json"
        data = read_json(path)
        if data is None:
            return {}
        table = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(table, dict):
            raise LibraryError(f"library file {path} is damaged (no entries table)")
        return {
            rec["id"]: rec
            for rec in table.values()
            if isinstance(rec, dict) and isinstance(rec.get("id"), str)
        }

    def get(self, entry_id: str) -> Entry:
        """The full entry (body, sections, replies) with its current auto tags."""
        return self.get_many([entry_id])[0]

    def get_many(self, ids: Sequence[str]) -> list[Entry]:
        with self._tlock:
            by_shard: dict[str, list[str]] = {}
            for i in ids:
                self.row(i)
                by_shard.setdefault(i[:2], []).append(i)
            found: dict[str, Entry] = {}
            for key, wanted in by_shard.items():
                recs = self._read_shard(key)
                for i in wanted:
                    rec = recs.get(i)
                    if rec is None:
                        raise LibraryError(
                            f"entry {i} is listed but its content is missing from "
                            f"{self.dir / 'content'}; run `digest-tui doctor`"
                        )
                    try:
                        entry = entry_from_record(rec)
                    except (KeyError, TypeError, ValueError, AttributeError) as exc:
                        raise LibraryError(
                            f"library file {self._shard_path(i)} is damaged (bad entry {i}); "
                            "it was left untouched (run `digest-tui doctor`)"
                        ) from exc
                    found[i] = entry.with_(auto_tags=self._rows[i].auto_tags)
            return [found[i] for i in ids]

    def marks(self, entry_id: str) -> Marks:
        return self._marks.get(entry_id)

    def all_marks(self) -> dict[str, Marks]:
        """A snapshot of every entry's marks (safe to read while others write)."""
        with self._tlock:
            return dict(self._marks.all())

    def effective_tags(self, entry_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(auto tags the user has not removed, user tags)."""
        row = self._rows.get(entry_id)
        m = self._marks.get(entry_id)
        auto = tuple(t for t in (row.auto_tags if row else ()) if t not in m.removed_auto)
        return auto, m.user_tags

    @property
    def marks_stamp(self) -> tuple[int, int | None]:
        """Changes whenever the marks journal does (see ``MarksJournal.stamp``)."""
        return self._marks.stamp

    # -- writing content -----------------------------------------------------
    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock across several writes, so a batch commits in one session.

        The thread lock and the file lock are both re-entrant: every write inside
        the block joins this session instead of taking the lock again.
        """
        with self._tlock:
            # the checks, the lock and the catch-up of _write_locked; the extra
            # acquire keeps the file lock held after it returns, until the block ends
            self._write_locked(self._flock.acquire)
            try:
                yield
            finally:
                self._flock.release()

    def _write_locked(self, fn: Callable[[], Any]) -> Any:
        with self._tlock:
            if self._index_stamp is not None and not self.index_path.exists():
                # opened on a real library that is gone now (deleted, unmounted):
                # writing would silently start a new, empty one in its place
                raise LibraryError(
                    f"the library in {self.dir} has vanished (library.json is gone); "
                    "nothing was written"
                )
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"cannot create data dir {self.dir}: {exc.strerror}") from exc
            try:
                with self._flock:
                    self.reload_if_changed()
                    return fn()
            except Timeout:
                raise LibraryError(
                    f"the library in {self.dir} is busy (another digest-tui is writing); try again"
                ) from None
            except PermissionError as exc:
                raise LibraryError(f"cannot write to {self.dir}: permission denied") from exc
            except OSError as exc:
                if isinstance(exc, LibraryError):
                    raise
                raise LibraryError(f"cannot write to {self.dir}: {exc.strerror or exc}") from exc

    def save_entries(
        self, entries: Iterable[Entry], texts: Sequence[str] | None = None
    ) -> SaveResult:
        """Insert or update entries in one batch: each touched shard written once.

        Marks are never touched. Content identical to what is stored is skipped.
        ``texts``, aligned with ``entries``, are their ``content_text`` when a
        parse worker encoded them already.
        """
        batch: dict[str, tuple[Entry, str, str]] = {}
        for i, e in enumerate(entries):
            text = texts[i] if texts is not None else content_text(e)
            batch[e.id] = (e, text, short_hash(text, length=16))

        def do() -> SaveResult:
            res = SaveResult()
            changed: dict[str, list[tuple[Entry, str, str]]] = {}
            for eid, item in batch.items():
                old = self._rows.get(eid)
                if old is None:
                    res.new.append(eid)
                elif old.chash != item[2] or old.auto_tags != item[0].auto_tags:
                    res.updated.append(eid)
                else:
                    res.unchanged.append(eid)
                    continue
                changed.setdefault(eid[:2], []).append(item)
            if not changed:
                return res
            for key, items in changed.items():
                self._write_shard(key, items)
            fsync_dir(self.dir / "content")  # the shards' renames, before the index names them
            for items in changed.values():
                for e, _text, h in items:
                    self._rows[e.id] = row_for(e, h)
            self._write_index()
            return res

        return self._write_locked(do)

    def _write_shard(self, key: str, items: list[tuple[Entry, str, str]]) -> None:
        """Upsert records into one TinyDB shard with a single read and a single write.

        Going through TinyDB's Table API would read and rewrite the file once per
        operation (remove, then insert); the file format stays TinyDB's own.
        """
        storage = AtomicJSONStorage(self.dir / "content" / f"{key}.json")
        data = storage.read() or {}
        table = data.setdefault("entries", {})
        if not isinstance(table, dict):
            raise LibraryError(f"library file {storage.path} is damaged (no entries table)")
        doc_of = {rec.get("id"): doc_id for doc_id, rec in table.items() if isinstance(rec, dict)}
        next_id = max((int(k) for k in table if k.isdigit()), default=0) + 1
        encoded: dict[str, str] = {}  # doc id -> record JSON from save_entries
        for e, text, _h in items:
            doc_id = doc_of.get(e.id)
            if doc_id is None:
                doc_id, next_id = str(next_id), next_id + 1
            table[doc_id] = None  # keeps the key's place; the text below replaces it
            encoded[doc_id] = text
        write_bytes_atomic(storage.path, _shard_json(data, encoded), sync_dir=False)

    def _write_index(self) -> None:
        if self.index_path.exists():
            bak = self.dir / (INDEX_NAME + ".bak")
            tmp = self.dir / (INDEX_NAME + ".bak.tmp")
            shutil.copyfile(self.index_path, tmp)
            os.replace(tmp, bak)
        self._sorted = None
        data = {"schema": SCHEMA_VERSION, "rows": [r.to_json() for r in self._sorted_rows()]}
        write_bytes_atomic(self.index_path, dump_json(data))
        self._index_stamp = self._stamp()
        self.generation += 1
        self._write_cache()

    def set_auto_tags(self, tags: dict[str, Sequence[str]]) -> int:
        """Replace the automatic tags of some entries (index only; content untouched)."""

        def do() -> int:
            n = 0
            for eid, t in tags.items():
                row = self._rows.get(eid)
                new = tuple(t)
                if row is not None and row.auto_tags != new:
                    self._rows[eid] = row._replace(auto_tags=new)
                    n += 1
            if n:
                self._write_index()
            return n

        return self._write_locked(do)

    # -- writing marks -------------------------------------------------------
    def _update_marks(self, ids: Iterable[str], change: Callable[[Marks], Marks]) -> list[str]:
        wanted = list(dict.fromkeys(ids))
        for i in wanted:
            self.row(i)
        return self._write_locked(lambda: self._marks.update(wanted, change))

    def set_bookmarked(self, ids: Iterable[str], on: bool = True) -> list[str]:
        return self._update_marks(ids, lambda m: _replace(m, bookmarked=on))

    def set_read(self, ids: Iterable[str], read: bool = True) -> list[str]:
        return self._update_marks(ids, lambda m: _replace(m, read=read))

    def toggle_bookmark(self, entry_id: str) -> bool:
        """Flip one bookmark; returns the new state (decided under the lock)."""
        state: list[bool] = []

        def change(m: Marks) -> Marks:
            state.append(not m.bookmarked)
            return _replace(m, bookmarked=not m.bookmarked)

        self._update_marks([entry_id], change)
        return state[0] if state else self.marks(entry_id).bookmarked

    def add_tags(self, ids: Iterable[str], tags: Sequence[str]) -> list[str]:
        """Add user tags; a tag the user had removed from the auto tags comes back."""

        def change(m: Marks) -> Marks:
            user = tuple(dict.fromkeys((*m.user_tags, *tags)))
            removed = tuple(t for t in m.removed_auto if t not in tags)
            return _replace(m, user_tags=user, removed_auto=removed)

        return self._update_marks(ids, change)

    def remove_tags(self, ids: Iterable[str], tags: Sequence[str]) -> list[str]:
        """Remove tags: user tags are dropped, auto tags are hidden for good."""
        wanted = list(dict.fromkeys(ids))
        autos = {i: set(self.row(i).auto_tags) for i in wanted}

        def change_for(m: Marks, eid: str) -> Marks:
            user = tuple(t for t in m.user_tags if t not in tags)
            hide = [t for t in tags if t in autos[eid] and t not in m.removed_auto]
            return _replace(m, user_tags=user, removed_auto=(*m.removed_auto, *hide))

        # per-id closure so the change knows each entry's auto tags
        def do() -> list[str]:
            out: list[str] = []
            for eid in wanted:
                out += self._marks.update([eid], lambda m, eid=eid: change_for(m, eid))
            return out

        return self._write_locked(do)

    # -- small side files (tag state, settings) ------------------------------
    def read_sidecar(self, name: str) -> Any:
        """A JSON side file in the data dir (None if absent; damage raises)."""
        return read_json(self.dir / name, what="library side file")

    def write_sidecar(self, name: str, data: Any) -> None:
        """Write a JSON side file atomically under the library's write lock."""
        self._write_locked(lambda: write_bytes_atomic(self.dir / name, dump_json(data)))

    def update_sidecar(self, name: str, fn: Callable[[Any], Any]) -> Any:
        """Read-modify-write a side file under the lock (no lost updates)."""

        def do() -> Any:
            new = fn(read_json(self.dir / name, what="library side file"))
            write_bytes_atomic(self.dir / name, dump_json(new))
            return new

        return self._write_locked(do)

    # -- feed state ----------------------------------------------------------
    def feed_states(self) -> dict[str, dict[str, Any]]:
        """Per-feed fetch state keyed by URL (etag, last_modified, body hash, errors)."""
        with self._tlock:
            data = read_json(self.dir / "feeds.json")
            table = (data or {}).get("feeds") or {}
            return {d["url"]: d for d in table.values() if isinstance(d, dict) and "url" in d}

    def save_feed_states(self, states: dict[str, dict[str, Any]]) -> None:
        """Merge the given feed states in (one write)."""

        def do() -> None:
            db = TinyDB(self.dir / "feeds.json", storage=AtomicJSONStorage)
            try:
                table = db.table("feeds")
                # plain dicts: TinyDB Documents keep their doc ids, which would clash
                current = {d["url"]: dict(d) for d in table.all() if "url" in d}
                current.update({u: {**s, "url": u} for u, s in states.items()})
                table.truncate()
                table.insert_multiple(list(current.values()))
            finally:
                db.close()

        self._write_locked(do)


def _replace(m: Marks, **kw: Any) -> Marks:
    from dataclasses import replace

    return replace(m, **kw)


def _title_key(r: Row) -> str:
    return r.title


def _date_key(r: Row) -> str:
    return r.date


def migrate(version: int, rows: list[Any]) -> list[Any]:
    """Bring rows of an older schema up to SCHEMA_VERSION (none exist yet)."""
    # when SCHEMA_VERSION becomes 2, convert version-1 rows here, in order.
    return rows
