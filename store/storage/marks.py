"""The user's marks (read, bookmarked, user tags, removed auto tags).

Marks are the one thing a user cannot get back by refreshing, and they change
on every keystroke, so they live apart from content in an append-only journal:

* a change is one ``write()`` of whole JSON lines to a file opened O_APPEND,
  then fsync, under the library's write lock: O(1) however large the library,
  and a process killed at any moment leaves every acknowledged mark on disk;
* each line carries the *full* new state of the entries it names (computed
  under the lock after catching up with the journal), so replay is "last line
  wins" and two processes never lose each other's updates;
* readers replay incrementally from the last offset they saw;
* the journal is compacted (atomically rewritten) when it is mostly history;
* states without tags (read, bookmarked, both, neither: nearly all of them)
  are written as id lists under one key per state (``"#r": [ids]``), not one
  record per id, so a library with 300k read marks replays in a few ms of C
  (``dict.fromkeys``) instead of 0.4 s of per-id records;
* a change that takes more than one line (a bulk action: "mark all read" over a
  view of thousands) is a transaction: its lines carry one ``"#t"`` token and the
  last one ``"#end"``; replay applies them only when the end is there, so a
  process killed half-way leaves all of the change or none of it.

A line that does not parse means the file was damaged by hand or by the disk:
we refuse to guess and raise a clear error, leaving the file untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from store.errors import LibraryError
from store.models import EMPTY_MARKS, Marks, Row
from store.storage.atomic import write_bytes_atomic
from store.storage.rows import paused_gc

JOURNAL_NAME = "marks.jsonl"
LINE_IDS = 50  # ids per journal line: ~1-2 kB, under a page
TXN, TXN_END = "#t", "#end"  # keys of transaction lines; entry ids never start with "#"
LINE_BYTES = 3800  # a line of plain states holds ids up to this many bytes: under a page


def _marks_to_json(m: Marks) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if m.read:
        d["r"] = 1
    if m.bookmarked:
        d["b"] = 1
    if m.user_tags:
        d["u"] = list(m.user_tags)
    if m.removed_auto:
        d["x"] = list(m.removed_auto)
    return d


# Marks are immutable: the four without tags are shared, not rebuilt for
# every journal record (a large library opens with tens of thousands of them).
_PLAIN = {(r, b): Marks(read=r, bookmarked=b) for r in (False, True) for b in (False, True)}
# the key of each plain state's id list in a journal line ("#-": none of the marks)
PLAIN_KEYS = {"#r": _PLAIN[True, False], "#b": _PLAIN[False, True], "#rb": _PLAIN[True, True]}
PLAIN_KEYS["#-"] = _PLAIN[False, False]
_KEY_OF = {m: k for k, m in PLAIN_KEYS.items()}


def _is_plain(m: Marks) -> bool:
    return not m.user_tags and not m.removed_auto


def plain_ids(rec: dict[str, Any], key: str) -> list[str]:
    """The ids of one plain state's list in a line (ValueError: not a list of ids)."""
    ids = rec.pop(key)
    # checked in C (types as a set, the empty id by one scan): a per-id check in
    # Python was a fifth of opening a library with 300k read marks
    if type(ids) is not list or set(map(type, ids)) - {str} or "" in ids:
        raise ValueError(f"{key} is not a list of entry ids")
    return ids


def encode_records(new: dict[str, Marks]) -> list[dict[str, Any]]:
    """Journal records holding these states: plain ones as id lists, each line under a page.

    Also what ``compact`` writes, so a compacted journal of 300k read marks is
    ~1,200 short lines of ids.
    """
    by_key: dict[str, list[str]] = {}
    tagged: list[tuple[str, Marks]] = []
    for eid, m in new.items():
        if _is_plain(m):
            by_key.setdefault(_KEY_OF[m], []).append(eid)
        else:
            tagged.append((eid, m))
    out: list[dict[str, Any]] = []
    for key, ids in by_key.items():
        start, size = 0, 0
        for i, eid in enumerate(ids):
            size += len(eid.encode("utf-8")) + 3  # its quotes and comma
            if size > LINE_BYTES and i > start:
                out.append({key: ids[start:i]})
                start, size = i, len(eid.encode("utf-8")) + 3
        out.append({key: ids[start:]})
    for i in range(0, len(tagged), LINE_IDS):
        out.append({k: _marks_to_json(v) for k, v in tagged[i : i + LINE_IDS]})
    return out


