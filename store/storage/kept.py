"""Kept points: the key points and detail bullets the user keeps (highlights).

Why a file of its own (``kept.json``) and not a state table in tables.json:
kept points are the user's writing, they grow with use (thousands), and the
reader asks for one entry's on every open. Apart from tables.json a settings
change never rewrites them and damage to one file loses only that file; and
one file of records is read once and cached by its stamp (inode, size,
mtime), so the reader's question costs a dict lookup.

The file is ``{"v": 1, "points": [record, ...]}`` in the order points were
kept; a record is ``{"entry", "text", "note", "kept_at", "orphaned"}``. A point
is named by its entry id and its text, never by a position: a re-ingest may
reorder or rewrite an entry's points, and the id survives re-ingest (identity
folding, ``store.sync.batch``). Every write is a read-modify-write under the
library's write lock (``Library.update_sidecar``: atomic rename, directory
fsynced), so a kill leaves the old file or the new one and two processes never
lose each other's points. A damaged file raises and is never written over.

Re-ingest re-attaches (``reattach``): a kept text still among the entry's
points stays; one whose wording changed only in case, spacing, quotes or
punctuation takes the new wording; one that is gone is kept, ``orphaned``,
and is attached again if a later version brings the text back. Nothing the
user kept is ever dropped but by ``unkeep``.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from store.errors import LibraryError
from store.models import Entry, Section
from store.storage.library import Library

__all__ = [
    "KEPT_NAME",
    "Kept",
    "entry_points",
    "keep",
    "kept_of",
    "kept_all",
    "reattach",
    "same_words",
    "unkeep",
]

KEPT_NAME = "kept.json"
VERSION = 1
_CACHE_KEY = "kept.points"
_LOCK = threading.Lock()
_NOT_WORD = re.compile(r"[\W_]+")
T = TypeVar("T")
Change = Callable[[list["Kept"]], tuple[list["Kept"] | None, T]]


@dataclass(frozen=True, slots=True)
class Kept:
    """One stored kept point (the library's record; ``store.views.KeptPoint`` is the view)."""

    entry: str
    text: str
    note: str
    kept_at: str  # ISO-8601 UTC
    orphaned: bool = False  # its text is no longer among the entry's points

    def to_json(self) -> dict[str, Any]:
        return {
            "entry": self.entry,
            "text": self.text,
            "note": self.note,
            "kept_at": self.kept_at,
            "orphaned": self.orphaned,
        }


@dataclass(frozen=True, slots=True)
class _Cached:
    stamp: tuple[int, int, int] | None
    points: tuple[Kept, ...]
    by_entry: dict[str, tuple[Kept, ...]]


def entry_points(entry: Entry) -> list[str]:
    """The texts a user can keep, in reading order: key points, then detail bullets."""
    return list(dict.fromkeys([*entry.key_points, *_bullets(entry.sections)]))


def _bullets(sections: Iterable[Section]) -> Iterator[str]:
    for s in sections:
        yield from s.bullets
        yield from _bullets(s.sections)


def same_words(text: str) -> str:
    """A text reduced to its words (casefolded, NFKC): "It's  done." == "its done"."""
    return " ".join(_NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


# -- reading ---------------------------------------------------------------------


def _stamp(lib: Library) -> tuple[int, int, int] | None:
    try:
        st = os.stat(lib.dir / KEPT_NAME)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LibraryError(f"cannot read {lib.dir / KEPT_NAME}: {exc.strerror}") from exc
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _parse(lib: Library, data: Any) -> list[Kept]:
    """The records of a file's JSON (None: no file yet); a wrong shape raises."""
    if data is None:
        return []
    points = data.get("points") if isinstance(data, dict) else None
    if not isinstance(points, list):
        raise LibraryError(
            f"library file {lib.dir / KEPT_NAME} is damaged (no list of points); it was left "
            "untouched"
        )
    out = []
    for d in points:
        try:
            out.append(
                Kept(
                    entry=_str(d["entry"]),
                    text=_str(d["text"]),
                    note=_str(d.get("note", "")),
                    kept_at=_str(d.get("kept_at", "")),
                    orphaned=bool(d.get("orphaned", False)),
                )
            )
        except (KeyError, TypeError, ValueError):
            raise LibraryError(
                f"library file {lib.dir / KEPT_NAME} is damaged (a point is not a record); "
                "it was left untouched"
            ) from None
    return out


def _str(x: Any) -> str:
    if not isinstance(x, str):
        raise ValueError("not a string")
    return x


def _cached(lib: Library) -> _Cached:
    """The file's records, parsed once per change of the file (any process's)."""
    with _LOCK:
        stamp = _stamp(lib)
        got: _Cached | None = lib.caches.get(_CACHE_KEY)
        if got is not None and got.stamp == stamp:
            return got
        points = tuple(_parse(lib, lib.read_sidecar(KEPT_NAME))) if stamp is not None else ()
        by_entry: dict[str, list[Kept]] = {}
        for k in points:
            by_entry.setdefault(k.entry, []).append(k)
        got = _Cached(stamp, points, {e: tuple(ks) for e, ks in by_entry.items()})
        lib.caches[_CACHE_KEY] = got
        return got


def kept_all(lib: Library) -> tuple[Kept, ...]:
    """Every kept point, in the order they were kept."""
    return _cached(lib).points


def kept_of(lib: Library, entry_id: str) -> tuple[Kept, ...]:
    """One entry's kept points (cheap: the reader asks on every open)."""
    return _cached(lib).by_entry.get(entry_id, ())


# -- writing ---------------------------------------------------------------------


def _update(lib: Library, change: Change[T]) -> T:
    """Run ``change(points) -> (new points | None, result)`` under the lock; write if new.

    Decided on the file as it is under the lock (another process may just have
    written it); a change that changes nothing writes nothing.
    """
    with lib.writing():
        new, result = change(_parse(lib, lib.read_sidecar(KEPT_NAME)))
        if new is not None:
            lib.write_sidecar(KEPT_NAME, {"v": VERSION, "points": [k.to_json() for k in new]})
    return result


def keep(lib: Library, entry_id: str, text: str, note: str = "") -> bool:
    """Keep a point; True when newly kept. A kept one gets ``note`` (its time stays)."""
    lib.row(entry_id)  # NotFound for an unknown id, before any write
    when = datetime.now(UTC).isoformat(timespec="seconds")

    def change(points: list[Kept]) -> tuple[list[Kept] | None, bool]:
        for i, k in enumerate(points):
            if k.entry == entry_id and k.text == text:
                if k.note == note:
                    return None, False
                points[i] = Kept(k.entry, k.text, note, k.kept_at, k.orphaned)
                return points, False
        return [*points, Kept(entry_id, text, note, when)], True

    return _update(lib, change)


def unkeep(lib: Library, entry_id: str, text: str) -> bool:
    """Let a kept point go; True when it was kept."""

    def change(points: list[Kept]) -> tuple[list[Kept] | None, bool]:
        rest = [k for k in points if not (k.entry == entry_id and k.text == text)]
        return (rest, True) if len(rest) != len(points) else (None, False)

    return _update(lib, change)


def reattach(lib: Library, entries: Iterable[Entry]) -> int:
    """After new content for these entries: re-attach their kept points (see the module doc).

    Returns how many records changed. Costs nothing for entries without kept
    points (a dict lookup each), so every save can call it.
    """
    kept = _cached(lib).by_entry
    mine = {e.id: e for e in entries if e.id in kept}
    if not mine:
        return 0
    texts = {eid: entry_points(e) for eid, e in mine.items()}

    def change(points: list[Kept]) -> tuple[list[Kept] | None, int]:
        taken = {(k.entry, k.text) for k in points}
        n = 0
        out = []
        for k in points:
            new = _reattached(k, texts[k.entry], taken) if k.entry in texts else k
            if new != k:
                n += 1
                taken.add((new.entry, new.text))
            out.append(new)
        return (out, n) if n else (None, 0)

    return _update(lib, change)


def _reattached(k: Kept, texts: list[str], taken: set[tuple[str, str]]) -> Kept:
    """``k`` against the entry's points now (``taken``: texts kept already, never doubled)."""
    if k.text in texts:
        return Kept(k.entry, k.text, k.note, k.kept_at) if k.orphaned else k
    words = same_words(k.text)
    for t in texts:
        if words and same_words(t) == words and (k.entry, t) not in taken:
            return Kept(k.entry, t, k.note, k.kept_at)
    return k if k.orphaned else Kept(k.entry, k.text, k.note, k.kept_at, True)
