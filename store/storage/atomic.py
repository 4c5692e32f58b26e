"""Crash-safe file writes and TinyDB storage built on them.

A crash (even SIGKILL or power loss after fsync) leaves either the old or the
new file, never a torn one: data goes to a temp file in the same directory, is
fsynced, renamed over the target, and the directory is fsynced.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from store.errors import LibraryError


def fsync_dir(path: Path) -> None:
    """Make the renames done in ``path`` durable (also after ``sync_dir=False`` writes)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically; the old file stays on any failure.

    ``sync_dir=False`` leaves the directory's fsync to the caller, who writes
    many files there and calls ``fsync_dir`` once before anything that must
    not become durable ahead of them (one directory fsync instead of hundreds).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise LibraryError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if sync_dir:
        fsync_dir(path.parent)


def dump_json(data: Any) -> bytes:
    return json_text(data).encode("utf-8")


def json_text(data: Any) -> str:
    """The one JSON form of every library file (compact, UTF-8 as is)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def read_json(path: Path, *, what: str = "library file") -> Any:
    """Read a JSON file; a damaged one raises LibraryError naming it (never rewritten)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise LibraryError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise LibraryError(
            f"{what} {path} is empty or damaged; it was left untouched "
            "(run `digest-tui doctor` to see the options)"
        )
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LibraryError(
            f"{what} {path} is damaged ({exc.__class__.__name__}); it was left untouched "
            "(run `digest-tui doctor` to see the options)"
        ) from exc


class AtomicJSONStorage(Storage):
    """TinyDB storage whose every write is atomic and whose reads refuse damage.

    TinyDB's stock JSONStorage truncates and rewrites in place, so a crash mid-
    write loses the whole table; and it would happily overwrite a damaged file.
    """

    def __init__(self, path: str | os.PathLike[str], **_: Any) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        data = read_json(self.path)
        if data is not None and not isinstance(data, dict):
            raise LibraryError(f"library file {self.path} is damaged (not a table map)")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_bytes_atomic(self.path, dump_json(data))

    def close(self) -> None:
        pass


class BatchJSONStorage(AtomicJSONStorage):
    """AtomicJSONStorage for a batch of Table operations: one read, one write.

    TinyDB reads and rewrites the whole file for every operation; a batch of
    upserts on a shard or a state table would write it once per document (and
    fsync each time). This storage reads the file on first use, keeps TinyDB's
    writes in memory, and ``flush`` writes the final state once, atomically.
    ``sync_dir=False`` leaves the directory fsync to a caller writing many files.
    """

    def __init__(self, path: str | os.PathLike[str], *, sync_dir: bool = True, **_: Any) -> None:
        super().__init__(path)
        self.sync_dir = sync_dir
        self._data: dict[str, dict[str, Any]] | None = None
        self._loaded = False
        self._dirty = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        if not self._loaded:
            self._data, self._loaded = super().read(), True
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data, self._loaded, self._dirty = data, True, True

    def flush(self) -> None:
        """Write what the batch changed (nothing if it changed nothing)."""
        if self._dirty and self._data is not None:
            # "replace": a lone surrogate (clean_text drops them; this is a last
            # guard) must not fail a save after other files were already renamed
            data = json_text(self._data).encode("utf-8", "replace")
            write_bytes_atomic(self.path, data, sync_dir=self.sync_dir)
            self._dirty = False


@contextlib.contextmanager
def batch_db(path: Path, *, sync_dir: bool = True) -> Iterator[TinyDB]:
    """A TinyDB on ``path`` whose operations inside the block commit as one atomic write.

    The write happens only when the block ends without an exception: a batch
    that fails half-way leaves the file as it was.
    """
    db = TinyDB(path, storage=BatchJSONStorage, sync_dir=sync_dir)
    storage = db.storage
    assert isinstance(storage, BatchJSONStorage)
    yield db
    storage.flush()


def open_db(path: Path) -> TinyDB:
    """A TinyDB on ``path`` for reading (damage raises LibraryError, nothing is written)."""
    return TinyDB(path, storage=AtomicJSONStorage)
