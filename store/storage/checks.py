"""`digest-tui doctor`'s diagnosis: read every file of a data dir, write nothing.

``diagnose`` reports each problem with the file and what to do, and marks the
ones store.storage.doctor can fix when asked (``fix``). It works from the
directory alone: it cannot use ``Library.open``, which raises on exactly the
damage doctor is there to explain.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from store.models import Row, entry_from_record
from store.storage.marks import PLAIN_KEYS, plain_ids
from store.storage.rows import SCHEMA_VERSION, migrate
from store.storage.shards import SHARD_RE, shard_of
from store.storage.state import FEEDS_NAME, TABLES_NAME
from store.storage.writelock import LOCK_NAME

INDEX = "library.json"
BACKUP = "library.json.bak"
JOURNAL = "marks.jsonl"
FEEDS = FEEDS_NAME
TABLES = TABLES_NAME
LOCK = LOCK_NAME
KEPT = "kept.json"  # store.storage.kept.KEPT_NAME (not imported: that module opens libraries)
CONTENT = "content"

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

    def add(
        self,
        path: Path | str,
        severity: Severity,
        what: str,
        todo: str = "",
        fix: Fix | None = None,
    ) -> None:
        self.findings.append(Finding(str(path), severity, what, todo, fix))

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


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def load_json(raw: bytes) -> tuple[Any, str | None]:
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


def check_journal(raw: bytes) -> tuple[int, int | None, str | None, int]:
    """Check marks.jsonl bytes: (entries with marks, line number of the first damaged
    complete line or None, what is wrong with the tail or None, the good prefix's length)."""
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
            if not isinstance(rec, dict):
                raise ValueError("not a map of marks")
            # "#r", "#b", "#rb", "#-": the ids of one state without tags; "#t" / "#end":
            # a bulk change's transaction token (see store.storage.marks)
            for key in PLAIN_KEYS.keys() & rec.keys():
                marks.update(dict.fromkeys(plain_ids(rec, key)))
            rec = {k: v for k, v in rec.items() if not str(k).startswith("#")}
            if not all(isinstance(v, dict) for v in rec.values()):
                raise ValueError("not a map of marks")
        except ValueError:
            return len(marks), n, tail, end
        marks.update(rec)
    return len(marks), None, tail, end


def shard_entries(data: Any) -> dict[str, Any] | None:
    table = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        return None
    return {
        r["id"]: r for r in table.values() if isinstance(r, dict) and isinstance(r.get("id"), str)
    }


def _check_record(rec: dict[str, Any]) -> bool:
    try:
        entry_from_record(rec)
    except Exception:
        return False
    return True


def diagnose(data_dir: Path) -> Report:
    """Read every file of the data dir (writing nothing) and report what is wrong."""
    d = Path(data_dir)
    rep = Report(str(d))
    names = _list_dir(rep, d)
    if names is None:
        return rep
    index_ids = _check_index(rep, d)
    _check_marks(rep, d)
    _check_content(rep, d, index_ids)
    _check_side_files(rep, d, names)
    return rep


def _list_dir(rep: Report, d: Path) -> list[str] | None:
    """The data dir's file names, or None when there is no directory to look into."""
    if not d.exists():
        if d.is_symlink():
            rep.add(
                str(d),
                "error",
                "is a dangling symbolic link",
                "point it at the library directory, or remove it",
            )
        else:
            rep.exists = False
            rep.add(
                str(d),
                "note",
                "does not exist yet (no library)",
                "ingest something or open the UI to create it",
            )
        return None
    if not d.is_dir():
        rep.add(str(d), "error", "is not a directory", "point --data-dir at the library directory")
        return None
    try:
        names = sorted(os.listdir(d))
    except OSError as exc:
        rep.add(
            str(d),
            "error",
            f"cannot be listed ({exc.strerror})",
            "check the directory's permissions",
        )
        return None
    if not os.access(d, os.W_OK):
        rep.add(
            str(d),
            "warning",
            "is read-only",
            "the library can be read but no mark can be saved; check the permissions or the mount",
        )
    return names


def _check_index(rep: Report, d: Path) -> dict[str, str] | None:
    """Check library.json and its backup; the ids the index lists and their shards
    (None if unreadable)."""
    index_ids: dict[str, str] | None = None
    backup_ok = False
    bpath = d / BACKUP
    braw = _safe_read(rep, bpath)
    if braw is not None:
        rep.checked.append(str(bpath))
        bdata, why = load_json(braw)
        newer = False
        if why is None:
            _n, why, newer = check_index_data(bdata)
        if why is None:
            backup_ok = True
        elif not newer:
            rep.add(
                str(bpath),
                "warning",
                f"(the previous good copy) {why}",
                "nothing to do now; the next successful write replaces it",
            )
    ipath = d / INDEX
    iraw = _safe_read(rep, ipath)
    if iraw is not None:
        rep.checked.append(str(ipath))
        idata, why = load_json(iraw)
        newer = False
        if why is None:
            rep.entries, why, newer = check_index_data(idata)
        if why is None:
            index_ids = {r.id: shard_of(r) for r in _parse_rows(idata)[0]}
        elif newer:
            rep.add(str(ipath), "error", why, "upgrade digest-tui; this file was left untouched")
        elif backup_ok:
            rep.add(
                str(ipath),
                "error",
                why,
                f"a previous good copy exists ({BACKUP}): run `digest-tui doctor --restore` "
                "to put it back (the damaged file is kept aside); entries added since can "
                "be ingested again",
                "restore",
            )
        else:
            rep.add(
                str(ipath),
                "error",
                why,
                "no previous good copy exists: move the file aside and ingest your files "
                "again (marks are kept separately in marks.jsonl)",
            )
    elif backup_ok:
        rep.add(
            str(ipath),
            "error",
            f"is missing but {BACKUP} exists",
            "run `digest-tui doctor --restore` to put the previous good copy back",
            "restore",
        )
    return index_ids


def _check_marks(rep: Report, d: Path) -> None:
    """Check marks.jsonl: a damaged line is an error, a torn last line is repairable."""
    jpath = d / JOURNAL
    jraw = _safe_read(rep, jpath)
    if jraw is not None:
        rep.checked.append(str(jpath))
        rep.marks, bad_line, tail, _end = check_journal(jraw)
        if bad_line is not None:
            rep.add(
                str(jpath),
                "error",
                f"line {bad_line} is damaged",
                "the marks after it cannot be trusted: restore the file from a backup, or "
                f"edit line {bad_line} by hand (the file was left untouched)",
            )
        elif tail is not None:
            rep.add(
                str(jpath),
                "error",
                tail,
                "run `digest-tui doctor --repair` to keep a copy and cut the torn line "
                "(it was never acknowledged, so no saved mark is lost)",
                "repair",
            )


def _check_content(rep: Report, d: Path, index_ids: dict[str, str] | None) -> None:
    """Check every content shard, and that each listed entry has its content in the
    shard its row names (elsewhere, opening it would fail)."""
    cdir = d / CONTENT
    stored: dict[str, set[str]] = {}
    damaged_shards: set[str] = set()
    if cdir.is_dir():
        try:
            cnames = sorted(os.listdir(cdir))
        except OSError as exc:
            cnames = []
            rep.add(
                str(cdir),
                "error",
                f"cannot be listed ({exc.strerror})",
                "check the directory's permissions",
            )
        for name in cnames:
            p = cdir / name
            if _TEMP_RE.search(name):
                _note_leftover(rep, p)
                continue
            if _DAMAGED_RE.search(name) or not SHARD_RE.match(name):
                continue
            raw = _safe_read(rep, p)
            if raw is None:
                continue
            rep.checked.append(str(p))
            rep.shards += 1
            data, why = load_json(raw)
            recs = shard_entries(data) if why is None else None
            if why is None and recs is None:
                why = "has an unexpected shape (no entries table)"
            if why is None and recs is not None:
                bad = [i for i, r in recs.items() if not _check_record(r)]
                if bad:
                    why = f"has {len(bad)} damaged entr{'y' if len(bad) == 1 else 'ies'}"
            if why is not None:
                damaged_shards.add(name.removesuffix(".json"))
                rep.add(
                    str(p),
                    "error",
                    why,
                    "run `digest-tui doctor --repair` to move it aside and drop its entries "
                    "from the index (their marks are kept; ingest the files again)",
                    "repair",
                )
            else:
                stored[name.removesuffix(".json")] = set(recs or ())
    if index_ids is not None:
        missing = sorted(
            i
            for i, key in index_ids.items()
            if key not in damaged_shards and i not in stored.get(key, ())
        )
        if missing:
            rep.add(
                str(cdir),
                "error",
                f"is missing the content of {len(missing)} listed entr"
                f"{'y' if len(missing) == 1 else 'ies'} (e.g. {missing[0]})",
                "run `digest-tui doctor --repair` to drop them from the index, then ingest "
                "the files again",
                "repair",
            )


def _check_side_files(rep: Report, d: Path, names: list[str]) -> None:
    """Check the state tables (feeds.json, tables.json) and the other JSON side files."""
    for name in names:
        p = d / name
        if name in (INDEX, BACKUP, JOURNAL, LOCK, CONTENT) or _DAMAGED_RE.search(name):
            continue
        if _TEMP_RE.search(name):
            _note_leftover(rep, p)
            continue
        if p.is_dir():  # the index's own (words/, similar/): a kill can leave temp files there
            for q in sorted(p.rglob("*.tmp")):
                _note_leftover(rep, q)
            continue
        if not name.endswith(".json") or not p.is_file():
            continue
        raw = _safe_read(rep, p)
        if raw is None:
            continue
        rep.checked.append(str(p))
        data, why = load_json(raw)
        if why is None and name == FEEDS:
            table = data.get("feeds", {}) if isinstance(data, dict) else None
            if not isinstance(table, dict):
                why = "has an unexpected shape (no feeds table)"
        if why is None and name == TABLES and not _is_table_map(data):
            why = "has an unexpected shape (not a map of tables)"
        if why is None:
            continue
        if name == KEPT:  # the user's own writing: never "only settings"
            rep.add(
                str(p),
                "error",
                why,
                "it holds your kept points: mend it by hand (nothing "
                "writes it while it is damaged), or move it aside to start them afresh",
            )
            continue
        if name == TABLES:
            rep.add(
                str(p),
                "error",
                why,
                "run `digest-tui doctor --repair` to move it aside (it only holds settings "
                "and flags: the theme, the keymap and the like start again from defaults)",
                "repair",
            )
            continue
        held = (
            "feed state: fetch state, rebuilt on the next refresh"
            if name == FEEDS
            else "side file: settings or view state"
        )
        rep.add(str(p), "error", why, f"move it aside (it only holds {held})")


def _is_table_map(data: Any) -> bool:
    """A TinyDB file: a map of tables, each a map of documents (maps)."""
    return isinstance(data, dict) and all(
        isinstance(t, dict) and all(isinstance(doc, dict) for doc in t.values())
        for t in data.values()
    )


def _safe_read(rep: Report, path: Path) -> bytes | None:
    try:
        return read_bytes(path)
    except OSError as exc:
        rep.add(path, "error", f"cannot be read ({exc.strerror})", "check the file's permissions")
        return None


def _note_leftover(rep: Report, p: Path) -> None:
    """A temp file an interrupted atomic write left: worth a note, never an error."""
    rep.add(
        str(p), "note", "is a leftover from an interrupted write", "harmless; delete it if you like"
    )
