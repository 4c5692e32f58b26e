"""`digest-tui doctor`: say what is wrong with a data directory, fix only when asked.

The library refuses to open a damaged file and never rewrites one (see
store.storage.library); this module is the other half of that promise. ``diagnose``
reads every file of the data dir without writing anything and reports each
problem with the file and what to do. Two repairs exist, each run only on
request and each keeping what it replaces:

* ``restore``: a damaged ``library.json`` is renamed aside as
  ``library.json.damaged-<timestamp>`` and the previous good index
  (``library.json.bak``) is copied into its place;
* ``repair``: a marks journal whose last line was torn (a crash or a full disk
  mid-append) is copied aside and truncated to its last complete line, and a
  content shard that does not parse is renamed aside (its entries leave the
  index; their marks stay in the journal and come back on re-ingest).

Nothing is ever deleted. Doctor works from the directory alone: it cannot use
``Library.open``, which raises on exactly the damage doctor is there to explain.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from store.errors import LibraryError
from store.storage.library import SCHEMA_VERSION

INDEX = "library.json"
BACKUP = "library.json.bak"
JOURNAL = "marks.jsonl"
FEEDS = "feeds.json"
LOCK = ".write.lock"
CONTENT = "content"

_SHARD_RE = re.compile(r"^[0-9a-f]{2}\.json$")
_TEMP_RE = re.compile(r"^\..+\.tmp$|\.tmp$")
_DAMAGED_RE = re.compile(r"\.damaged-\d{8}T\d{6}")

Severity = Literal["error", "warning", "note"]
Fix = Literal["restore", "repair"]


@dataclass
class Finding:
    """One thing doctor noticed about one file."""

    path: str
    severity: Severity
    what: str
    todo: str = ""
    fix: Fix | None = None


@dataclass
class Report:
    """The whole diagnosis, plus what was done when a fix was asked for."""

    data_dir: str
    exists: bool = True
    entries: int = 0
    marks: int = 0
    shards: int = 0
    checked: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    done: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        """Findings that stop the library from working (errors) or put it at risk."""
        return [f for f in self.findings if f.severity != "note"]

    @property
    def healthy(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["healthy"] = self.healthy
        return d


# -- reading ---------------------------------------------------------------


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _load_json(raw: bytes) -> tuple[Any, str | None]:
    """(data, None) or (None, why) for a file's bytes."""
    if not raw.strip():
        return None, "is empty"
    try:
        return json.loads(raw), None
    except UnicodeDecodeError:
        return None, "is not UTF-8 text (garbage or binary data)"
    except ValueError as exc:
        msg = str(exc)
        if ("Expecting" in msg or "Unterminated" in msg) and raw.rstrip()[-1:] not in (
            b"}",
            b"]",
        ):
            return None, f"is truncated ({len(raw)} bytes, JSON stops mid-way)"
        return None, f"is not valid JSON ({msg.split(':')[0]})"


def _row_ok(row: Any) -> bool:
    """Field types a reader relies on: a non-empty str id, str sort keys, str tags."""
    fields = row._asdict() if hasattr(row, "_asdict") else vars(row)
    if not isinstance(fields.get("id"), str) or not fields["id"]:
        return False
    for key, v in fields.items():
        if key in ("title", "date") and not isinstance(v, str):
            return False
        if isinstance(v, tuple):
            if not all(isinstance(t, str) for t in v):
                return False
        elif v is not None and not isinstance(v, str):
            return False
    return True


def _parse_rows(data: Any) -> tuple[list[Any], str | None, bool]:
    """(rows, what is wrong or None, is-newer-schema), using the library's own loader."""
    from store.storage.library import Row, migrate

    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        return [], "has an unexpected shape (no rows list)", False
    version = data.get("schema")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return [], f"has an invalid schema version {version!r}", False
    if version > SCHEMA_VERSION:
        why = f"is from a newer digest-tui (schema {version}; this one reads {SCHEMA_VERSION})"
        return [], why, True
    rows: list[Any] = []
    try:
        raw_rows = migrate(version, data["rows"])
    except Exception:
        return [], f"cannot be brought up to schema {SCHEMA_VERSION}", False
    for n, r in enumerate(raw_rows):
        try:
            row = Row.from_json(r)
        except Exception:
            return [], f"has a damaged row (#{n + 1})", False
        if not _row_ok(row):
            return [], f"has a damaged row (#{n + 1}: a field of the wrong type)", False
        rows.append(row)
    return rows, None, False


