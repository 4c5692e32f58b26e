"""Derived side files held in memory: reloaded only when the file's stat changes.

Why one helper: derived data (content signatures in ``store.index.simstore``,
stories in ``store.index.stories``) lives in a JSON side file that every
process may extend, and each reader wants it parsed once, not per call. The
dance is the same everywhere: stat the file, keep the parsed value while the
stat is unchanged, reload (or extend the previous value) when another process
wrote, and after this process's own write, keep what it wrote without
parsing it back. ``store.index.wordindex`` still has its own copy of this
(its reader also stats each segment); it can move here when its owner
touches it next.

Derived data never stops a read: a damaged or unreadable side file loads as
absent (the owner recomputes it from content), and a library that cannot be
written (a read-only mount, a full disk, another writer holding the lock)
keeps the owner's new value in memory for this process (``update``) instead
of failing the read that needed it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from store.errors import LibraryError
from store.storage.library import Library

__all__ = ["Stamp", "cached", "forget", "kept", "stamp", "update"]

T = TypeVar("T")
Stamp = tuple[int, int, int] | None

_LOCK = threading.RLock()


def stamp(path: Path) -> Stamp:
    """What identifies one version of a file: inode, size, mtime (None: absent)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _key(name: str) -> str:
    return f"sidecar:{name}"


def cached(lib: Library, name: str, load: Callable[[Any, T | None], T]) -> T:
    """The value of side file ``name``: ``load(data, previous)``, cached until its stat changes.

    ``data`` is the parsed JSON, or None when the file is absent, damaged or
    unreadable; ``previous`` is the value cached before (None the first time),
    so an owner whose file only grows can extend it instead of starting over.
    The stat is taken before the read: a write in between shows as a change
    on the next call, never as a stale value kept.
    """
    with _LOCK:
        now = stamp(lib.dir / name)
        hit: tuple[Stamp, T] | None = lib.caches.get(_key(name))
        if hit is not None and hit[0] == now:
            return hit[1]
        try:
            data = lib.read_sidecar(name)
        except LibraryError:
            data = None
        value = load(data, None if hit is None else hit[1])
        lib.caches[_key(name)] = (now, value)
        return value


def kept(lib: Library, name: str, value: T, *, written: bool = True) -> T:
    """Cache ``value`` as side file ``name``'s: what this process just wrote (``written``),
    or what it derived and could not write (the file's old stat is kept, so the
    value stays until another process changes the file)."""
    with _LOCK:
        if written:
            now = stamp(lib.dir / name)
        else:
            hit: tuple[Stamp, Any] | None = lib.caches.get(_key(name))
            now = hit[0] if hit is not None else stamp(lib.dir / name)
        lib.caches[_key(name)] = (now, value)
        return value


def update(lib: Library, name: str, fn: Callable[[Any], Any]) -> tuple[Any, bool]:
    """``fn`` applied to the side file under the library's lock, and written.

    Returns (new data, True); when the library cannot be written, (what ``fn``
    returned if it ran, else None; False): the caller derives in memory
    what it could not keep and holds it with ``kept(..., written=False)``.
    A damaged file is derived data: ``fn`` gets None and its result replaces it.
    """
    new: Any = None
    try:
        with lib.writing():
            try:
                data = lib.read_sidecar(name)
            except LibraryError:
                data = None
            try:
                new = fn(data)  # an owner may write its own files here too
                lib.write_sidecar(name, new)
            except OSError as exc:
                raise LibraryError(f"cannot write {lib.dir / name}: {exc.strerror or exc}") from exc
        return new, True
    except LibraryError:
        return new, False


def forget(lib: Library, name: str) -> None:
    """Drop the cached value: the next ``cached`` call reloads the file."""
    with _LOCK:
        lib.caches.pop(_key(name), None)
