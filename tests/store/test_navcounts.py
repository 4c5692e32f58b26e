"""The whole library's counts kept for the next start (``store.storage.navcounts``).

A first screen opened on the first page takes them as stored only while
library.json and the marks journal are exactly as they were counted: any
write, by this process or another, counts again. What is checked is always
the figures themselves, against ``count_rows`` over every row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store import api
from store.storage import navcounts
from store.storage import rows as index_file
from store.storage.library import Library
from store.views import Listing, Selection, count_rows
from tests.store.test_first_page import CHUNK, _build, _entries

pytestmark = pytest.mark.usefixtures("_small_chunks")


@pytest.fixture
def _small_chunks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(index_file, "CACHE_CHUNK", CHUNK)
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))


def _first_screen(d: Path) -> Listing:
    lib = Library.open(d, first_page=True)
    assert lib.first_page() is not None
    got = api.list_view(lib, Selection("all"), "")
    assert got.partial
    return got


def _truth(d: Path) -> object:
    whole = Library.open(d)
    return count_rows(whole.rows(), whole.all_marks())


def _no_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    import store.api.reading as reading

    def refuse(*_a: object) -> None:
        raise AssertionError("counted although the kept counts stand")

    monkeypatch.setattr(reading, "count_columns", refuse)


def test_a_second_start_takes_the_kept_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(tmp_path, 4 * CHUNK, {0, 3, 5, 9, 20}, {1, 3})
    first = _first_screen(tmp_path)
    assert (tmp_path / navcounts.NAME).exists()
    _no_counting(monkeypatch)
    again = _first_screen(tmp_path)
    assert again.nav == first.nav == _truth(tmp_path)


@pytest.mark.parametrize("write", ["read", "unbookmark", "new entry"])
def test_any_write_meanwhile_counts_again(tmp_path: Path, write: str) -> None:
    """Another process's write between two starts: the next start has its figures."""
    ids = _build(tmp_path, 4 * CHUNK, {0, 3}, {1, 3})
    before = _first_screen(tmp_path).nav
    other = Library.open(tmp_path)
    if write == "read":
        other.set_read([ids[-1], ids[7]], True)
    elif write == "unbookmark":
        other.set_bookmarked([ids[3]], False)
    else:
        other.save_entries([_entries(4 * CHUNK + 1)[-1]])
    after = _first_screen(tmp_path).nav
    assert after != before
    assert after == _truth(tmp_path)


def test_a_listing_after_marks_keeps_the_new_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UI lists again after each mark: the next start takes those counts as they are."""
    ids = _build(tmp_path, 4 * CHUNK, set(), set())
    lib = Library.open(tmp_path, first_page=True)
    api.list_view(lib, Selection("all"), "")
    lib.set_read(ids[:5], True)
    api.list_view(lib, Selection("unread"), "")  # any view: the counts are the library's
    _no_counting(monkeypatch)
    assert _first_screen(tmp_path).nav == _truth(tmp_path)
    assert _first_screen(tmp_path).nav.unread == 4 * CHUNK - 5


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b'{"v": 1, "key": [], "counts": [1, 1, 0, 0, []]}',
        b'{"v": 99, "key": null, "counts": null}',
    ],
)
def test_a_damaged_or_foreign_file_counts_again(tmp_path: Path, content: bytes) -> None:
    _build(tmp_path, 3 * CHUNK, {2}, set())
    (tmp_path / navcounts.NAME).write_bytes(content)
    assert _first_screen(tmp_path).nav == _truth(tmp_path)


def test_wrong_shapes_under_the_right_key_count_again(tmp_path: Path) -> None:
    _build(tmp_path, 3 * CHUNK, {2}, set())
    _first_screen(tmp_path)
    path = tmp_path / navcounts.NAME
    data = path.read_text()
    for bad in ('"counts": [1, -1, 0, 0, []]', '"counts": [1, 1, 0, 0, [["x", "feed", 1]]]'):
        head, _, _ = data.partition('"counts":')
        path.write_text(head + bad + "}")
        assert _first_screen(tmp_path).nav == _truth(tmp_path)


def test_a_library_that_cannot_be_written_still_lists(tmp_path: Path) -> None:
    _build(tmp_path, 3 * CHUNK, {2}, set())
    (tmp_path / navcounts.NAME).mkdir()  # the file's place is taken: saving fails, quietly
    assert _first_screen(tmp_path).nav == _truth(tmp_path)
