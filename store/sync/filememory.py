"""What each local file gave at its last ingest, so an unchanged file costs a stat.

A folder ingested again (``ingest FOLDER``, a refresh with ``paths:``) is
mostly files nobody touched. Reading and parsing each only to find every
entry already stored is most of such a run; a file whose stat is the same as
when its entries were saved, parsed by the same parser, gives the same
entries, so it is left unread.

The memory is derived data in ``files.json`` beside the library: per
resolved path, the file's stat (size, mtime, ctime, inode: ctime changes on
any write, even one that puts mtime back) and the ids of the entries it gave.
A file is skipped only while all those ids are still listed, and only under
the parser that wrote the memory (``parser_key``: a hash of the modules that
turn bytes into entries, so a release that parses differently reads every
file again). The memory is written after the entries' save: a crash in
between leaves it without the new files, which are then just read again. A
damaged or unreadable memory is no memory.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from store.errors import LibraryError
from store.storage.atomic import dump_json, write_bytes_atomic
from store.storage.library import Library

__all__ = ["NAME", "FileMemory", "FileStamp", "file_stamp", "parser_key"]

NAME = "files.json"
FileStamp = tuple[int, int, int, int]

# the modules whose code decides what a file's bytes become
_PARSER_PARTS = ("parse", "text", "sync/entries.py", "models.py")


@functools.cache
def parser_key() -> str:
    """A hash of the parser's source: any change to it reads every file again."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for part in _PARSER_PARTS:
        p = root / part
        for f in sorted(p.rglob("*.py")) if p.is_dir() else [p]:
            h.update(f.relative_to(root).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def file_stamp(path: Path) -> FileStamp | None:
    """What changes whenever a file's content may have (None: cannot stat)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _key(path: Path) -> str:
    return str(path.resolve())


class FileMemory:
    """The memory of one library, read once per ingest and written after its save."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self.files = _read(lib.dir / NAME)
        self.learnt: dict[str, list[object]] = {}

    def unchanged(self, path: Path, stamp: FileStamp | None) -> list[str] | None:
        """The ids ``path`` gave, if it is as it was then and they are all listed."""
        if stamp is None:
            return None
        got = self.files.get(_key(path))
        if not got or tuple(got[:4]) != stamp:
            return None
        ids = [str(i) for i in got[4:]]
        return ids if all(i in self.lib for i in ids) else None

    def learn(self, path: Path, stamp: FileStamp | None, ids: Iterable[str]) -> None:
        """``path`` (stat ``stamp`` before it was read) gave these entries."""
        if stamp is not None:
            self.learnt[_key(path)] = [*stamp, *ids]

    def save(self) -> None:
        """Merge what this run learnt into the memory on disk (under the library's
        lock: another ingest may have written since). A library that cannot be
        written keeps no memory: the next run reads the files again."""
        if not self.learnt:
            return
        try:
            with self.lib.writing():
                files = _read(self.lib.dir / NAME)
                files.update(self.learnt)
                data = {"parser": parser_key(), "files": files}
                write_bytes_atomic(self.lib.dir / NAME, dump_json(data), sync_dir=False)
        except LibraryError:
            return
        self.files, self.learnt = files, {}


def _read(path: Path) -> dict[str, list[object]]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("parser") != parser_key():
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    return {
        k: v
        for k, v in files.items()
        if isinstance(v, list) and len(v) >= 4 and all(isinstance(x, int) for x in v[:4])
    }
