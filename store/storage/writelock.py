"""The library's write sessions: one thread lock and one inter-process file lock.

Apart from ``store.storage.library`` (which writes through them) because the
file lock is made on the first write, not when a library opens: opening reads
only, and filelock's import (~20 ms, with its logging and hashing modules) was
on the way to the UI's first screen, which writes nothing.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from store.errors import LibraryError
from store.storage import rows as index_file

if TYPE_CHECKING:
    from filelock import FileLock

__all__ = ["LOCK_NAME", "LOCK_TIMEOUT", "WriteSessions"]

LOCK_NAME = ".write.lock"
LOCK_TIMEOUT = 30.0  # a slow disk must not make a second writer give up at once

T = TypeVar("T")


class WriteSessions:
    """The ``Library`` part that serialises writes, in this process and across processes."""

    dir: Path
    index_path: Path
    _tlock: threading.RLock
    _index_stamp: index_file.Stamp | None
    _lock_file: FileLock | None = None

    def reload_if_changed(self) -> bool:
        raise NotImplementedError

    @property
    def _flock(self) -> FileLock:
        """The inter-process lock, made on first use (under ``_tlock``, as every write is)."""
        with self._tlock:
            if self._lock_file is None:
                from filelock import FileLock

                self._lock_file = FileLock(str(self.dir / LOCK_NAME), timeout=LOCK_TIMEOUT)
            return self._lock_file

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

    def _write_locked(self, fn: Callable[[], T]) -> T:
        from filelock import Timeout

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