def check_index_data(data: Any) -> tuple[int, str | None, bool]:
    """(entry count, what is wrong or None, is-newer-schema) for a parsed index."""
    rows, why, newer = _parse_rows(data)
    return len({r.id for r in rows}), why, newer


def _index_ids(data: Any) -> set[str]:
    return {r.id for r in _parse_rows(data)[0]}


def check_journal(raw: bytes) -> tuple[int, int | None, str | None, int]:
    """Check marks.jsonl bytes.

    Returns (entries with marks, line number of the first damaged complete line
    or None, what is wrong with the tail or None, byte length of the good prefix).
    """
    marks: dict[str, Any] = {}
    end = raw.rfind(b"\n") + 1
    tail = None
    if end != len(raw):
        tail = f"ends in a torn line ({len(raw) - end} bytes after the last complete line)"
    for n, line in enumerate(raw[:end].split(b"\n")[:-1], 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict) or not all(isinstance(v, dict) for v in rec.values()):
                raise ValueError("not a map of marks")
        except ValueError:
            return len(marks), n, tail, end
        marks.update(rec)
    return len(marks), None, tail, end


def _shard_entries(data: Any) -> dict[str, Any] | None:
    table = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        return None
    return {
        r["id"]: r for r in table.values() if isinstance(r, dict) and isinstance(r.get("id"), str)
    }


def _check_record(rec: dict[str, Any]) -> bool:
    try:
        from store.models import entry_from_record

        entry_from_record(rec)
    except Exception:
        return False
    return True


