"""The undo log: what each change of marks replaced, several steps deep, across restarts.

Why a file of its own (``undo.jsonl``) and not a state table: a "mark all read"
over a large view records tens of thousands of previous states, and the state
tables file is rewritten whole on every settings change.

Each line is one JSON object, appended (O_APPEND) under the library's write
lock. Not fsynced: the change itself is (the marks journal, the state tables),
and a step lost to a power cut costs only the chance to undo that change,
never a mark; a killed process loses nothing the kernel already has. Opening
an entry (a read mark and its step) so pays one fsync, not two.

* ``{"n": 7, "label": "mark read", "at": ISO, "before": {id: marks}}`` — a step:
  the states a change replaced, written right after the change succeeded (a
  change that failed leaves no step; a kill in between costs that one step).
* ``"t": {table: {key: {"v": old} | {}}}`` (optional) — the state-table keys
  the change replaced (``{}``: the key did not exist), for changes of saved
  searches, mute rules and other small state (``StateTable.update`` with a label);
* ``{"undone": 7}`` — that step was undone.

A torn last line (a crash mid-write) is ignored: it was never acknowledged; the
next append starts on a line of its own, so the tear costs that one step and
never the next. A damaged line (bytes that do not parse, or fields of the
wrong types) costs its own step, never a later one and never the marks. The
log keeps the last ``MAX_STEPS`` steps and is rewritten atomically when it
grows past a few times that.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.errors import LibraryError
from store.models import Marks
from store.storage.atomic import write_bytes_atomic

__all__ = ["MAX_STEPS", "UNDO_NAME", "UndoLog", "UndoStep"]

UNDO_NAME = "undo.jsonl"
MAX_STEPS = 50
MAX_BYTES = 32 << 20  # a few "mark all read" over 100k entries; compacted past this


@dataclass(frozen=True)
class UndoStep:
    """One undoable change: its label, when, and the states it replaced.

    ``before`` holds marks by entry id; ``tables`` the state-table keys by table
    name, each ``{"v": old value}`` or ``{}`` when the change created the key.
    """

    n: int
    label: str
    at: str
    before: dict[str, Marks]
    tables: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


def _tables_from_json(d: Any) -> dict[str, dict[str, dict[str, Any]]]:
    if d is None:
        return {}
    if not isinstance(d, dict):
        raise ValueError("not a tables object")
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name, keys in d.items():
        if not isinstance(keys, dict) or not all(isinstance(v, dict) for v in keys.values()):
            raise ValueError("not a table's keys")
        out[str(name)] = {str(k): ({"v": v["v"]} if "v" in v else {}) for k, v in keys.items()}
    return out


def _int(x: Any) -> int | None:
    """A step number as written (a damaged line may hold anything)."""
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def _record(step: UndoStep) -> dict[str, Any]:
    rec: dict[str, Any] = {"n": step.n, "label": step.label, "at": step.at}
    rec["before"] = {k: _to_json(v) for k, v in step.before.items()}
    if step.tables:
        rec["t"] = step.tables
    return rec


def _to_json(m: Marks) -> dict[str, Any]:
    return {"r": m.read, "b": m.bookmarked, "u": list(m.user_tags), "x": list(m.removed_auto)}


def _from_json(d: Any) -> Marks:
    if not isinstance(d, dict):
        raise ValueError("not a marks object")
    return Marks(
        read=bool(d.get("r")),
        bookmarked=bool(d.get("b")),
        user_tags=tuple(str(t) for t in d.get("u") or ()),
        removed_auto=tuple(str(t) for t in d.get("x") or ()),
    )


_STEP_HEAD = re.compile(rb'\{"n":(\d+),')


def _highest(raw: bytes, end: int) -> int:
    """The highest step number the log's lines ``raw[:end]`` name, read from the end.

    A damaged line is skipped (as in ``UndoLog._records``); a torn step line
    whose head is whole still names its number (it is never reused).
    """
    high = 0
    while end > 0:
        start = raw.rfind(b"\n", 0, end - 1) + 1
        line = raw[start:end]
        end = start
        head = _STEP_HEAD.match(line)
        if head is not None:
            return max(high, int(head.group(1)))
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if not isinstance(rec, dict):
            continue
        high = max(high, _int(rec.get("undone")) or 0)
        n = _int(rec.get("n"))
        if n is not None:
            return max(high, n)
    return high


class UndoLog:
    """Read and append the log; callers hold the library's write lock to append."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / UNDO_NAME
        #: the file's stamp and ``_last_number`` of it (this process's last look)
        self._known: tuple[tuple[int, int, int], tuple[int, int]] | None = None

    def _read(self) -> bytes:
        """The log's bytes (empty when there is none); a read error is a LibraryError."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise LibraryError(f"cannot read {self.path}: {exc.strerror}") from exc

    def _stamp(self) -> tuple[int, int, int] | None:
        """The log's (inode, size, mtime) as a stat gives them; None when there is none."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise LibraryError(f"cannot read {self.path}: {exc.strerror}") from exc
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _records(self) -> list[dict[str, Any]]:
        raw = self._read()
        out: list[dict[str, Any]] = []
        for line in raw[: raw.rfind(b"\n") + 1].splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a damaged line costs one undo step, never the marks themselves
            if isinstance(rec, dict):
                out.append(rec)
        return out

    def _last_number(self) -> tuple[int, int]:
        """(lines in the log, highest step number in it), from the end.

        Every change (each read mark of an opened entry) pushes a step, and the
        log may hold a few bulk steps over 100k entries (one line of megabytes):
        parsing the last step for its number was most of the cost of opening an
        entry. Numbers only grow, so the last line naming a step holds the
        highest one (an "undone" line after it names an earlier step); a step
        line as ``_record`` writes it starts with its number, read from those
        bytes alone. Kept per file stamp: the next push of this process costs a
        stat, another process's append reads again.
        """
        stamp = self._stamp()
        if stamp is None:
            return 0, 0
        if self._known is not None and self._known[0] == stamp:
            return self._known[1]
        raw = self._read()
        end = raw.rfind(b"\n") + 1
        got = (raw.count(b"\n", 0, end), _highest(raw, end))
        self._known = (stamp, got)
        return got

    def steps(self) -> list[UndoStep]:
        """The steps that can still be undone, oldest first."""
        steps: dict[int, UndoStep] = {}
        for rec in self._records():
            if "undone" in rec:
                undone = _int(rec["undone"])
                if undone is not None:
                    steps.pop(undone, None)
                continue
            n = _int(rec.get("n"))
            if n is None or not isinstance(rec.get("before"), dict):
                continue
            try:
                before = {str(k): _from_json(v) for k, v in rec["before"].items()}
                tables = _tables_from_json(rec.get("t"))
                step = UndoStep(n, str(rec["label"]), str(rec["at"]), before, tables)
            except (KeyError, TypeError, ValueError):
                continue
            steps[step.n] = step
        return sorted(steps.values(), key=lambda s: s.n)

    def push(
        self,
        label: str,
        before: dict[str, Marks],
        tables: dict[str, dict[str, dict[str, Any]]] | None = None,
    ) -> int:
        """Record a step that just happened; returns its number."""
        lines, n = self._last_number()
        n += 1
        at = datetime.now(UTC).replace(microsecond=0).isoformat()
        ended = self._append(_record(UndoStep(n, label, at, before, dict(tables or {}))))
        try:
            stamp = self._stamp()
        except LibraryError:
            stamp = None  # the step is written; the next push reads the log again
        # the caller holds the write lock: nobody appended between, the next push costs a stat
        self._known = None if stamp is None else (stamp, (lines + ended, n))
        if lines > 4 * MAX_STEPS or (stamp is not None and stamp[1] > MAX_BYTES):
            self._compact()
        return n

    def mark_undone(self, n: int) -> None:
        self._append({"undone": n})

    def _append(self, rec: dict[str, Any]) -> int:
        """Append one record; returns the lines it ended (two after a torn line)."""
        data = (json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    data = b"\n" + data  # end a torn line: it stays one damaged line
                if os.write(fd, data) != len(data):
                    raise OSError(28, "short write (disk full?)")
            finally:
                os.close(fd)
        except OSError as exc:
            raise LibraryError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        return data.count(b"\n")

    def _compact(self) -> None:
        """Keep the last MAX_STEPS undoable steps within MAX_BYTES / 2 (atomic rewrite)."""
        lines: list[str] = []
        size = 0
        for s in reversed(self.steps()[-MAX_STEPS:]):
            line = json.dumps(_record(s), ensure_ascii=False, separators=(",", ":"))
            if lines and size + len(line) > MAX_BYTES // 2:
                break  # the newest step is always kept, however large
            lines.insert(0, line)
            size += len(line)
        write_bytes_atomic(self.path, ("\n".join(lines) + "\n").encode("utf-8") if lines else b"")
