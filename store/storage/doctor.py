"""`digest-tui doctor`: fix only when asked, keeping what it replaces.

The library refuses to open a damaged file and never rewrites one (see
store.storage.library); doctor is the other half of that promise. The diagnosis
(store.storage.checks) reads every file and writes nothing; two repairs exist,
each run only on request:

* ``restore``: a damaged ``library.json`` is renamed aside as
  ``library.json.damaged-<timestamp>`` and the previous good index
  (``library.json.bak``) is copied into its place;
* ``repair``: a marks journal whose last line was torn (a crash or a full disk
  mid-append) is copied aside and truncated to its last complete line; a
  content shard that does not parse is renamed aside (its entries leave the
  index; their marks stay in the journal and come back on re-ingest); a damaged
  tables.json (settings and flags only) is renamed aside.

Nothing is ever deleted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from store.errors import LibraryError
from store.models import Row
from store.storage.atomic import dump_json, write_bytes_atomic
from store.storage.checks import (
    BACKUP,
    CONTENT,
    INDEX,
    JOURNAL,
    LOCK,
    TABLES,
    check_index_data,
    check_journal,
    diagnose,
    load_json,
    read_bytes,
    shard_entries,
)
from store.storage.shards import SHARD_RE, shard_of


def _stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.localtime())


def aside_name(path: Path) -> Path:
    """A fresh ``<name>.damaged-<timestamp>`` beside ``path`` (never an existing file)."""
    base = path.with_name(f"{path.name}.damaged-{_stamp()}")
    cand, n = base, 1
    while cand.exists():
        cand = base.with_name(f"{base.name}-{n}")
        n += 1
    return cand


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    try:
        with FileLock(str(data_dir / LOCK), timeout=10):
            yield
    except Timeout:
        raise LibraryError(
            f"the library in {data_dir} is busy (another digest-tui is writing); try again"
        ) from None


def restore(data_dir: Path) -> list[str]:
    """Put library.json.bak back in place of a damaged or missing library.json.

    The damaged file is renamed aside, never deleted. Refuses (LibraryError) when
    the index is fine, when it is from a newer version, or when the backup is bad.
    """
    d = Path(data_dir)
    done: list[str] = []
    try:
        with _locked(d):
            rep = diagnose(d)
            if not any(f.fix == "restore" for f in rep.findings):
                raise LibraryError(
                    f"nothing to restore: {d / INDEX} "
                    + (
                        "is from a newer digest-tui"
                        if any("newer" in f.what for f in rep.findings)
                        else "is not damaged, or no good previous copy exists"
                    )
                )
            braw = (d / BACKUP).read_bytes()
            ipath = d / INDEX
            if ipath.exists():
                aside = aside_name(ipath)
                os.rename(ipath, aside)
                done.append(f"kept the damaged {ipath.name} as {aside.name}")
            write_bytes_atomic(ipath, braw)
            done.append(f"restored {ipath.name} from {BACKUP}")
    except OSError as exc:
        raise LibraryError(f"cannot restore in {d}: {exc.strerror or exc}") from exc
    return done


def repair(data_dir: Path) -> list[str]:
    """Fix what doctor offers to repair, keeping a copy of everything it changes."""
    d = Path(data_dir)
    done: list[str] = []
    try:
        with _locked(d):
            rep = diagnose(d)
            todo = [f for f in rep.findings if f.fix == "repair"]
            if not todo:
                raise LibraryError(f"nothing to repair in {d}")
            jpath = d / JOURNAL
            if any(Path(f.path) == jpath for f in todo):
                raw = jpath.read_bytes()
                _n, bad, _tail, end = check_journal(raw)
                if bad is None:
                    aside = aside_name(jpath)
                    write_bytes_atomic(aside, raw)
                    write_bytes_atomic(jpath, raw[:end])
                    done.append(
                        f"kept a copy of {JOURNAL} as {aside.name} and cut "
                        f"{len(raw) - end} bytes of torn line"
                    )
            drop_shards: set[str] = set()
            for f in todo:
                p = Path(f.path)
                if p.parent == d / CONTENT and SHARD_RE.match(p.name):
                    aside = aside_name(p)
                    os.rename(p, aside)
                    drop_shards.add(p.stem)
                    done.append(f"moved the damaged {CONTENT}/{p.name} aside as {aside.name}")
            if drop_shards or any(Path(f.path) == d / CONTENT for f in todo):
                done += _drop_missing_rows(d)
            if any(Path(f.path) == d / TABLES for f in todo):
                aside = aside_name(d / TABLES)
                os.rename(d / TABLES, aside)
                done.append(
                    f"moved the damaged {TABLES} aside as {aside.name} (settings and flags "
                    "start again from their defaults)"
                )
    except OSError as exc:
        raise LibraryError(f"cannot repair {d}: {exc.strerror or exc}") from exc
    return done


def _drop_missing_rows(d: Path) -> list[str]:
    """Remove index rows whose content is gone (the old index becomes the .bak)."""
    ipath = d / INDEX
    raw = read_bytes(ipath)
    if raw is None:
        return []
    data, why = load_json(raw)
    if why is not None or check_index_data(data)[1] is not None:
        return []  # a damaged index is restore's business, not ours
    stored: dict[str, set[str]] = {}
    cdir = d / CONTENT
    for p in cdir.glob("*.json") if cdir.is_dir() else ():
        if not SHARD_RE.match(p.name):
            continue
        sdata, swhy = load_json(p.read_bytes())
        recs = shard_entries(sdata) if swhy is None else None
        stored[p.stem] = set(recs or ())

    def kept(raw_row: Any) -> bool:
        row = Row.from_json(raw_row)
        return row.id in stored.get(shard_of(row), ())

    keep = [r for r in data["rows"] if kept(r)]
    dropped = len(data["rows"]) - len(keep)
    if not dropped:
        return []
    write_bytes_atomic(d / BACKUP, raw)
    write_bytes_atomic(ipath, dump_json({**data, "rows": keep}))
    return [
        f"dropped {dropped} entr{'y' if dropped == 1 else 'ies'} whose content was lost "
        f"from {INDEX} (previous copy in {BACKUP}; ingest the files again)"
    ]
