"""Small mutable state in TinyDB tables, changed by real upserts.

Two TinyDB files, apart from content so that a settings change never rewrites
an entry, and apart from each other so that damage to one loses little:

* ``feeds.json``: table ``feeds``, one document per feed URL (etag,
  last_modified, body hash, errors...), written by every refresh;
* ``tables.json``: key-value tables for everything else that is small and
  changes: ``ui`` (theme, keymap), ``flags`` (the first-run samples flag), and
  whatever later issues add (saved searches, mute rules, an undo log) through
  ``StateTable``: one document ``{"key": k, "value": v}`` per key.

Older releases kept the UI settings in ``ui.json`` and the flags in
``state.json``: until a table is first written, reading it falls back to its
old file; the first write copies the old file's keys in and then removes it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import Query
from tinydb.operations import delete
from tinydb.table import Table

from store.errors import LibraryError
from store.storage.atomic import batch_db, open_db, read_json
from store.storage.undo import UndoLog

Locked = Callable[[Callable[[], Any]], Any]  # Library._write_locked

FEEDS_NAME = "feeds.json"
FEEDS_TABLE = "feeds"
TABLES_NAME = "tables.json"
# table -> the side file an older release kept it in
LEGACY_FILES = {"ui": "ui.json", "flags": "state.json"}


def _replace_doc(table: Table, cond: Any, doc: dict[str, Any], old: dict[str, Any] | None) -> None:
    """Make the document matching ``cond`` exactly ``doc``: an upsert, then drop stale fields."""
    table.upsert(doc, cond)
    for name in set(old or ()) - set(doc):
        table.update(delete(name), cond)


# -- feed fetch state ------------------------------------------------------


def read_feed_states(directory: Path) -> dict[str, dict[str, Any]]:
    """Per-feed fetch state keyed by URL (damage raises LibraryError)."""
    path = directory / FEEDS_NAME
    table = open_db(path).table(FEEDS_TABLE)
    raw = table.storage.read()
    if raw is not None and not isinstance(raw.get(FEEDS_TABLE, {}), dict):
        raise LibraryError(f"library file {path} is damaged (no feeds table)")
    return {d["url"]: dict(d) for d in table if isinstance(d.get("url"), str)}


def save_feed_states(directory: Path, states: dict[str, dict[str, Any]]) -> None:
    """Upsert the given feeds' states, one document per URL (caller holds the lock).

    Each given state replaces that feed's document; other feeds are kept. One
    read and one atomic write however many feeds change.
    """
    old = read_feed_states(directory)
    with batch_db(directory / FEEDS_NAME) as db:
        table = db.table(FEEDS_TABLE)
        for url, state in states.items():
            _replace_doc(table, Query().url == url, {**state, "url": url}, old.get(url))


# -- key-value tables --------------------------------------------------------


class StateTable:
    """One named key-value table in tables.json (values: any JSON).

    Reads take no lock and see the last committed write; every write runs under
    the library's write lock (``locked``), so two processes never lose each
    other's changes.
    """

    def __init__(
        self, directory: Path, name: str, locked: Locked, undo: UndoLog | None = None
    ) -> None:
        self.directory = directory
        self.name = name
        self._locked = locked
        self._undo = undo

    @property
    def path(self) -> Path:
        return self.directory / TABLES_NAME

    def _legacy(self) -> dict[str, Any]:
        """The keys of the side file an older release kept this table in ({} if none)."""
        old = LEGACY_FILES.get(self.name)
        if old is None:
            return {}
        data = read_json(self.directory / old, what="library side file")
        return dict(data) if isinstance(data, dict) else {}

    def items(self) -> dict[str, Any]:
        """Every key and its value."""
        db = open_db(self.path)
        if self.name not in db.tables():
            return self._legacy()
        return _items(_checked(self.path, db.table(self.name)))

    def get(self, key: str, default: Any = None) -> Any:
        db = open_db(self.path)
        if self.name not in db.tables():
            return self._legacy().get(key, default)
        doc = _checked(self.path, db.table(self.name)).get(Query().key == key)
        return default if doc is None else doc.get("value")

    def set(self, key: str, value: Any) -> None:
        """Upsert one key."""
        self.update(lambda items: {**items, key: value})

    def update(
        self, fn: Callable[[dict[str, Any]], dict[str, Any]], label: str | None = None
    ) -> dict[str, Any]:
        """Read-modify-write the whole table under the lock; returns the new items.

        Keys whose value changed are upserted, keys ``fn`` dropped are removed:
        one read and one atomic write of tables.json. The first write of a table
        an older release kept in a side file takes that file's keys over.

        With a ``label`` (a user's change: a saved search, a mute rule) the keys
        it replaced go to the undo log as one step, written after the table, as
        for marks: ``u`` takes a mute back like a mark.
        """

        def do() -> dict[str, Any]:
            old_file = LEGACY_FILES.get(self.name)
            legacy = self.directory / old_file if old_file else None
            with batch_db(self.path) as db:
                fresh = self.name not in db.tables()
                table = _checked(self.path, db.table(self.name))
                current = self._legacy() if fresh else _items(table)
                new = fn(dict(current))
                if fresh:
                    table.truncate()  # creates the table: from now on it is the truth
                    current = {}
                for key, value in new.items():
                    if key not in current or current[key] != value:
                        table.upsert({"key": key, "value": value}, Query().key == key)
                gone = [k for k in current if k not in new]
                if gone:
                    table.remove(Query().key.one_of(gone))
            if fresh and legacy is not None and legacy.exists():
                # its keys are durably in tables.json now (atomic write, dir fsynced)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(legacy)
            changed = [k for k in {**current, **new} if current.get(k, _NONE) != new.get(k, _NONE)]
            if label is not None and self._undo is not None and changed:
                replaced = {k: ({"v": current[k]} if k in current else {}) for k in changed}
                self._undo.push(label, {}, {self.name: replaced})
            return new

        result: dict[str, Any] = self._locked(do)
        return result

    def restore(self, replaced: dict[str, dict[str, Any]]) -> None:
        """Put back keys an undo step recorded (``{"v": old}``, or ``{}``: drop the key)."""

        def put_back(items: dict[str, Any]) -> dict[str, Any]:
            for key, old in replaced.items():
                if "v" in old:
                    items[key] = old["v"]
                else:
                    items.pop(key, None)
            return items

        self.update(put_back)


_NONE = object()  # a key's value before it existed (never equal to a JSON value)


def _items(table: Table) -> dict[str, Any]:
    return {d["key"]: d.get("value") for d in table if isinstance(d.get("key"), str)}


def _checked(path: Path, table: Table) -> Table:
    """``table`` after checking its file is a map of tables (damage raises)."""
    raw = table.storage.read()
    if raw is not None and not all(isinstance(t, dict) for t in raw.values()):
        raise LibraryError(f"library file {path} is damaged (a table is not a map)")
    return table
