"""The marks journal, alone: what it stores, how it is read back, how it fails.

Why: marks are the one thing a refresh cannot give back. These tests pin the
journal's contract from outside (a second reader, the bytes on disk), so a
one-line change to the format, the replay, the torn-tail rule or the rollback
of a failed write turns them red. They run in-process, fast enough for
mutation testing (docs/testing.md).
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from store.errors import LibraryError
from store.models import EMPTY_MARKS, Marks
from store.storage import marks as marks_mod
from store.storage.marks import LINE_IDS, MarksJournal


def fresh(d: Path) -> MarksJournal:
    """A second reader of the same directory, as another process would be."""
    j = MarksJournal(d)
    j.catch_up()
    return j


def update(j: MarksJournal, ids: list[str], change: Any) -> list[str]:
    """A change as the library makes one: which states it alters, then those written."""
    _before, after = j.diff(ids, lambda _eid, m: change(m))
    return j.set_many(after)


def change(**kw: Any) -> Any:
    from dataclasses import replace

    return lambda m: replace(m, **kw)


def test_every_field_round_trips_through_the_file(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    m = Marks(read=True, bookmarked=True, user_tags=("later", "ai"), removed_auto=("china",))
    assert update(j, ["e1"], lambda _m: m) == ["e1"]
    update(j, ["e2"], change(bookmarked=True))
    update(j, ["e3"], change(read=True))
    other = fresh(tmp_path)
    assert other.get("e1") == m
    assert other.get("e2") == Marks(bookmarked=True)
    assert other.get("e3") == Marks(read=True)
    assert other.get("nope") == EMPTY_MARKS
    assert other.all() == {"e1": m, "e2": Marks(bookmarked=True), "e3": Marks(read=True)}


def test_the_line_format_is_stable(tmp_path: Path) -> None:
    """What this release writes: a state with tags as its own record, a state without
    as an id in the list of that state ("#r", "#b", "#rb", "#-" for none)."""
    j = fresh(tmp_path)
    update(
        j,
        ["a"],
        lambda _m: Marks(read=True, bookmarked=True, user_tags=("u",), removed_auto=("x",)),
    )
    update(j, ["b"], change(read=True))
    update(j, ["c"], change(read=True, bookmarked=True))
    lines = (tmp_path / "marks.jsonl").read_bytes().splitlines()
    assert lines == [b'{"a":{"r":1,"b":1,"u":["u"],"x":["x"]}}', b'{"#r":["b"]}', b'{"#rb":["c"]}']
    update(j, ["b"], change(read=False))
    update(j, ["a"], lambda _m: Marks(bookmarked=True))
    assert (tmp_path / "marks.jsonl").read_bytes().splitlines()[-2:] == [
        b'{"#-":["b"]}',
        b'{"#b":["a"]}',
    ]
    again = fresh(tmp_path)
    assert again.get("b") == EMPTY_MARKS and again.get("a") == Marks(bookmarked=True)
    assert again.get("c") == Marks(read=True, bookmarked=True)


def test_the_previous_releases_per_id_records_are_read(tmp_path: Path) -> None:
    """Journals written before the id lists hold one record per id: read as they were,
    mixed with the new lines, last line winning either way."""
    (tmp_path / "marks.jsonl").write_bytes(
        b'{"a":{"r":1,"b":1,"u":["u"],"x":["x"]},"b":{"r":1},"c":{"b":1}}\n'
        b'{"#t":"t1","d":{"r":1}}\n{"#t":"t1","#end":1,"e":{"r":1,"b":1}}\n'
        b'{"b":{}}\n{"#r":["c"]}\n{"c":{"b":1,"u":["v"]}}\n'
    )
    j = fresh(tmp_path)
    assert j.get("a") == Marks(read=True, bookmarked=True, user_tags=("u",), removed_auto=("x",))
    assert j.get("b") == EMPTY_MARKS
    assert j.get("c") == Marks(bookmarked=True, user_tags=("v",))
    assert j.get("d") == Marks(read=True) and j.get("e") == Marks(read=True, bookmarked=True)


def test_only_changed_ids_are_written_and_returned(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    update(j, ["a", "b"], change(read=True))
    size = (tmp_path / "marks.jsonl").stat().st_size
    assert update(j, ["a", "b"], change(read=True)) == []
    assert (tmp_path / "marks.jsonl").stat().st_size == size, "a no-op wrote a line"
    assert update(j, ["a", "b", "c"], change(read=True)) == ["c"]
    assert b'"a"' not in (tmp_path / "marks.jsonl").read_bytes().splitlines()[-1]


def test_many_ids_are_split_in_short_lines_and_all_read_back(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    ids = [f"id{i:04d}" for i in range(1000)]
    assert update(j, ids, change(bookmarked=True)) == ids
    lines = (tmp_path / "marks.jsonl").read_bytes().splitlines()
    assert len(lines) == 3 and [len(json.loads(x)["#b"]) for x in lines][-1] < 422
    # more than one line: one transaction, its token on each line, its end on the last
    assert [sorted(k for k in json.loads(x) if k.startswith("#")) for x in lines] == [
        ["#b", "#t"],
        ["#b", "#t"],
        ["#b", "#end", "#t"],
    ]
    assert all(len(x) < 4096 for x in lines)  # under a page: a kill cannot tear one
    assert {i for i, m in fresh(tmp_path).all().items() if m.bookmarked} == set(ids)
    # states with tags: LINE_IDS records a line
    tagged = ids[: LINE_IDS * 2 + 7]
    update(j, tagged, lambda _m: Marks(user_tags=("t",)))
    lines = (tmp_path / "marks.jsonl").read_bytes().splitlines()[3:]
    ids_per_line = [len([k for k in json.loads(x) if not k.startswith("#")]) for x in lines]
    assert ids_per_line == [LINE_IDS, LINE_IDS, 7]
    assert all(len(x) < 4096 for x in lines)
    again = fresh(tmp_path).all()
    assert {i for i, m in again.items() if m.user_tags == ("t",)} == set(tagged)
    assert {i for i, m in again.items() if m.bookmarked} == set(ids) - set(tagged)


def test_ids_of_any_length_keep_plain_lines_under_a_page(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    ids = [f"{'é' * (i % 300)}{i}" for i in range(600)]  # up to ~600 bytes each in UTF-8
    update(j, ids, change(read=True))
    lines = (tmp_path / "marks.jsonl").read_bytes().splitlines()
    assert len(lines) > 1 and all(len(x) < 4096 for x in lines)
    assert set(fresh(tmp_path).all()) == set(ids)


def test_last_line_wins_and_readers_catch_up_incrementally(tmp_path: Path) -> None:
    writer, reader = fresh(tmp_path), fresh(tmp_path)
    update(writer, ["a"], change(bookmarked=True))
    stamp = reader.stamp
    reader.catch_up()
    assert reader.get("a").bookmarked and reader.stamp != stamp
    update(writer, ["a"], change(bookmarked=False, read=True))
    reader.catch_up()
    assert reader.get("a") == Marks(read=True)
    stamp = reader.stamp
    reader.catch_up()  # nothing new: nothing changes
    assert reader.stamp == stamp


def test_a_replaced_or_removed_journal_is_replayed_from_the_start(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    update(j, ["a", "b"], change(read=True))
    reader = fresh(tmp_path)
    path = tmp_path / "marks.jsonl"
    tmp = tmp_path / "new.jsonl"
    tmp.write_bytes(b'{"c":{"b":1}}\n')
    os.replace(tmp, path)  # another process compacted: a new inode
    reader.catch_up()
    assert reader.all() == {"c": Marks(bookmarked=True)}
    path.unlink()
    reader.catch_up()
    assert reader.all() == {}
    assert reader.stamp == (0, None)


def test_a_torn_last_line_is_not_read_and_blocks_writes(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    update(j, ["a"], change(bookmarked=True))
    path = tmp_path / "marks.jsonl"
    with open(path, "ab") as f:
        f.write(b'{"b":{"r"')  # a write cut short
    before = path.read_bytes()
    reader = fresh(tmp_path)
    assert reader.torn_tail
    assert reader.all() == {"a": Marks(bookmarked=True)}  # every acknowledged mark
    with pytest.raises(LibraryError, match="partial line") as exc:
        update(reader, ["c"], change(read=True))
    assert str(exc.value).endswith("run `digest-tui doctor --repair` to cut it off")
    assert path.read_bytes() == before
    assert reader.get("c") == EMPTY_MARKS
    assert not fresh(tmp_path / "elsewhere").torn_tail


@pytest.mark.parametrize("bad", [b"not json", b"[1, 2]", b'{"a": 3}', b'{"a": {"u": 5}}'])
def test_a_damaged_complete_line_is_refused_and_left_alone(tmp_path: Path, bad: bytes) -> None:
    path = tmp_path / "marks.jsonl"
    path.write_bytes(b'{"a":{"r":1}}\n' + bad + b"\n" + b'{"b":{"r":1}}\n')
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="damaged line") as exc:
        fresh(tmp_path)
    assert str(exc.value).endswith("(run `digest-tui doctor` to see the options)")
    assert path.read_bytes() == before


def test_blank_lines_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "marks.jsonl").write_bytes(b'{"a":{"r":1}}\n\n  \n{"b":{"b":1}}\n')
    assert fresh(tmp_path).all() == {"a": Marks(read=True), "b": Marks(bookmarked=True)}


@pytest.mark.parametrize("how", ["raise", "short"])
def test_a_failed_append_leaves_no_half_line_and_no_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    j = fresh(tmp_path)
    update(j, ["a"], change(read=True))
    path = tmp_path / "marks.jsonl"
    before = path.read_bytes()
    real_write = os.write

    def failing(fd: int, data: bytes) -> int:
        if how == "raise":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data[: len(data) // 2])

    monkeypatch.setattr(marks_mod.os, "write", failing)
    with pytest.raises(LibraryError, match="cannot write"):
        update(j, [f"n{i}" for i in range(LINE_IDS + 1)], change(bookmarked=True))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert j.get("n0") == EMPTY_MARKS, "a mark that was not written is in memory"
    assert update(j, ["b"], change(read=True)) == ["b"]  # and the journal still works
    assert fresh(tmp_path).all() == {"a": Marks(read=True), "b": Marks(read=True)}


def test_a_failed_fsync_is_an_error_not_an_acknowledged_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    j = fresh(tmp_path)

    def failing(_fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(marks_mod.os, "fsync", failing)
    with pytest.raises(LibraryError):
        update(j, ["a"], change(read=True))
    monkeypatch.undo()
    assert fresh(tmp_path).get("a") == EMPTY_MARKS


def test_compact_keeps_the_state_and_drops_history_and_empty_marks(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    for i in range(5):
        update(j, ["a"], change(read=bool(i % 2)))
    update(j, ["b"], change(bookmarked=True))
    update(j, ["c"], change(read=True))
    update(j, ["c"], change(read=False))
    j.compact()
    lines = (tmp_path / "marks.jsonl").read_bytes().splitlines()
    assert [json.loads(x) for x in lines] == [{"#b": ["b"]}]
    assert fresh(tmp_path).all() == {"b": Marks(bookmarked=True)}
    update(j, ["d"], change(read=True))  # appending goes on after a compaction
    assert fresh(tmp_path).get("d") == Marks(read=True)
    assert fresh(tmp_path).get("b") == Marks(bookmarked=True)


def test_compact_of_nothing_leaves_an_empty_journal(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    update(j, ["a"], change(read=True))
    update(j, ["a"], change(read=False))
    j.compact()
    assert (tmp_path / "marks.jsonl").read_bytes() == b""
    assert fresh(tmp_path).all() == {}


def test_a_long_history_is_compacted_on_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(marks_mod.os, "fsync", lambda _fd: None)  # speed only
    j = fresh(tmp_path)
    for i in range(1010):
        update(j, ["a"], change(read=bool(i % 2)))
    lines = (tmp_path / "marks.jsonl").read_bytes().splitlines()
    assert len(lines) < 20, f"{len(lines)} lines: the journal was never compacted"
    assert fresh(tmp_path).get("a") == Marks(read=bool(1009 % 2))


def test_a_short_history_is_not_compacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(marks_mod.os, "fsync", lambda _fd: None)
    j = fresh(tmp_path)
    for i in range(200):
        update(j, ["a"], change(read=i % 2 == 0))
    assert len((tmp_path / "marks.jsonl").read_bytes().splitlines()) == 200


def test_compact_writes_many_entries_in_short_utf8_lines(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    ids = [f"é{i:03d}" for i in range(LINE_IDS + 3)]
    update(j, ids, change(user_tags=("café",)))
    update(j, ids, change(user_tags=("café", "naïve")))  # history to drop
    j.compact()
    raw = (tmp_path / "marks.jsonl").read_bytes()
    lines = raw.splitlines()
    assert raw.endswith(b"\n") and len(lines) == 2
    assert [len(json.loads(x)) for x in lines] == [LINE_IDS, 3]
    assert "café".encode() in raw and b"\\u" not in raw  # UTF-8 as is, like appends
    assert all(m.user_tags == ("café", "naïve") for m in fresh(tmp_path).all().values())
    assert len(fresh(tmp_path).all()) == len(ids)


def test_catching_up_three_times_keeps_the_offset_at_the_end(tmp_path: Path) -> None:
    writer, reader = fresh(tmp_path), fresh(tmp_path)
    path = tmp_path / "marks.jsonl"
    for n, tags in enumerate((("a",), ("bb", "ccc"), ("dddd",))):
        update(writer, [f"e{n}"], change(user_tags=tags))
        reader.catch_up()
        assert reader.stamp[0] == path.stat().st_size
    assert reader.all() == writer.all()


def _history(path: Path, lines: int, ids: int) -> None:
    """A journal of ``lines`` one-id lines over ``ids`` entries, written by hand."""
    out = [
        json.dumps({f"i{k % ids:03d}": {"r": 1} if k // ids % 2 == 0 else {}}) for k in range(lines)
    ]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


@pytest.mark.parametrize(("lines", "compacted"), [(1005, False), (1006, True)])
def test_compaction_starts_past_1000_lines_plus_twice_the_live_ones(
    tmp_path: Path, lines: int, compacted: bool
) -> None:
    """148 entries and the new one are 3 live lines: compacted past 1006 lines."""
    _history(tmp_path / "marks.jsonl", lines, 148)
    j = fresh(tmp_path)
    want = dict(j.all())
    update(j, ["new"], change(read=True))
    want["new"] = Marks(read=True)
    after = (tmp_path / "marks.jsonl").read_bytes().splitlines()
    assert (len(after) < 10) is compacted, len(after)
    assert {k: v for k, v in fresh(tmp_path).all().items() if v != EMPTY_MARKS} == {
        k: v for k, v in want.items() if v != EMPTY_MARKS
    }


def test_compacted_lines_are_compact_json(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    update(j, ["a"], change(read=True, user_tags=("x",)))
    j.compact()
    assert (tmp_path / "marks.jsonl").read_bytes() == b'{"a":{"r":1,"u":["x"]}}\n'


def test_a_new_journal_is_readable_by_all_writable_by_its_owner(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        update(fresh(tmp_path), ["a"], change(read=True))
    finally:
        os.umask(old)
    assert (tmp_path / "marks.jsonl").stat().st_mode & 0o777 == 0o644


def test_write_errors_say_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    j = fresh(tmp_path)
    path = tmp_path / "marks.jsonl"
    monkeypatch.setattr(marks_mod.os, "write", lambda fd, data: 0)
    with pytest.raises(LibraryError) as exc:
        update(j, ["a"], change(read=True))
    assert str(exc.value) == f"cannot write {path}: short write (disk full?)"
    monkeypatch.undo()
    with open(path, "ab") as f:
        f.write(b'{"x"')
    torn = fresh(tmp_path)
    with pytest.raises(LibraryError) as exc:
        update(torn, ["a"], change(read=True))
    assert "run `digest-tui doctor --repair` to cut it off" in str(exc.value)


@pytest.mark.parametrize("n", [1, LINE_IDS, LINE_IDS + 1, 2 * LINE_IDS, 3 * LINE_IDS])
def test_a_change_is_one_plain_line_or_one_transaction_ended_on_its_last_line(
    tmp_path: Path, n: int
) -> None:
    """Up to LINE_IDS states with tags: one plain line. More: every line of one token, the
    end on the last (also when the count is a whole number of lines), and a second reader
    applies all of it."""
    j = fresh(tmp_path)
    ids = [f"id{i:04d}" for i in range(n)]
    assert update(j, ids, lambda _m: Marks(read=True, user_tags=("t",))) == ids
    lines = [json.loads(x) for x in (tmp_path / "marks.jsonl").read_bytes().splitlines()]
    assert len(lines) == -(-n // LINE_IDS)
    if n <= LINE_IDS:
        assert not any(k.startswith("#") for k in lines[0])
    else:
        assert len({rec["#t"] for rec in lines}) == 1
        assert [rec.get("#end") for rec in lines] == [None] * (len(lines) - 1) + [1]
    assert {i for i, m in fresh(tmp_path).all().items() if m.read} == set(ids)


def test_set_many_writes_only_states_that_differ(tmp_path: Path) -> None:
    """Undo puts back states: an id already so, or unknown and put back empty, writes nothing."""
    j = fresh(tmp_path)
    update(j, ["a"], change(read=True))
    size = (tmp_path / "marks.jsonl").stat().st_size
    assert j.set_many({"a": Marks(read=True), "never-marked": EMPTY_MARKS}) == []
    assert (tmp_path / "marks.jsonl").stat().st_size == size
    assert j.set_many({"a": EMPTY_MARKS, "b": Marks(bookmarked=True)}) == ["a", "b"]
    assert fresh(tmp_path).get("a") == EMPTY_MARKS and fresh(tmp_path).get("b").bookmarked


def test_tags_in_any_script_are_stored_as_utf8_text(tmp_path: Path) -> None:
    """The journal is readable text: a tag is its UTF-8 bytes, not \\u escapes (which would
    also make a line of CJK tags several times longer, past a page)."""
    j = fresh(tmp_path)
    tags = ("café", "日本語", "ελληνικά")
    update(j, ["a"], change(user_tags=tags))
    raw = (tmp_path / "marks.jsonl").read_bytes()
    assert all(t.encode() in raw for t in tags) and b"\\u" not in raw
    j.compact()
    raw = (tmp_path / "marks.jsonl").read_bytes()
    assert all(t.encode() in raw for t in tags) and b"\\u" not in raw
    assert fresh(tmp_path).get("a").user_tags == tags


def test_a_journal_that_cannot_be_opened_is_an_error_naming_it(tmp_path: Path) -> None:
    j = fresh(tmp_path)
    (tmp_path / "marks.jsonl").mkdir()  # in the way: open for append fails
    with pytest.raises(LibraryError, match="cannot write .*marks.jsonl"):
        update(j, ["a"], change(read=True))
    assert j.get("a") == EMPTY_MARKS


def test_a_rollback_that_fails_too_is_still_the_write_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Disk full, then the truncate back fails as well: one clear error, not a crash."""
    j = fresh(tmp_path)

    def no_space(_fd: int, _data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def no_truncate(_fd: int, _size: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(marks_mod.os, "write", no_space)
    monkeypatch.setattr(marks_mod.os, "ftruncate", no_truncate)
    with pytest.raises(LibraryError, match="No space left"):
        update(j, ["a"], change(read=True))
    assert j.get("a") == EMPTY_MARKS


def test_a_replaced_journal_longer_than_the_old_is_replayed_from_the_start(
    tmp_path: Path,
) -> None:
    """A new inode means a new file, whatever its size: not more lines of the old one."""
    j = fresh(tmp_path)
    update(j, ["a"], change(read=True))
    reader = fresh(tmp_path)
    path = tmp_path / "marks.jsonl"
    tmp = tmp_path / "new.jsonl"
    tmp.write_bytes(b"".join(b'{"c%d":{"b":1}}\n' % i for i in range(20)))
    assert tmp.stat().st_size > path.stat().st_size
    os.replace(tmp, path)
    reader.catch_up()
    assert reader.all() == {f"c{i}": Marks(bookmarked=True) for i in range(20)}


def test_a_journal_that_cannot_be_read_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    j = MarksJournal(tmp_path / "file")  # stat fails with ENOTDIR, not "missing"
    with pytest.raises(LibraryError, match="cannot read .*marks.jsonl"):
        j.catch_up()


def test_a_journal_that_fails_to_open_for_reading_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    update(fresh(tmp_path), ["a"], change(read=True))

    def denied(*_args: object, **_kw: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(marks_mod, "open", denied, raising=False)
    with pytest.raises(LibraryError, match="cannot read .*marks.jsonl: Permission denied"):
        fresh(tmp_path)


def test_doctor_counts_the_id_lists_and_a_damaged_one_is_refused(tmp_path: Path) -> None:
    from store.storage.checks import check_journal

    good = b'{"a":{"r":1}}\n{"#r":["b","c"],"#t":"x"}\n{"#-":["a"],"#t":"x","#end":1}\n'
    assert check_journal(good) == (3, None, None, len(good))
    for bad in (b'{"#r":"b c"}\n', b'{"#rb":[1]}\n', b'{"#b":[""]}\n'):
        assert check_journal(good + bad)[1] == 4
        (tmp_path / "marks.jsonl").write_bytes(good + bad)
        with pytest.raises(LibraryError, match="damaged line"):
            fresh(tmp_path)