def diagnose(data_dir: Path) -> Report:
    """Read every file of the data dir (writing nothing) and report what is wrong."""
    d = Path(data_dir)
    rep = Report(str(d))
    if not d.exists():
        if d.is_symlink():
            rep.findings.append(
                Finding(
                    str(d),
                    "error",
                    "is a dangling symbolic link",
                    "point it at the library directory, or remove it",
                )
            )
        else:
            rep.exists = False
            rep.findings.append(
                Finding(
                    str(d),
                    "note",
                    "does not exist yet (no library)",
                    "ingest something or open the UI to create it",
                )
            )
        return rep
    if not d.is_dir():
        rep.findings.append(
            Finding(
                str(d), "error", "is not a directory", "point --data-dir at the library directory"
            )
        )
        return rep
    try:
        names = sorted(os.listdir(d))
    except OSError as exc:
        rep.findings.append(
            Finding(
                str(d),
                "error",
                f"cannot be listed ({exc.strerror})",
                "check the directory's permissions",
            )
        )
        return rep
    if not os.access(d, os.W_OK):
        rep.findings.append(
            Finding(
                str(d),
                "warning",
                "is read-only",
                "the library can be read but no mark can be saved; "
                "check the permissions or the mount",
            )
        )

    # index and its backup
    index_ids: set[str] | None = None
    backup_ok = False
    bpath = d / BACKUP
    braw = _safe_read(rep, bpath)
    if braw is not None:
        rep.checked.append(str(bpath))
        bdata, why = _load_json(braw)
        newer = False
        if why is None:
            _n, why, newer = check_index_data(bdata)
        if why is None:
            backup_ok = True
        elif not newer:
            rep.findings.append(
                Finding(
                    str(bpath),
                    "warning",
                    f"(the previous good copy) {why}",
                    "nothing to do now; the next successful write replaces it",
                )
            )
    ipath = d / INDEX
    iraw = _safe_read(rep, ipath)
    if iraw is not None:
        rep.checked.append(str(ipath))
        idata, why = _load_json(iraw)
        newer = False
        if why is None:
            rep.entries, why, newer = check_index_data(idata)
        if why is None:
            index_ids = _index_ids(idata)
        elif newer:
            rep.findings.append(
                Finding(
                    str(ipath), "error", why, "upgrade digest-tui; this file was left untouched"
                )
            )
        elif backup_ok:
            rep.findings.append(
                Finding(
                    str(ipath),
                    "error",
                    why,
                    f"a previous good copy exists ({BACKUP}): run `digest-tui doctor --restore` "
                    "to put it back (the damaged file is kept aside); entries added since can "
                    "be ingested again",
                    "restore",
                )
            )
        else:
            rep.findings.append(
                Finding(
                    str(ipath),
                    "error",
                    why,
                    "no previous good copy exists: move the file aside and ingest your files "
                    "again (marks are kept separately in marks.jsonl)",
                )
            )
    elif backup_ok:
        rep.findings.append(
            Finding(
                str(ipath),
                "error",
                f"is missing but {BACKUP} exists",
                "run `digest-tui doctor --restore` to put the previous good copy back",
                "restore",
            )
        )

    # marks journal
    jpath = d / JOURNAL
    jraw = _safe_read(rep, jpath)
    if jraw is not None:
        rep.checked.append(str(jpath))
        rep.marks, bad_line, tail, _end = check_journal(jraw)
        if bad_line is not None:
            rep.findings.append(
                Finding(
                    str(jpath),
                    "error",
                    f"line {bad_line} is damaged",
                    "the marks after it cannot be trusted: restore the file from a backup, or "
                    f"edit line {bad_line} by hand (the file was left untouched)",
                )
            )
        elif tail is not None:
            rep.findings.append(
                Finding(
                    str(jpath),
                    "error",
                    tail,
                    "run `digest-tui doctor --repair` to keep a copy and cut the torn line "
                    "(it was never acknowledged, so no saved mark is lost)",
                    "repair",
                )
            )

    # content shards
    cdir = d / CONTENT
    stored: set[str] = set()
    damaged_shards: set[str] = set()
    if cdir.is_dir():
        try:
            cnames = sorted(os.listdir(cdir))
        except OSError as exc:
            cnames = []
            rep.findings.append(
                Finding(
                    str(cdir),
                    "error",
                    f"cannot be listed ({exc.strerror})",
                    "check the directory's permissions",
                )
            )
        for name in cnames:
            p = cdir / name
            if _TEMP_RE.search(name):
                rep.findings.append(
                    Finding(
                        str(p),
                        "note",
                        "is a leftover from an interrupted write",
                        "harmless; delete it if you like",
                    )
                )
                continue
            if _DAMAGED_RE.search(name) or not _SHARD_RE.match(name):
                continue
            raw = _safe_read(rep, p)
            if raw is None:
                continue
            rep.checked.append(str(p))
            rep.shards += 1
            data, why = _load_json(raw)
            recs = _shard_entries(data) if why is None else None
            if why is None and recs is None:
                why = "has an unexpected shape (no entries table)"
            if why is None and recs is not None:
                bad = [i for i, r in recs.items() if not _check_record(r)]
                if bad:
                    why = f"has {len(bad)} damaged entr{'y' if len(bad) == 1 else 'ies'}"
            if why is not None:
                damaged_shards.add(name[:2])
                rep.findings.append(
                    Finding(
                        str(p),
                        "error",
                        why,
                        "run `digest-tui doctor --repair` to move it aside and drop its entries "
                        "from the index (their marks are kept; ingest the files again)",
                        "repair",
                    )
                )
            else:
                stored |= set(recs or ())
    if index_ids is not None:
        missing = sorted(i for i in index_ids - stored if i[:2] not in damaged_shards)
        if missing:
            rep.findings.append(
                Finding(
                    str(cdir),
                    "error",
                    f"is missing the content of {len(missing)} listed entr"
                    f"{'y' if len(missing) == 1 else 'ies'} (e.g. {missing[0]})",
                    "run `digest-tui doctor --repair` to drop them from the index, then ingest "
                    "the files again",
                    "repair",
                )
            )

    # feeds state and other side files
    for name in names:
        p = d / name
        if name in (INDEX, BACKUP, JOURNAL, LOCK, CONTENT) or _DAMAGED_RE.search(name):
            continue
        if _TEMP_RE.search(name):
            rep.findings.append(
                Finding(
                    str(p),
                    "note",
                    "is a leftover from an interrupted write",
                    "harmless; delete it if you like",
                )
            )
            continue
        if not name.endswith(".json") or not p.is_file():
            continue
        raw = _safe_read(rep, p)
        if raw is None:
            continue
        rep.checked.append(str(p))
        data, why = _load_json(raw)
        if why is None and name == FEEDS:
            table = data.get("feeds", {}) if isinstance(data, dict) else None
            if not isinstance(table, dict):
                why = "has an unexpected shape (no feeds table)"
        if why is not None:
            what = "feed state" if name == FEEDS else "side file"
            rep.findings.append(
                Finding(
                    str(p),
                    "error",
                    why,
                    f"move it aside (it only holds {what}: "
                    + (
                        "fetch state, rebuilt on the next refresh)"
                        if name == FEEDS
                        else "settings or view state)"
                    ),
                )
            )
    return rep


