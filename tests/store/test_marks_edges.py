"""The marks journal's edges: how full a line of ids is, and stamps that never lie.

Why: the sixth mutmut run (2026-12-03, the id-list journal) left these paths
unpinned. A plain line holds ids up to LINE_BYTES bytes (each id counted with
its quotes and comma), so an off-by-one in that count moves every line break
of a compacted journal; and ``tag_stamp`` keys the tag postings of a large
library, so a stamp that comes back with other tags behind it shows stale
tags. Everything is read from outside: the bytes on disk and a second reader.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from store.models import Marks
from store.storage import marks as marks_mod
from store.storage.marks import LINE_BYTES, MarksJournal

# each id of 35 ASCII bytes counts 38 with its quotes and comma: 100 fill a line exactly
ID_BYTES = 35
PER_LINE = LINE_BYTES // (ID_BYTES + 3)
Tags = tuple[tuple[str, ...], tuple[str, ...]]


def fresh(d: Path) -> MarksJournal:
    """A second reader of the same directory, as another process would be."""
    j = MarksJournal(d)
    j.catch_up()
    return j


def ids_of(n: int, prefix: str, width: int = ID_BYTES) -> list[str]:
    return [f"{prefix}{i:0{width - len(prefix)}d}" for i in range(n)]


def plain_lines(d: Path, key: str = "#r") -> list[list[str]]:
    """The id lists of one state, line by line, in the order on disk."""
    recs = [json.loads(x) for x in (d / "marks.jsonl").read_bytes().splitlines()]
    return [r[key] for r in recs if key in r]


def test_the_ids_of_a_plain_line_fill_exactly_line_bytes(tmp_path: Path) -> None:
    """Ids counting LINE_BYTES in all stay on one line; one byte more starts the next.
    Checked on the first line and on the one after a break (whose count restarts)."""
    assert PER_LINE * (ID_BYTES + 3) == LINE_BYTES
    j = fresh(tmp_path)
    full = ids_of(2 * PER_LINE + 1, "a")
    j.set_many(dict.fromkeys(full, Marks(read=True)))
    assert plain_lines(tmp_path) == [full[:PER_LINE], full[PER_LINE:-1], full[-1:]]
    # second line: 99 ids of 38 bytes and one of 39, 3801 in all: it breaks before the last
    (tmp_path / "marks.jsonl").unlink()
    j = fresh(tmp_path)
    over = ids_of(2 * PER_LINE - 1, "b") + ids_of(1, "c", ID_BYTES + 1)
    j.set_many(dict.fromkeys(over, Marks(read=True)))
    assert plain_lines(tmp_path) == [over[:PER_LINE], over[PER_LINE:-1], over[-1:]]
    assert set(fresh(tmp_path).all()) == set(over)


def test_an_id_longer_than_a_line_is_a_line_of_its_own_never_an_empty_one(
    tmp_path: Path,
) -> None:
    j = fresh(tmp_path)
    huge = "h" * (LINE_BYTES + 10)
    j.set_many({huge: Marks(read=True)})
    assert (tmp_path / "marks.jsonl").read_bytes() == b'{"#r":["' + huge.encode() + b'"]}\n'
    j.set_many({huge: Marks(bookmarked=True), "small": Marks(bookmarked=True)})
    assert plain_lines(tmp_path, "#b") == [[huge], ["small"]]


def test_tag_stamp_never_comes_back_with_other_tags(tmp_path: Path) -> None:
    """A reader follows the journal moved away and back (same inode, rewritten
    meanwhile), appended to by another writer, rewritten in place shorter: each
    stamp it ever shows stands for one set of tags only."""
    path, away = tmp_path / "marks.jsonl", tmp_path / "moved.jsonl"
    reader = MarksJournal(tmp_path)
    seen: dict[tuple[int, int | None], dict[str, Tags]] = {}

    def look() -> None:
        reader.catch_up()
        tags = {k: (m.user_tags, m.removed_auto) for k, m in reader.all().items()}
        tags = {k: t for k, t in tags.items() if t != ((), ())}
        assert seen.setdefault(reader.tag_stamp, tags) == tags, reader.tag_stamp

    look()
    fresh(tmp_path).set_many({"e": Marks(user_tags=("x",))})
    look()
    os.rename(path, away)
    look()  # missing: no marks
    with open(away, "r+b") as f:  # rewritten in place: the inode stays
        f.truncate(0)
        f.write(b'{"#r":["e"]}\n')
    os.rename(away, path)
    look()  # back under its old inode, without the tag
    fresh(tmp_path).set_many({"e": Marks(read=True, user_tags=("y",))})
    look()
    with open(path, "r+b") as f:  # shorter, same inode: replayed from the start
        f.truncate(0)
        f.write(b'{"e":{"u":["z"]}}\n')
    look()
    assert reader.get("e") == Marks(user_tags=("z",))
    assert len(seen) == 6


def test_an_old_per_id_record_without_tags_clears_the_tags_for_the_stamp(tmp_path: Path) -> None:
    """A record of the previous release (``{"e":{"r":1}}``) that drops an entry's tags
    moves the tag stamp once; a later plain id list for that entry changes no tag
    and must not move it again (that would rebuild the tag postings)."""
    path = tmp_path / "marks.jsonl"
    path.write_bytes(b'{"e":{"u":["x"]}}\n{"f":{"x":["gone"]}}\n')
    j = fresh(tmp_path)
    before = j.tag_stamp
    with open(path, "ab") as f:
        f.write(b'{"e":{"r":1},"f":{}}\n')
    assert j.catch_up() and j.tag_stamp != before
    after = j.tag_stamp
    with open(path, "ab") as f:
        f.write(b'{"#-":["e"]}\n{"#b":["f"]}\n')
    assert j.catch_up(), "the read offset moves"
    assert j.tag_stamp == after, "no tag changed: the stamp must stay"
    assert j.get("e") == Marks() and j.get("f") == Marks(bookmarked=True)


def test_a_first_look_at_a_library_without_a_journal_changes_nothing(tmp_path: Path) -> None:
    """``catch_up`` is True only when the stamp moved: a new reader of a library that
    has no marks yet has nothing to report, nor a second look, nor after removal."""
    j = MarksJournal(tmp_path)
    stamp = j.stamp
    assert j.catch_up() is False and j.stamp == stamp
    assert j.catch_up() is False
    j.set_many({"e": Marks(read=True)})
    (tmp_path / "marks.jsonl").unlink()
    assert j.catch_up() is True and j.stamp == stamp and j.all() == {}
    assert j.catch_up() is False


def test_a_journal_begun_from_nothing_compacts_past_1000_lines_plus_twice_the_live_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One entry is one live line: 1002 appended lines stay, the 1003rd compacts."""
    monkeypatch.setattr(marks_mod.os, "fsync", lambda _fd: None)  # speed only
    path = tmp_path / "marks.jsonl"
    j = fresh(tmp_path)
    for i in range(1002):
        j.set_many({"a": Marks(read=i % 2 == 0)})
    assert len(path.read_bytes().splitlines()) == 1002
    j.set_many({"a": Marks(bookmarked=True)})
    assert path.read_bytes() == b'{"#b":["a"]}\n'
    assert fresh(tmp_path).all() == {"a": Marks(bookmarked=True)}
