"""The next undo step's number without parsing the steps: a bulk step's line is megabytes.

Why: each read mark of an opened entry pushes a step, and parsing the last
step's line (a "mark all read" over 100k entries) for its number was most of
an open's cost. The number comes from the line's head; what another process
appended is still seen.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.models import Marks
from store.storage import undo
from store.storage.undo import UndoLog

BULK = {f"id{i:06d}": Marks() for i in range(2000)}


def _counting_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sizes: list[int] = []
    real = json.loads

    def loads(s: str | bytes, *a: object, **k: object) -> object:
        sizes.append(len(s))
        return real(s)

    monkeypatch.setattr(undo.json, "loads", loads)
    return sizes


def test_a_push_after_a_bulk_step_parses_no_step_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    UndoLog(tmp_path).push("mark 2000 read", BULK)
    log = UndoLog(tmp_path)  # another process: nothing known of the file yet
    sizes = _counting_loads(monkeypatch)
    assert log.push("mark read", {"x": Marks()}) == 2
    assert log.push("mark read", {"y": Marks()}) == 3
    assert sizes == []  # numbers read from the lines' heads, the bulk line never parsed
    monkeypatch.undo()
    assert [s.n for s in log.steps()] == [1, 2, 3]


def test_what_another_process_appended_is_seen(tmp_path: Path) -> None:
    mine, theirs = UndoLog(tmp_path), UndoLog(tmp_path)
    assert mine.push("a", {}) == 1
    assert theirs.push("b", {}) == 2
    assert mine.push("c", {}) == 3  # not 2: the file changed since this one's push
    theirs.mark_undone(3)
    assert theirs.push("d", {}) == 4
    assert mine.push("e", {}) == 5
    assert [s.n for s in mine.steps()] == [1, 2, 4, 5]


def test_an_undone_line_after_the_last_step_still_counts(tmp_path: Path) -> None:
    log = UndoLog(tmp_path)
    log.path.write_text('{"n":4,"label":"x","at":"t","before":{}}\n{"undone":7}\n', "utf-8")
    assert UndoLog(tmp_path).push("y", {}) == 8


def test_a_step_line_another_writer_formatted_is_parsed(tmp_path: Path) -> None:
    log = UndoLog(tmp_path)
    log.path.write_text(json.dumps({"label": "x", "n": 6, "at": "t", "before": {}}) + "\n", "utf-8")
    assert UndoLog(tmp_path).push("y", {}) == 7
