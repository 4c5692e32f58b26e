"""The library: one data directory, read from memory, written under one lock.

What lives where (each file has its own module)::

    library.json        the index: schema version + one compact row per entry
                        (store.storage.rows). Written last on every content
                        change: it is the commit point.
    library.json.bak    the previous good index, for `digest-tui doctor --restore`.
    library.cache       marshal copy of the rows for a fast start (derived).
    marks.cache         the first page's marks for a fast start (markscache; derived).
    counts.cache        the navigator's counts and their stamps (navcounts; derived).
    content/*.json      TinyDB files holding full entries, in bounded shards filled
                        as entries arrive (store.storage.shards): a save writes the
                        shards of its entries, opening one entry reads one shard.
    marks.jsonl         the user's marks (store.storage.marks): never rewritten by
                        content changes, O(1) to append.
    feeds.json          TinyDB table of per-feed fetch state (store.storage.state).
    tables.json         TinyDB key-value tables: UI settings, flags, saved searches...
    undo.jsonl          what each user change replaced (store.storage.undo).
    topics.json, words/ topic state and word index, owned by store.index
                        (through the side-file methods below).
    .write.lock         inter-process lock held for every write.

Why not one TinyDB file: it is rewritten whole on each write (a bookmark would
rewrite hundreds of MB at 100k entries) and first paint would parse every body.
Here first paint reads library.json (or its cache) once; a keystroke appends a line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from store.errors import LibraryError, NotFound
from store.models import Entry, Marks, Row, row_for
from store.storage import rows as index_file
from store.storage import shards
from store.storage.atomic import dump_json, fsync_dir, read_json, write_bytes_atomic
from store.storage.firstpage import FirstPageRows
from store.storage.marks import MarksJournal
from store.storage.state import StateTable, read_feed_states, save_feed_states
from store.storage.undo import UndoLog, UndoStep
from store.storage.writelock import WriteSessions

T = TypeVar("T")


@dataclass
class SaveResult:
    """What a batch save did, for `ingest` / `refresh` reports."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class Library(FirstPageRows, WriteSessions):
    """Facade over one data directory. Thread-safe; safe across processes.

    Reads are served from memory and refreshed when another process changed a
    file (``reload_if_changed``); every write takes the inter-process lock,
    catches up with what others wrote, then writes atomically.
    """

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.index_path = directory / index_file.INDEX_NAME
        self._rows = {}
        self._sorted: list[Row] | None = None
        self._index_stamp: index_file.Stamp | None = None
        self._marks = MarksJournal(directory)
        self._undo = UndoLog(directory)
        self._tlock = threading.RLock()
        self.generation = 0  # bumps whenever rows change; UIs use it to re-query
        # Derived read caches (query context, tag postings...) live with the library
        # they describe, keyed by their owner's name, so two libraries never share one
        # and one dropped library takes its caches with it.
        self.caches: dict[str, Any] = {}
        # identity key -> id (store.storage.identity), built on first need by an
        # ingest or refresh, kept up to date by saves, dropped on a reload
        self._ikeys: dict[str, str] | None = None
        self.has_legacy_keys = False  # whether any row has a previous release's key
        self._arrivals: shards.Arrivals | None = None  # where new entries go; None: scan

    # -- opening -------------------------------------------------------------
    @classmethod
    def open(cls, directory: Path, *, first_page: bool = False) -> Library:
        """Open (without creating) a library; a damaged file raises LibraryError.

        ``first_page``: a large library's rows load when first needed (``firstpage``).
        """
        if directory.exists() and not directory.is_dir():
            raise LibraryError(f"data dir {directory} is not a directory")
        lib = cls(directory)
        if first_page and lib._open_first():
            if lib._open_first_marks():
                return lib
        else:
            lib._load_index()
        with index_file.paused_gc():  # a journal of 300k marks: a third faster
            lib._marks.catch_up()
        return lib

    def _load_index(self, first: Sequence[Row] | None = None) -> None:
        stamp = index_file.index_stamp(self.index_path)
        keep = first if first is not None and stamp == self._index_stamp else None
        self._rows = index_file.load_rows(self.dir, stamp, keep)
        self._index_stamp = stamp
        self._sorted = list(self._rows.values())  # loaded in sort_rows order
        self._ikeys = None
        self._arrivals = None
        self.generation += 1

    def reload_if_changed(self) -> bool:
        """Pick up what another process wrote. Returns True if anything changed."""
        with self._tlock:
            changed = index_file.index_stamp(self.index_path) != self._index_stamp
            if changed:
                self._load_index()
            return self._marks.catch_up() or changed

    # -- reading -------------------------------------------------------------
    def rows(self) -> list[Row]:
        """All rows, newest first (stable: ties keep title order)."""
        with self._tlock:
            return self._sorted_rows()

    def _sorted_rows(self) -> list[Row]:
        if self._sorted is None:
            self._sorted = index_file.sort_rows(self._rows.values())
        return self._sorted

    def __contains__(self, entry_id: object) -> bool:
        """Whether an entry with this id is stored (a pending id may have been removed)."""
        return entry_id in self._rows

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

    def get(self, entry_id: str) -> Entry:
        """The full entry (body, sections, replies) with its current auto tags."""
        return self.get_many([entry_id])[0]

    def get_many(self, ids: Sequence[str]) -> list[Entry]:
        """Full entries, each shard read once (a TinyDB query on its table)."""
        with self._tlock:
            got = shards.read_rows(self.dir, [self.row(i) for i in ids])
            for i in ids:
                if i not in got:
                    raise LibraryError(
                        f"entry {i} is listed but its content is missing from "
                        f"{self.dir / shards.CONTENT_DIR}; run `digest-tui doctor`"
                    )
            return [got[i].with_(auto_tags=self._rows[i].auto_tags) for i in ids]

    def marks(self, entry_id: str) -> Marks:
        return self._marks.get(entry_id)

    def all_marks(self) -> dict[str, Marks]:
        """Every entry's marks: a snapshot, shared until one changes (never to be changed)."""
        with self._tlock:
            return self._marks.snapshot()

    def marks_and_key(self) -> tuple[dict[str, Marks], list[Any]]:
        """``all_marks`` and what counts of them depend on: [index stamp, marks stamp]."""
        with self._tlock:
            return self.all_marks(), [list(self._index_stamp or ()), list(self._marks.stamp)]

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

    @property
    def tag_stamp(self) -> tuple[int, int | None]:
        """Changes when some entry's user or removed tags do (``MarksJournal.tag_stamp``)."""
        return self._marks.tag_stamp

    # -- writing content -----------------------------------------------------
    def save_entries(
        self, entries: Iterable[Entry], texts: Sequence[str] | None = None
    ) -> SaveResult:
        """Insert or update entries in one batch: each touched shard written once.

        Marks are never touched. Content identical to what is stored (but for
        its path: ``shards.substance_hash``) is skipped. ``texts``, aligned with
        ``entries``, are their ``content_text`` when a parse worker encoded them
        already.
        """
        batch: dict[str, tuple[Entry, str, str]] = {}
        for i, e in enumerate(entries):
            text = texts[i] if texts is not None else shards.content_text(e)
            batch[e.id] = (e, text, shards.substance_hash(e, text))

        def do() -> SaveResult:
            res = SaveResult()
            changed: dict[str, list[tuple[Entry, str, str]]] = {}
            for eid, item in batch.items():
                old = self._rows.get(eid)
                if old is None:
                    res.new.append(eid)
                    continue
                if old.chash != item[2] or old.auto_tags != item[0].auto_tags:
                    res.updated.append(eid)  # rewritten where it is
                    changed.setdefault(shards.shard_of(old), []).append(item)
                else:
                    res.unchanged.append(eid)
            if res.new:
                if self._arrivals is None:
                    self._arrivals = shards.Arrivals.scan(self.dir, self._rows.values())
                sizes = (len(batch[i][1]) for i in res.new)
                for eid, key in zip(res.new, self._arrivals.place(self.dir, sizes), strict=True):
                    changed.setdefault(key, []).append(batch[eid])
            if not changed:
                return res
            for key, items in changed.items():
                shards.write_entries(self.dir, key, (text for _e, text, _h in items))
            # the shards' renames, before the index names them
            fsync_dir(self.dir / shards.CONTENT_DIR)
            for key, items in changed.items():
                for e, _text, h in items:
                    self._rows[e.id] = row_for(e, h, key)
            ikeys = self._ikeys
            self._write_index()
            if ikeys is not None:  # _write_index keeps it; a reload inside the lock drops it
                for items in changed.values():
                    for e, _text, _h in items:
                        for k in e.ikey.split():
                            ikeys.setdefault(k, e.id)
            return res

        try:
            return self._write_locked(do)
        except BaseException:
            self._arrivals = None  # its counts may name entries the index does not
            raise

    def identity_index(self) -> dict[str, str]:
        """Every identity key of the library and the id it names (for ingest and refresh).

        Rows of the previous release have no keys yet: they are computed here from
        their stored content, with the content hash, and saved (the schema 1 → 2
        migration, done when first needed). Where two rows share a key (copies an
        older release made), the smaller id answers, so the result is deterministic.
        """
        from store.storage.identity import LEGACY  # only ingest and refresh need keys

        with self._tlock:
            self.reload_if_changed()
            if self._ikeys is None:
                if any(not r.ikey for r in self._rows.values()):
                    self._write_locked(self._key_old_rows)
                idx: dict[str, str] = {}
                for r in self._rows.values():
                    for k in r.ikey.split():
                        known = idx.get(k)
                        if known is None or r.id < known:
                            idx[k] = r.id
                self.has_legacy_keys = any(k.startswith(LEGACY) for k in idx)
                self._ikeys = idx
            return self._ikeys

    def _key_old_rows(self) -> None:
        """Give rows without identity keys their keys and content hash, from their content."""
        from store.storage.identity import stored_keys

        got = shards.read_rows(self.dir, [r for r in self._rows.values() if not r.ikey])
        # an entry whose content is lost is doctor's business, not a key's
        for i, e in got.items():
            self._rows[i] = self._rows[i]._replace(
                ikey=stored_keys(e), chash=shards.substance_hash(e.with_(auto_tags=()))
            )
        if got:
            self._write_index()
            self._ikeys = None

    def _write_index(self) -> None:
        self._sorted = None
        index_file.write_index(self.dir, self._sorted_rows())
        self._index_stamp = index_file.index_stamp(self.index_path)
        self.generation += 1
        index_file.write_cache(self.dir, self._index_stamp, self._sorted_rows())

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
    def _update_marks(
        self, ids: Iterable[str], change: Callable[[str, Marks], Marks], label: str
    ) -> list[str]:
        """Change marks under the lock: the new states, then the undo step.

        One call is one undo step and one journal write (a transaction when it
        spans several lines), so a bulk action is undone, and survives a kill,
        as a whole.
        """
        wanted = list(dict.fromkeys(ids))
        for i in wanted:
            self.row(i)

        def do() -> list[str]:
            before, after = self._marks.diff(wanted, change)
            if not after:
                return []
            changed = self._marks.set_many(after)
            try:
                self._undo.push(label, before)
            except LibraryError as exc:
                raise LibraryError(f"the change was saved but cannot be undone: {exc}") from exc
            return changed

        return self._write_locked(do)

    def set_bookmarked(self, ids: Iterable[str], on: bool = True) -> list[str]:
        label = "bookmark" if on else "remove bookmark"
        return self._update_marks(ids, lambda _i, m: replace(m, bookmarked=on), label)

    def set_read(self, ids: Iterable[str], read: bool = True) -> list[str]:
        label = "mark read" if read else "mark unread"
        return self._update_marks(ids, lambda _i, m: replace(m, read=read), label)

    def toggle_bookmark(self, entry_id: str) -> bool:
        """Flip one bookmark; returns the new state (decided under the lock)."""
        state: list[bool] = []

        def change(_eid: str, m: Marks) -> Marks:
            state.append(not m.bookmarked)
            return replace(m, bookmarked=not m.bookmarked)

        self._update_marks([entry_id], change, "bookmark")
        return state[0] if state else self.marks(entry_id).bookmarked

    def add_tags(self, ids: Iterable[str], tags: Sequence[str]) -> list[str]:
        """Add user tags; a tag the user had removed from the auto tags comes back."""

        def change(_eid: str, m: Marks) -> Marks:
            user = tuple(dict.fromkeys((*m.user_tags, *tags)))
            removed = tuple(t for t in m.removed_auto if t not in tags)
            return replace(m, user_tags=user, removed_auto=removed)

        return self._update_marks(ids, change, "tag " + ", ".join(tags))

    def remove_tags(self, ids: Iterable[str], tags: Sequence[str]) -> list[str]:
        """Remove tags: user tags are dropped, auto tags are hidden for good."""
        wanted = list(dict.fromkeys(ids))
        autos = {i: set(self.row(i).auto_tags) for i in wanted}

        def change(eid: str, m: Marks) -> Marks:
            user = tuple(t for t in m.user_tags if t not in tags)
            hide = [t for t in tags if t in autos[eid] and t not in m.removed_auto]
            return replace(m, user_tags=user, removed_auto=(*m.removed_auto, *hide))

        return self._update_marks(wanted, change, "untag " + ", ".join(tags))

    def undo_steps(self) -> list[UndoStep]:
        """What ``undo`` can take back, oldest first."""
        return self._undo.steps()

    def undo(self) -> UndoStep | None:
        """Put back the marks and state the last change replaced (None: nothing to undo)."""

        def do() -> UndoStep | None:
            if not (steps := self._undo.steps()):
                return None
            last = steps[-1]
            self._marks.set_many(dict(last.before))
            for name, replaced in last.tables.items():
                self.state_table(name).restore(replaced)
            self._undo.mark_undone(last.n)
            return last

        return self._write_locked(do)

    # -- small side files (word index manifest, topic state) -----------------
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

    # -- state tables (TinyDB: store.storage.state) --------------------------
    def state_table(self, name: str) -> StateTable:
        """A named key-value table of small state (saved searches, mute rules...)."""
        return StateTable(self.dir, name, self._write_locked, self._undo)

    def ui_state(self) -> dict[str, Any]:
        """The UI's settings (theme, keymap...): {} when none were saved."""
        return self.state_table("ui").items()

    def update_ui_state(self, fn: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
        """Change the UI's settings under the lock (``fn`` gets a copy, returns the new)."""
        return self.state_table("ui").update(fn)

    def feed_states(self) -> dict[str, dict[str, Any]]:
        """Per-feed fetch state keyed by URL (etag, last_modified, body hash, errors)."""
        with self._tlock:
            return read_feed_states(self.dir)

    def save_feed_states(self, states: dict[str, dict[str, Any]]) -> None:
        """Upsert the given feeds' states (one write); other feeds are kept."""
        self._write_locked(lambda: save_feed_states(self.dir, states))
