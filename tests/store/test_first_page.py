"""A library opened on its first page (``store.storage.firstpage``): the same library, sooner.

The first screen of a large library lists its newest rows and counts from
the start-up cache's first page; every other question loads the rows first.
Nothing may differ from a library opened whole: the first page is the first
rows, the counts are ``count_rows``'s, and whatever is asked after it (a row,
the rows, a prefix, a write) answers as a full open does. Chunks are made
small here (``CACHE_CHUNK``) so a library of a few dozen entries has pages.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import api
from store.index.mute import add_rule
from store.models import Entry, Source
from store.storage import navcounts
from store.storage import rows as index_file
from store.storage.library import Library
from store.views import Listing, Selection, count_rows
from tests.support.library import numbered_entries

CHUNK = 7


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(index_file, "CACHE_CHUNK", CHUNK)
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))


def _entries(n: int) -> list[Entry]:
    """``n`` entries over three sources, two kinds (a digest file and two feeds)."""
    out = []
    for i, e in enumerate(numbered_entries(n)):
        kinds: list[tuple[Literal["file", "feed"], str]] = [
            ("file", "Digest"),
            ("feed", "Alpha"),
            ("feed", "beta"),
        ]
        kind, name = kinds[i % 3]
        out.append(e.with_(source=Source(kind, name, f"/x/{name}")))
    return out


def _build(directory: Path, n: int, read: set[int], marked: set[int]) -> list[str]:
    lib = Library.open(directory)
    entries = _entries(n)
    lib.save_entries(entries)
    ids = [e.id for e in entries]
    lib.set_read([ids[i] for i in sorted(read) if i < n], True)
    lib.set_bookmarked([ids[i] for i in sorted(marked) if i < n], True)
    return ids


def _same_nav(a: Listing, b: Listing) -> None:
    for field in ("total", "unread", "bookmarked", "bookmarked_unread", "sources"):
        assert getattr(a.nav, field) == getattr(b.nav, field), field


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(CHUNK + 1, 5 * CHUNK),
    read=st.sets(st.integers(0, 5 * CHUNK)),
    marked=st.sets(st.integers(0, 5 * CHUNK)),
)
def test_first_page_lists_the_first_rows_with_the_whole_librarys_counts(
    tmp_path_factory: pytest.TempPathFactory, n: int, read: set[int], marked: set[int]
) -> None:
    d = tmp_path_factory.mktemp("lib")
    _build(d, n, read, marked)
    whole = Library.open(d)
    full = api.list_view(whole, Selection("all"), "")
    (d / navcounts.NAME).unlink()  # counted from the columns, not the counts kept by that listing
    lib = Library.open(d, first_page=True)
    assert lib.first_page() is not None and len(lib) == n
    first = api.list_view(lib, Selection("all"), "")
    assert first.partial and not full.partial
    assert first.rows == whole.rows()[:CHUNK]
    _same_nav(first, full)
    assert first.nav == count_rows(whole.rows(), whole.all_marks())
    assert lib.first_page() is not None  # the first listing loaded nothing more
    api.complete(lib)
    assert lib.first_page() is None and lib.rows() == whole.rows()
    again = api.list_view(lib, Selection("all"), "")
    assert not again.partial and again.rows == full.rows


def test_a_small_library_opens_whole(tmp_path: Path) -> None:
    _build(tmp_path, CHUNK, set(), set())
    lib = Library.open(tmp_path, first_page=True)
    assert lib.first_page() is None
    assert not api.list_view(lib, Selection("all"), "").partial


@pytest.mark.parametrize(
    "ask",
    [
        lambda lib, ids: lib.row(ids[-1]).id,
        lambda lib, ids: ids[-1] in lib,
        lambda lib, ids: lib.resolve(ids[-1][2:]) if False else lib.resolve(ids[-1]),
        lambda lib, ids: [r.id for r in lib.rows()],
        lambda lib, ids: lib.get(ids[-1]).title,
        lambda lib, ids: lib.effective_tags(ids[-1]),
        lambda lib, ids: sorted(lib.set_read([ids[-1]], False)),
    ],
)
def test_any_other_question_answers_from_every_row(tmp_path: Path, ask: object) -> None:
    ids = _build(tmp_path, 4 * CHUNK, {1, 2}, {3})
    expected = ask(Library.open(tmp_path), ids)  # type: ignore[operator]
    lib = Library.open(tmp_path, first_page=True)
    generation = lib.generation
    assert ask(lib, ids) == expected  # type: ignore[operator]
    assert lib.first_page() is None
    assert lib.generation == generation  # the same rows: nothing for a UI to list again


@pytest.mark.parametrize(
    ("selection", "query", "sticky"),
    [
        (Selection("unread"), "", ()),
        (Selection("all"), "title", ()),
        (Selection("all"), "", ("x",)),
    ],
)
def test_other_views_list_every_row(
    tmp_path: Path, selection: Selection, query: str, sticky: tuple[str, ...]
) -> None:
    _build(tmp_path, 4 * CHUNK, {0}, set())
    full = api.list_view(Library.open(tmp_path), selection, query, sticky)
    got = api.list_view(Library.open(tmp_path, first_page=True), selection, query, sticky)
    assert not got.partial and got.rows == full.rows
    assert got.rows and len(got.rows) > CHUNK


def test_a_mute_rule_makes_the_first_screen_list_every_row(tmp_path: Path) -> None:
    """Muted entries are left out of the first screen too: the rules need every row."""
    ids = _build(tmp_path, 4 * CHUNK, set(), set())
    add_rule(Library.open(tmp_path), "source:beta")
    got = api.list_view(Library.open(tmp_path, first_page=True), Selection("all"), "")
    assert not got.partial and got.rows is not None
    assert len(got.rows) == len(ids) - len(ids) // 3
    assert got.nav.muted == len(ids) // 3


def test_a_write_by_another_process_meanwhile_is_what_loads(tmp_path: Path) -> None:
    _build(tmp_path, 3 * CHUNK, set(), set())
    lib = Library.open(tmp_path, first_page=True)
    generation = lib.generation
    other = Library.open(tmp_path)
    other.save_entries([e.with_(id="b" * 12, title="Written meanwhile") for e in _entries(1)])
    assert "b" * 12 in lib and len(lib) == 3 * CHUNK + 1
    assert lib.generation != generation  # other rows: a UI lists again


@pytest.mark.parametrize("damage", ["layout 2", "layout 3", "layout 4", "truncated"])
def test_another_or_a_damaged_cache_opens_from_library_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """A cache of another layout (4: the previous release's) or a cut one is not trusted."""
    ids = _build(tmp_path, 3 * CHUNK, {0}, set())
    cache = tmp_path / index_file.CACHE_NAME
    if damage.startswith("layout"):
        monkeypatch.setattr(index_file, "CACHE_LAYOUT", int(damage.split()[1]))
        stamp = index_file.index_stamp(tmp_path / index_file.INDEX_NAME)
        index_file.write_cache(tmp_path, stamp, Library.open(tmp_path).rows())
        monkeypatch.undo()
        monkeypatch.setattr(index_file, "CACHE_CHUNK", CHUNK)
    else:
        data = cache.read_bytes()
        cache.write_bytes(data[: len(data) // 3])
        st = os.stat(tmp_path / index_file.INDEX_NAME)
        os.utime(tmp_path / index_file.INDEX_NAME, ns=(st.st_atime_ns, st.st_mtime_ns))
    stamp = index_file.index_stamp(tmp_path / index_file.INDEX_NAME)
    assert index_file.load_first(tmp_path, stamp) is None
    lib = Library.open(tmp_path, first_page=True)
    assert sorted(r.id for r in lib.rows()) == sorted(ids)
    assert lib.marks(ids[0]).read
    # the fallback wrote this layout's cache: the next start has a first page again
    assert Library.open(tmp_path, first_page=True).first_page() is not None


def test_the_whole_cache_still_loads_past_the_columns(tmp_path: Path) -> None:
    """The start-up cache with its columns part is read whole (not dropped for the JSON)."""
    _build(tmp_path, 3 * CHUNK + 2, set(), set())
    stamp = index_file.index_stamp(tmp_path / index_file.INDEX_NAME)
    cached = index_file.load_cache(tmp_path, stamp)
    assert cached is not None
    assert list(cached.values()) == Library.open(tmp_path).rows()
