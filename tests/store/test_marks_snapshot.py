"""``Library.all_marks``: one snapshot shared until a mark changes, never changed itself.

A listing, the tag counts and the navigator each asked for every mark, and
each got a copy (10 MB at 300k marks). The snapshot is now made once per
state of the marks: the same object while nothing changed, a new one after
any change, by this process or another, and an old snapshot keeps saying
what the marks were when it was taken.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.storage import rows as index_file
from store.storage.library import Library
from store.storage.marks import JOURNAL_NAME
from tests.support.library import numbered_entries


def _lib(directory: Path, n: int = 6) -> tuple[Library, list[str]]:
    lib = Library.open(directory)
    entries = numbered_entries(n)
    lib.save_entries(entries)
    return lib, [e.id for e in entries]


def test_the_same_snapshot_until_a_mark_changes(tmp_path: Path) -> None:
    lib, ids = _lib(tmp_path)
    lib.set_read(ids[:2], True)
    first = lib.all_marks()
    assert lib.all_marks() is first and lib.marks_and_key()[0] is first
    lib.set_bookmarked([ids[3]], True)
    second = lib.all_marks()
    assert second is not first
    assert ids[3] not in first and second[ids[3]].bookmarked  # the old one is as it was
    lib.set_read([ids[0]], False)
    assert lib.all_marks()[ids[0]].read is False and first[ids[0]].read
    lib.add_tags([ids[4]], ["kept"])
    assert lib.all_marks()[ids[4]].user_tags == ("kept",)
    lib.undo()
    assert ids[4] not in lib.all_marks() or not lib.all_marks()[ids[4]].user_tags


def test_another_processs_writes_and_a_replaced_journal_make_a_new_one(tmp_path: Path) -> None:
    lib, ids = _lib(tmp_path)
    lib.set_read([ids[0]], True)
    before = lib.all_marks()
    Library.open(tmp_path).set_bookmarked([ids[1]], True)
    lib.reload_if_changed()
    after = lib.all_marks()
    assert after[ids[1]].bookmarked and ids[1] not in before
    Library.open(tmp_path)._marks.compact()  # replaced by rename: replayed from the start
    lib.reload_if_changed()
    assert lib.all_marks() == after
    lib.all_marks()
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    empty.replace(tmp_path / JOURNAL_NAME)  # another journal, with no line to replay
    lib.reload_if_changed()
    assert lib.all_marks() == {}
    lib.set_read([ids[2]], True)
    lib.all_marks()
    (tmp_path / JOURNAL_NAME).unlink()
    lib.reload_if_changed()
    assert lib.all_marks() == {} and after[ids[0]].read


def test_a_completed_first_page_load_keeps_every_mark_in_its_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_file, "CACHE_CHUNK", 2)
    lib, ids = _lib(tmp_path)
    lib.set_read(ids[::2], True)
    want = lib.all_marks()
    page = Library.open(tmp_path, first_page=True)
    before = page.all_marks()
    assert before == want
    page.complete()
    assert page.all_marks() == want
    # keyed by the rows' own ids now, as the journal is (the old keys are let go)
    assert all(k is page.row(k).id for k in page.all_marks())