def _lines(records: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records]


def _marks_from_json(d: dict[str, Any]) -> Marks:
    u, x = d.get("u"), d.get("x")
    if not u and not x:
        return _PLAIN[bool(d.get("r")), bool(d.get("b"))]
    return Marks(
        read=bool(d.get("r")),
        bookmarked=bool(d.get("b")),
        user_tags=tuple(u or ()),
        removed_auto=tuple(x or ()),
    )


class MarksJournal:
    """In-memory view of the journal plus the means to append to it."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / JOURNAL_NAME
        self._marks: dict[str, Marks] = {}
        self._offset = 0
        self._ino: int | None = None
        self._lines = 0
        # transactions not yet ended: (plain states, tagged states) held so far
        self._pending: dict[str, tuple[dict[str, Marks], dict[str, Marks]]] = {}
        self._tagged: set[str] = set()  # ids whose marks have user or removed tags
        self.torn_tail = False
        self._tag_changes = 0  # bumped when a user tag or a removed auto tag changes
        self._snapshot: dict[str, Marks] | None = None  # a copy of _marks, until it changes
        self._crc = 0  # crc32 of the journal's bytes up to _offset (markscache checks it)
        # a start on the first page: the marks of its entries only (``defer``), until
        # anything asks for more; then the whole journal is read (``_whole``)
        self._view: MarksJournal | None = None
        self._whole_lock = threading.Lock()

    # -- reading -----------------------------------------------------------
    @property
    def stamp(self) -> tuple[int, int | None]:
        """A token that changes whenever the journal does (its read offset and inode).

        Readers that cache something derived from marks compare stamps instead of
        reaching into the journal's private state. While only the first page's
        marks are read (``defer``), the view's: where its read of the journal ended.
        """
        view = self._view
        return view.stamp if view is not None else (self._offset, self._ino)

    @property
    def tag_stamp(self) -> tuple[int, int | None]:
        """A token that changes only when some entry's user or removed tags do.

        Reading an entry writes a read mark; what is derived from tags alone (the
        tag postings of a 100k library) keys on this instead of ``stamp``, so it
        is not rebuilt after every read.
        """
        self._whole()
        return (self._tag_changes, self._ino)

    # -- the first page's marks only ----------------------------------------
    def defer(self, view: MarksJournal) -> None:
        """Answer from ``view`` (the first page's marks, ``markscache.load_view``) for
        now: a start reads the whole journal only when something asks for more.

        Why: at 300k marks the whole replay is ~0.2 s of a 500k library's first
        screen, which shows a page of the newest entries.
        """
        self._view = view

    def page_marks(self) -> tuple[dict[str, Marks], tuple[int, int | None]] | None:
        """The deferred view's marks (exact for the first page's entries; callers
        must not change them) and the stamp they are at, read together; None once
        the whole journal is read."""
        view = self._view
        return (view._marks, view.stamp) if view is not None else None

    def _whole(self) -> None:
        """Read the whole journal if only a view of it was read (once, by one thread)."""
        if self._view is None:
            return
        with self._whole_lock:
            if self._view is not None:
                with paused_gc():  # 300k marks: a third faster
                    self._read_new()
                self._view = None

    def restricted(self, ids: Iterable[str]) -> tuple[int, int, list[dict[str, Any]]]:
        """(offset, crc of the bytes before it, records): the state of these entries as
        journal records, what ``markscache`` keeps; transactions not yet ended are
        kept too (without their end), restricted the same way."""
        self._whole()
        want = set(ids)
        get = self._marks.get
        own = {i: m for i in want if (m := get(i, EMPTY_MARKS)) != EMPTY_MARKS}
        records = encode_records(own)
        for token, (plain, tagged) in self._pending.items():
            held = {i: m for d in (plain, tagged) for i, m in d.items() if i in want}
            records += [{TXN: token, **r} for r in encode_records(held)] if held else []
        return self._offset, self._crc, records

    @property
    def tail_lines(self) -> int:
        """Journal lines read since ``start_from`` (or since the start)."""
        return self._lines

    def start_from(
        self, ino: int | None, offset: int, crc: int, records: list[dict[str, Any]]
    ) -> None:
        """Take this state as the journal's up to ``offset`` (checked by the caller)."""
        for rec in records:
            self._apply(rec)
        self._ino, self._offset, self._crc = ino, offset, crc

    def catch_up(self) -> bool:
        """Apply lines written since we last looked (by us or another process).

        True if that changed anything (``stamp`` moved), so callers need not
        compare stamps themselves.
        """
        before = self.stamp
        self._whole()
        self._read_new()
        return self.stamp != before

    def _read_new(self) -> None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._tag_changes += bool(self._marks)
            self._snapshot = None
            self._marks.clear()
            self._tagged.clear()
            self._offset, self._ino, self._lines, self._crc = 0, None, 0, 0
            return
        except OSError as exc:
            raise LibraryError(f"cannot read {self.path}: {exc.strerror}") from exc
        if st.st_ino != self._ino or st.st_size < self._offset:
            # compacted or replaced by another process: replay from the start
            self._snapshot = None
            self._marks.clear()
            self._tagged.clear()
            self._pending.clear()
            self._offset, self._lines, self._crc = 0, 0, 0
            self._tag_changes += 1
            self._ino = st.st_ino
        if st.st_size == self._offset:
            return
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                chunk = f.read(st.st_size - self._offset)
        except OSError as exc:
            raise LibraryError(f"cannot read {self.path}: {exc.strerror}") from exc
        end = chunk.rfind(b"\n") + 1
        # Bytes after the last newline are the remnant of a write that was cut
        # short (power loss; a kill in the middle of a multi-page write) or of a
        # hand edit. That write was never acknowledged, so reading stops before
        # it and the library opens with every acknowledged mark. Appending after
        # it is refused until `doctor --repair` has cut it off (keeping a copy):
        # we never modify a damaged file on our own.
        self.torn_tail = end != len(chunk)
        for raw in chunk[:end].splitlines():
            if not raw.strip():
                continue
            try:
                self._apply(json.loads(raw))
            except (ValueError, AttributeError, TypeError) as exc:
                raise LibraryError(
                    f"marks file {self.path} has a damaged line; it was left untouched "
                    "(run `digest-tui doctor` to see the options)"
                ) from exc
            self._lines += 1
        self._offset += end
        self._crc = zlib.crc32(memoryview(chunk)[:end], self._crc)

    def _apply(self, rec: dict[str, Any]) -> None:
        """One journal line: marks now, or held until its transaction's last line."""
        token = rec.pop(TXN, None)
        end = rec.pop(TXN_END, None)
        held = None if token is None else self._pending.setdefault(str(token), ({}, {}))
        # a transaction's plain states go straight into what it holds: a bulk
        # change of 300k ids was copied twice more on its way there
        plain: dict[str, Marks] = {} if held is None else held[0]
        for key, state in PLAIN_KEYS.items():
            if key in rec:
                plain.update(dict.fromkeys(plain_ids(rec, key), state))
        tagged = {str(eid): _marks_from_json(m) for eid, m in rec.items()}
        if held is None:
            self._update(plain, tagged)
            return
        held[1].update(tagged)
        if end:
            self._update(*self._pending.pop(str(token)))

    def _update(self, plain: dict[str, Marks], tagged: dict[str, Marks]) -> None:
        """Take these states in (``plain``: without tags), noting whether any tag
        changed (``tag_stamp``): for plain states, whether any had tags before,
        asked of ``_tagged`` in C rather than of each id."""
        old = self._marks
        self._snapshot = None
        # the dict's key view against the small set: these iterate the set; the set's
        # own isdisjoint and difference_update walked every id of a 300k-id replay
        changed = not plain.keys().isdisjoint(self._tagged)
        for eid, m in tagged.items():
            if changed:
                break
            was = old.get(eid, EMPTY_MARKS)
            changed = m.user_tags != was.user_tags or m.removed_auto != was.removed_auto
        if old:
            old.update(plain)
        else:  # a replay from the start: the line's (or transaction's) own dict is the state
            self._marks = old = plain
        old.update(tagged)
        if self._tagged:
            self._tagged.difference_update(plain.keys() & self._tagged)
        for eid, m in tagged.items():
            if _is_plain(m):
                self._tagged.discard(eid)
            else:
                self._tagged.add(eid)
        self._tag_changes += changed

    def get(self, entry_id: str) -> Marks:
        self._whole()
        return self._marks.get(entry_id, EMPTY_MARKS)

    def all(self) -> dict[str, Marks]:
        self._whole()
        return self._marks

    def snapshot(self) -> dict[str, Marks]:
        """A copy of every mark, the same one until a mark changes (callers must not
        change it): a listing, the tag counts and the navigator asked for one each,
        and at 300k marks each copy was 10 MB."""
        self._whole()
        snap = self._snapshot
        if snap is None:
            snap = self._snapshot = dict(self._marks)
        return snap

    def share_ids(self, rows: Mapping[str, Row]) -> None:
        """Key the marks by the rows' own id strings, so an id is held once, not twice.

        The journal's ids are strings of their own, parsed from its lines: with
        the rows loaded after it (a first-page open), each marked id was kept
        twice (61 bytes each: 300k marks, 18 MB). Ids without a row stay as
        they are (a mark outlives its entry's removal).
        """
        self._whole()
        get = rows.get
        self._snapshot = None
        self._marks = {
            (r[0] if (r := get(k)) is not None else k): m for k, m in self._marks.items()
        }

    # -- writing (caller holds the write lock and has called catch_up) ------
    def diff(
        self, ids: Iterable[str], change: Callable[[str, Marks], Marks]
    ) -> tuple[dict[str, Marks], dict[str, Marks]]:
        """(current, changed) states of the ids that ``change`` alters."""
        self._whole()
        before: dict[str, Marks] = {}
        after: dict[str, Marks] = {}
        for eid in ids:
            old = self._marks.get(eid, EMPTY_MARKS)
            new = change(eid, old)
            if new != old:
                before[eid], after[eid] = old, new
        return before, after

    def set_many(self, states: dict[str, Marks]) -> list[str]:
        """Write these exact states (undo puts back what a change replaced)."""
        self._whole()
        new = {k: v for k, v in states.items() if self._marks.get(k, EMPTY_MARKS) != v}
        if new:
            self._append(new)
        return list(new)

    def _append(self, new: dict[str, Marks]) -> None:
        """Append the states in one go: one line, or one transaction of several."""
        # short lines (under a page each), written one by one below
        records = encode_records(new)
        if len(records) > 1:
            token = os.urandom(6).hex()
            records = [{TXN: token, **r} for r in records]
            records[-1][TXN_END] = 1
        lines = _lines(records)
        payload = ("\n".join(lines) + "\n").encode("utf-8")
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LibraryError(f"cannot write {self.path}: {exc.strerror}") from exc
        try:
            size = os.fstat(fd).st_size
            if self.torn_tail:
                raise LibraryError(
                    f"marks file {self.path} ends in a partial line (an interrupted write); "
                    "it was left untouched: run `digest-tui doctor --repair` to cut it off"
                )
            try:
                # one write per line: lines are kept under a page, so a kill
                # between pages can only fall between lines, never inside one
                for line in payload.splitlines(keepends=True):
                    if os.write(fd, line) != len(line):
                        raise OSError(28, "short write (disk full?)")
                os.fsync(fd)
            except OSError as exc:
                # leave the journal as it was: no half line for the next reader
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, size)
                raise LibraryError(f"cannot write {self.path}: {exc.strerror}") from exc
        finally:
            os.close(fd)
        self._update(
            {k: v for k, v in new.items() if _is_plain(v)},
            {k: v for k, v in new.items() if not _is_plain(v)},
        )
        # (were size not our offset, another writer's bytes would be missing from the
        # crc: a cache kept at this offset would then fail its check, never be misread)
        self._crc = zlib.crc32(payload, self._crc)
        self._offset = size + len(payload)
        self._lines += len(lines)
        if self._ino is None:
            self._ino = os.stat(self.path).st_ino
        live_lines = len(self._marks) // LINE_IDS + 1
        if self._lines > 1000 + 2 * live_lines:
            self.compact()

    def compact(self) -> None:
        """Rewrite the journal as the current state only (atomic rename)."""
        self._whole()
        lines = _lines(encode_records({k: v for k, v in self._marks.items() if v != EMPTY_MARKS}))
        payload = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
        write_bytes_atomic(self.path, payload)
        st = os.stat(self.path)
        self._ino, self._offset, self._lines = st.st_ino, st.st_size, len(lines)
        self._crc = zlib.crc32(payload)
