"""The undo log file itself (``store/storage/undo.py``): its lines, numbering, damage and compaction.

Why: ``test_undo.py`` goes through the library, where one change and one undo
rarely reach a torn line, a damaged field, the 4 × MAX_STEPS compaction or a
log written by an earlier run. The log outlives the process, so its lines are
a file format: a line written by hand here (as a previous release wrote it)
must read back as the step it records.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from store.errors import LibraryError
from store.models import Marks
from store.storage import undo
from store.storage.undo import MAX_STEPS, UNDO_NAME, UndoLog, UndoStep

FULL = Marks(read=True, bookmarked=True, user_tags=("china", "chips"), removed_auto=("ai",))


def _lines(log: UndoLog) -> list[dict[str, object]]:
    return [json.loads(x) for x in log.path.read_text(encoding="utf-8").splitlines()]


def test_a_step_reads_back_as_pushed_with_every_mark_and_table(tmp_path: Path) -> None:
    log = UndoLog(tmp_path)
    assert log.path == tmp_path / UNDO_NAME == tmp_path / "undo.jsonl"
    assert log.steps() == []  # no file yet
    tables = {"saved": {"q1": {"v": "+china"}, "q2": {}}}
    n = log.push("mark read", {"a": FULL, "b": Marks()}, tables)
    assert n == 1
    (step,) = log.steps()
    assert (step.n, step.label, step.before, step.tables) == (
        1,
        "mark read",
        {"a": FULL, "b": Marks()},
        tables,
    )
    assert step.at.endswith("+00:00") and "." not in step.at  # UTC, whole seconds
    (line,) = _lines(log)
    assert line["before"] == {
        "a": {"r": True, "b": True, "u": ["china", "chips"], "x": ["ai"]},
        "b": {"r": False, "b": False, "u": [], "x": []},
    }
    assert line["t"] == tables and line["n"] == 1 and line["label"] == "mark read"
    raw = log.path.read_bytes()
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1 and b": " not in raw and b", " not in raw


def test_a_step_without_tables_has_no_t_and_keeps_utf8_as_written(tmp_path: Path) -> None:
    log = UndoLog(tmp_path)
    log.push("tag", {"é": Marks(user_tags=("naïve",))})
    text = log.path.read_text(encoding="utf-8")
    assert "naïve" in text and "\\u" not in text
    assert "t" not in _lines(log)[0]


def test_a_line_as_an_earlier_run_wrote_it_reads_back(tmp_path: Path) -> None:
    (tmp_path / UNDO_NAME).write_text(
        '{"n":3,"label":"bookmark","at":"2026-01-02T03:04:05+00:00",'
        '"before":{"e1":{"r":1,"b":true,"u":["x"],"x":["y"]},"e2":{}},'
        '"t":{"mute":{"k":{"v":[1,2]},"gone":{"w":5}}}}\n',
        encoding="utf-8",
    )
    (step,) = UndoLog(tmp_path).steps()
    assert step == UndoStep(
        3,
        "bookmark",
        "2026-01-02T03:04:05+00:00",
        {
            "e1": Marks(read=True, bookmarked=True, user_tags=("x",), removed_auto=("y",)),
            "e2": Marks(),
        },
        {"mute": {"k": {"v": [1, 2]}, "gone": {}}},
    )


def test_numbers_go_on_past_undone_steps_and_undone_ones_are_gone(tmp_path: Path) -> None:
    log = UndoLog(tmp_path)
    assert [log.push(f"s{i}", {"a": Marks()}) for i in range(3)] == [1, 2, 3]
    log.mark_undone(3)
    log.mark_undone(2)
    assert [s.n for s in log.steps()] == [1]
    assert log.push("s4", {"a": Marks()}) == 4  # not 2: a number is never reused
    assert [s.label for s in log.steps()] == ["s0", "s4"]
    assert _lines(log)[3] == {"undone": 3}


def test_the_next_number_counts_an_undone_record_as_written(tmp_path: Path) -> None:
    (tmp_path / UNDO_NAME).write_text(
        '{"undone": 9}\n{"n": true, "undone": false}\n', encoding="utf-8"
    )
    assert UndoLog(tmp_path).push("next", {}) == 10


def test_damaged_lines_cost_their_own_step_only(tmp_path: Path) -> None:
    good = '{"n":%d,"label":"ok","at":"t","before":{"a":{"r":true}}}'
    bad = [
        "not json",
        "[1, 2]",
        '{"n":"5","label":"x","at":"t","before":{}}',
        '{"n":true,"label":"x","at":"t","before":{}}',
        '{"n":6,"label":"x","at":"t","before":[]}',
        '{"n":7,"label":"x","at":"t","before":{"a":[]}}',
        '{"n":8,"at":"t","before":{}}',
        '{"n":9,"label":"x","at":"t","before":{},"t":[]}',
        '{"n":10,"label":"x","at":"t","before":{},"t":{"tab":[]}}',
        '{"n":11,"label":"x","at":"t","before":{},"t":{"tab":{"k":1}}}',
        '{"undone":"1"}',
        '{"undone":true}',
    ]
    (tmp_path / UNDO_NAME).write_text(
        "\n".join([good % 1, *bad, good % 2]) + "\n", encoding="utf-8"
    )
    steps = UndoLog(tmp_path).steps()
    assert [s.n for s in steps] == [1, 2]
    assert steps[0].before == {"a": Marks(read=True)}


def test_a_torn_last_line_is_ignored_and_the_next_append_starts_a_line(tmp_path: Path) -> None:
    log = UndoLog(tmp_path)
    log.push("one", {"a": Marks()})
    with log.path.open("ab") as f:
        f.write(b'{"n":2,"label":"torn","at":"t","before":{}}')  # complete JSON, no newline
    assert [s.label for s in log.steps()] == ["one"]
    assert log.push("three", {"a": Marks()}) == 2
    assert [s.label for s in log.steps()] == ["one", "three"]
    assert log.path.read_bytes().count(b"\n") == 3


def test_an_undone_mark_after_a_torn_line_is_kept(tmp_path: Path) -> None:
    log = UndoLog(tmp_path)
    log.push("one", {"a": Marks()})
    with log.path.open("ab") as f:
        f.write(b'{"n":7,"lab')
    log.mark_undone(1)
    assert log.steps() == []


def test_compaction_keeps_the_last_max_steps_in_order(tmp_path: Path) -> None:
    log = UndoLog(tmp_path)
    total = 4 * MAX_STEPS + 2
    for i in range(total):
        log.push(f"s{i}", {"e": Marks(read=bool(i % 2))})
    lines = log.path.read_bytes().splitlines()
    assert len(lines) < 4 * MAX_STEPS  # rewritten once it passed 4 × MAX_STEPS records
    steps = log.steps()
    assert len(steps) <= MAX_STEPS and steps[-1].n == total
    assert [s.n for s in steps] == list(range(total - len(steps) + 1, total + 1))
    assert steps[-1].before == {"e": Marks(read=bool((total - 1) % 2))}


def test_compaction_at_exactly_four_times_max_steps_records_waits(tmp_path: Path) -> None:
    log = UndoLog(tmp_path)
    for i in range(4 * MAX_STEPS + 1):
        log.push(f"s{i}", {})
    assert len(log.path.read_bytes().splitlines()) == 4 * MAX_STEPS + 1
    log.push("one more", {})
    assert len(log.steps()) == MAX_STEPS


def test_a_large_log_is_compacted_to_half_the_size_keeping_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = UndoLog(tmp_path)
    big = {f"e{i:03d}": Marks(read=True) for i in range(20)}
    log.push("s0", big)
    line = log.path.stat().st_size
    monkeypatch.setattr(undo, "MAX_BYTES", 3 * line + line // 2)  # 4 lines pass it
    for i in range(1, 4):
        log.push(f"s{i}", big)
    # half of MAX_BYTES holds one line and a half: the newest line alone is kept
    assert log.path.stat().st_size == line
    assert [s.label for s in log.steps()] == ["s3"]
    huge = {f"e{i:04d}": Marks(read=True) for i in range(200)}
    log.push("huge", huge)
    assert [s.label for s in log.steps()] == ["huge"]  # the newest is kept, however large
    log.mark_undone(5)
    monkeypatch.setattr(undo, "MAX_BYTES", 10)
    log.push("after", {})
    assert [s.label for s in log.steps()] == ["after"]


def test_compacting_nothing_left_writes_an_empty_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = UndoLog(tmp_path)
    log.push("one", {})
    monkeypatch.setattr(UndoLog, "steps", lambda self: [])
    log._compact()
    assert log.path.read_bytes() == b""


def test_an_unreadable_or_unwritable_log_is_a_library_error(tmp_path: Path) -> None:
    (tmp_path / UNDO_NAME).mkdir()
    log = UndoLog(tmp_path)
    with pytest.raises(LibraryError, match="cannot read"):
        log.steps()
    with pytest.raises(LibraryError, match="cannot read"):
        log.push("x", {})
    with pytest.raises(LibraryError, match="cannot write"):
        UndoLog(tmp_path / "no such dir").mark_undone(1)


def test_a_short_write_is_a_library_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = UndoLog(tmp_path)
    monkeypatch.setattr(undo.os, "write", lambda fd, data: len(data) - 1)
    with pytest.raises(LibraryError, match="short write"):
        log.push("x", {})


def test_an_undone_record_of_a_step_not_there_is_harmless(tmp_path: Path) -> None:
    log = UndoLog(tmp_path)
    log.push("one", {})
    log.mark_undone(1)
    log.mark_undone(1)  # twice (two processes), or of a step whose line was damaged
    log.mark_undone(99)
    assert log.steps() == []


def test_the_first_number_after_only_damaged_records_is_one(tmp_path: Path) -> None:
    (tmp_path / UNDO_NAME).write_text('{"label": "no number"}\n', encoding="utf-8")
    assert UndoLog(tmp_path).push("first", {}) == 1


def test_a_log_gone_after_the_append_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = UndoLog(tmp_path)
    real = Path.stat

    def stat(self: Path, *a: object, **k: object) -> os.stat_result:
        if self.name == UNDO_NAME:
            raise FileNotFoundError(2, "gone")
        return real(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", stat)
    assert log.push("one", {}) == 1


def test_the_log_is_created_rw_r__r__(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        UndoLog(tmp_path).push("one", {})
    finally:
        os.umask(old)
    assert (tmp_path / UNDO_NAME).stat().st_mode & 0o777 == 0o644


def test_write_errors_name_the_reason_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "no such dir"
    with pytest.raises(LibraryError) as err:
        UndoLog(missing).mark_undone(1)
    assert str(err.value) == f"cannot write {missing / UNDO_NAME}: No such file or directory"
    monkeypatch.setattr(undo.os, "write", lambda fd, data: len(data) - 1)
    with pytest.raises(LibraryError) as err:
        UndoLog(tmp_path).push("x", {})
    assert str(err.value) == f"cannot write {tmp_path / UNDO_NAME}: short write (disk full?)"


def test_size_limits_are_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines of one length L, MAX_BYTES = 4 L: 4 lines stay; past it, two lines fill exactly half."""
    log = UndoLog(tmp_path)
    log.push("s0", {})
    line = log.path.stat().st_size
    monkeypatch.setattr(undo, "MAX_BYTES", 4 * line)
    for i in range(1, 4):
        log.push(f"s{i}", {})
    assert log.path.stat().st_size == 4 * line  # not past the limit: as written
    assert len(log.steps()) == 4
    # compaction keeps lines of JSON (L - 1 bytes, the newline aside) up to half of
    # MAX_BYTES: at exactly 2 (L - 1) the older of the two is kept
    monkeypatch.setattr(undo, "MAX_BYTES", 4 * (line - 1))
    log.push("s4", {})
    assert [s.label for s in log.steps()] == ["s3", "s4"]
    assert log.path.stat().st_size == 2 * line


def test_a_read_mark_costs_one_fsync_and_its_step_still_undoes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening an entry marks it read: the marks journal is fsynced (the mark
    is acknowledged), the undo step is not (losing it to a power cut costs
    the undo only), so an open pays one fsync, not two."""
    from store.models import Entry, Source
    from store.storage.library import Library

    lib = Library.open(tmp_path)
    lib.save_entries(
        [Entry(id=f"ab{i:010x}", source=Source("file", "S", "/s"), title="T") for i in range(2)]
    )
    lib.set_read(["ab0000000000"])  # the journal and the log exist from here on
    calls: list[int] = []
    real = os.fsync

    def spy(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    lib.set_read(["ab0000000001"])
    assert len(calls) == 1
    monkeypatch.undo()
    assert Library.open(tmp_path).marks("ab0000000001").read
    step = lib.undo()
    assert step is not None and step.label and not Library.open(tmp_path).marks("ab0000000001").read
