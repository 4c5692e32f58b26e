"""The journal of entries stored but not derived yet (``pending.json``).

A refresh or ingest commits entries as soon as they are parsed, readable at
once, and derives them (tags, word index, re-tags) after, a chunk at a time.
This file names what is still owed, in the chunks the run met them in (so the
derivation tags the same groups the direct path would), and which ids were
new to the library (the tagging's document-frequency ceiling counts only
derived entries). It is written atomically under ``Library.writing()`` in the
same session as the entries, so a kill at any moment leaves either the entries
and their journal or neither; a library without the file has nothing pending.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from store.errors import LibraryError
from store.storage.atomic import write_bytes_atomic
from store.storage.library import Library

__all__ = ["Pending", "add_pending", "begin_chunk", "drop_chunk", "read_pending"]

FILE = "pending.json"


@dataclass
class Pending:
    """Chunks of ids owed a derivation, oldest first, and the ids new to the library."""

    chunks: list[list[str]] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    # the tagging state (a side file) as it was before the first chunk's
    # derivation began: a kill in the middle of a chunk restarts it from there
    before: Any = None

    @property
    def ids(self) -> set[str]:
        return {i for c in self.chunks for i in c}

    def __len__(self) -> int:
        return sum(len(c) for c in self.chunks)

    def without(self, ids: Sequence[str]) -> Pending:
        """The journal once ``ids`` are derived (what ``drop_chunk`` writes)."""
        gone = set(ids)
        chunks = [c2 for c in self.chunks if (c2 := [i for i in c if i not in gone])]
        return Pending(chunks, [i for i in self.new if i not in gone])


def read_pending(lib: Library) -> Pending:
    """The journal as stored (an unreadable one counts as empty: derivation is redone by doctor)."""
    try:
        raw = json.loads((lib.dir / FILE).read_bytes())
        chunks = [list(map(str, c)) for c in raw["chunks"]]
        return Pending(chunks, list(map(str, raw["new"])), raw.get("before"))
    except (OSError, ValueError, KeyError, TypeError):
        return Pending()


def _write(lib: Library, p: Pending) -> None:
    path = lib.dir / FILE
    if not p.chunks:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:  # pragma: no cover - a read-only library
            raise LibraryError(f"cannot write {path}: {exc.strerror or exc}") from exc
        return
    doc: dict[str, Any] = {"chunks": p.chunks, "new": p.new}
    if p.before is not None:
        doc["before"] = p.before
    data = json.dumps(doc, separators=(",", ":"))
    write_bytes_atomic(path, data.encode("utf-8"))


def add_pending(lib: Library, chunks: Sequence[Sequence[str]], new: Sequence[str]) -> None:
    """Append chunks to the journal; an id keeps only its last chunk (its final copy)."""
    with lib.writing():
        p = read_pending(lib)
        later: set[str] = set()
        kept: list[list[str]] = []
        for c in reversed([*p.chunks, *map(list, chunks)]):
            c2 = [i for i in dict.fromkeys(c) if i not in later]
            later.update(c2)
            if c2:
                kept.append(c2)
        p.chunks = kept[::-1]
        p.new = list(dict.fromkeys([*p.new, *new]))
        _write(lib, p)


def begin_chunk(lib: Library, side_file: str) -> Pending:
    """Before deriving the first chunk: keep (or, after a kill, put back) ``side_file``.

    The derivation of a chunk updates that state and then the rows; a kill in
    between must not let the retry start from a state that already counted the
    chunk, so the state it began from is journalled first and restored on a
    retry. The caller holds the lock.
    """
    p = read_pending(lib)
    if p.before is None:
        p.before = {"state": lib.read_sidecar(side_file)}
        _write(lib, p)
    elif p.before.get("state") is not None:
        lib.write_sidecar(side_file, p.before["state"])
    else:
        with contextlib.suppress(FileNotFoundError):
            (lib.dir / side_file).unlink()
    return p


def drop_chunk(lib: Library, ids: Sequence[str]) -> None:
    """Remove derived ids from the journal (the caller holds the lock)."""
    _write(lib, read_pending(lib).without(ids))
