"""A library opened on its first page holds each row and each id once when the rest loads.

``store.storage.firstpage``: completing the load keeps the first page's row
objects (the listing on screen holds them), lets the page's ids by source go
before the other rows are built, and keys the marks journal (read before the
rows) by the rows' own id strings. Nothing the library answers may differ
from a library opened whole.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from store.models import Entry
from store.storage import rows as index_file
from store.storage.library import Library
from tests.support.library import numbered_entries

CHUNK = 5


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_file, "CACHE_CHUNK", CHUNK)


def _build(directory: Path, n: int = 4 * CHUNK) -> list[Entry]:
    lib = Library.open(directory)
    entries = numbered_entries(n)
    lib.save_entries(entries)
    lib.set_read([e.id for e in entries[::2]], True)
    lib.set_bookmarked([entries[1].id], True)
    return entries


def test_the_first_pages_rows_are_the_loaded_rows(tmp_path: Path) -> None:
    _build(tmp_path)
    lib = Library.open(tmp_path, first_page=True)
    page = lib.first_page()
    assert page is not None and len(page.rows) == CHUNK
    lib.complete()
    rows = lib.rows()
    assert rows == Library.open(tmp_path).rows()
    assert all(a is b for a, b in zip(rows, page.rows, strict=False))
    assert all(lib.row(r.id) is r for r in page.rows)


def test_a_changed_index_loads_its_own_rows_not_the_pages(tmp_path: Path) -> None:
    entries = _build(tmp_path)
    lib = Library.open(tmp_path, first_page=True)
    page = lib.first_page()
    assert page is not None
    newest = page.rows[0]
    changed = next(e for e in entries if e.id == newest.id).with_(title="Retitled meanwhile")
    Library.open(tmp_path).save_entries([changed])
    assert lib.row(newest.id).title == "Retitled meanwhile"
    assert lib.rows() == Library.open(tmp_path).rows()


def test_the_pages_ids_go_before_the_rows_load_and_come_back_if_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(tmp_path)
    lib = Library.open(tmp_path, first_page=True)
    page = lib.first_page()
    assert page is not None
    seen: list[object] = []
    real = index_file.load_rows
    held = sys.getrefcount(page)  # this test's name for it, the library's, the call's

    def failing(*args: object) -> object:
        seen.extend([lib._first, sys.getrefcount(page)])
        raise OSError("disk gone")

    monkeypatch.setattr(index_file, "load_rows", failing)
    with pytest.raises(OSError):
        lib.complete()
    assert seen == [None, held - 1]  # nothing but this test held the page meanwhile
    assert lib.first_page() == page  # the load failed: the first screen still has it
    monkeypatch.setattr(index_file, "load_rows", real)
    lib.complete()
    assert lib.first_page() is None
    assert lib.rows() == Library.open(tmp_path).rows()


def test_the_marks_are_keyed_by_the_rows_own_ids(tmp_path: Path) -> None:
    entries = _build(tmp_path)
    whole = Library.open(tmp_path)
    lib = Library.open(tmp_path, first_page=True)
    gone = "f" * 12  # a mark whose entry is not in the index keeps its mark
    other = Library.open(tmp_path)
    other._marks.set_many({gone: whole.marks(entries[0].id)})
    lib.reload_if_changed()
    lib.complete()
    marks = lib.all_marks()
    assert marks == {**whole.all_marks(), gone: whole.marks(entries[0].id)}
    by_key = {k: k for k in lib._marks.all()}
    for e in entries[::2]:
        assert by_key[e.id] is lib.row(e.id).id
    assert lib.marks(entries[1].id).bookmarked and lib.marks(gone).read