def _safe_read(rep: Report, path: Path) -> bytes | None:
    try:
        return _read(path)
    except OSError as exc:
        rep.findings.append(
            Finding(
                str(path),
                "error",
                f"cannot be read ({exc.strerror})",
                "check the file's permissions",
            )
        )
        return None


# -- fixing (only when asked) ------------------------------------------------


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
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(data_dir / LOCK), timeout=10):
            yield
    except Timeout:
        raise LibraryError(
            f"the library in {data_dir} is busy (another digest-tui is writing); try again"
        ) from None


def _write_atomic(path: Path, data: bytes) -> None:
    from store.storage.atomic import write_bytes_atomic

    write_bytes_atomic(path, data)


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
            _write_atomic(ipath, braw)
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
                    _write_atomic(aside, raw)
                    _write_atomic(jpath, raw[:end])
                    done.append(
                        f"kept a copy of {JOURNAL} as {aside.name} and cut "
                        f"{len(raw) - end} bytes of torn line"
                    )
            drop_shards: set[str] = set()
            for f in todo:
                p = Path(f.path)
                if p.parent == d / CONTENT and _SHARD_RE.match(p.name):
                    aside = aside_name(p)
                    os.rename(p, aside)
                    drop_shards.add(p.name[:2])
                    done.append(f"moved the damaged {CONTENT}/{p.name} aside as {aside.name}")
            if drop_shards or any(Path(f.path) == d / CONTENT for f in todo):
                done += _drop_missing_rows(d)
    except OSError as exc:
        raise LibraryError(f"cannot repair {d}: {exc.strerror or exc}") from exc
    return done


def _drop_missing_rows(d: Path) -> list[str]:
    """Remove index rows whose content is gone (the old index becomes the .bak)."""
    ipath = d / INDEX
    raw = _read(ipath)
    if raw is None:
        return []
    data, why = _load_json(raw)
    if why is not None or check_index_data(data)[1] is not None:
        return []  # a damaged index is restore's business, not ours
    stored: set[str] = set()
    cdir = d / CONTENT
    for p in cdir.glob("*.json") if cdir.is_dir() else ():
        if not _SHARD_RE.match(p.name):
            continue
        sdata, swhy = _load_json(p.read_bytes())
        recs = _shard_entries(sdata) if swhy is None else None
        stored |= set(recs or ())
    from store.storage.library import Row

    keep = [r for r in data["rows"] if Row.from_json(r).id in stored]
    dropped = len(data["rows"]) - len(keep)
    if not dropped:
        return []
    _write_atomic(d / BACKUP, raw)
    from store.storage.atomic import dump_json

    _write_atomic(ipath, dump_json({**data, "rows": keep}))
    return [
        f"dropped {dropped} entr{'y' if dropped == 1 else 'ies'} whose content was lost "
        f"from {INDEX} (previous copy in {BACKUP}; ingest the files again)"
    ]
