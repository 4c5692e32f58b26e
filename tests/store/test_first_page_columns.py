"""The first page's ids by source stay the cache's bytes until a count needs them.

``store.storage.rows`` (cache layout 5): the columns part holds the number of
rows, a crc32 and the marshal bytes of the ids' groups, so a start whose
counts were kept never builds 500k id strings. What the page answers must be
what the whole library says; damaged bytes must never be trusted; a cache
of the previous release (layout 4) is read as stale and replaced.
"""

from __future__ import annotations

import marshal
import struct
from pathlib import Path

import pytest

from store import api
from store.models import Row, Source
from store.storage import rows as index_file
from store.storage.library import Library
from store.views import Selection, count_rows
from tests.support.library import numbered_entries

CHUNK = 4


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(index_file, "CACHE_CHUNK", CHUNK)
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))


def _build(directory: Path, n: int = 3 * CHUNK + 1) -> list[str]:
    lib = Library.open(directory)
    names = [("file", "Digest"), ("feed", "Alpha"), ("feed", "Beta")]
    entries = [
        e.with_(source=Source(names[i % 3][0], names[i % 3][1], f"/x/{i % 3}"))  # type: ignore[arg-type]
        for i, e in enumerate(numbered_entries(n))
    ]
    lib.save_entries(entries)
    ids = [e.id for e in entries]
    lib.set_read(ids[::3], True)
    lib.set_bookmarked(ids[1:3], True)
    return ids


def _groups(rows: list[Row]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        out.setdefault((r.source, r.source_kind), []).append(r.id)
    return out


def test_the_pages_ids_are_bytes_until_asked_for_and_then_every_id(tmp_path: Path) -> None:
    ids = _build(tmp_path)
    lib = Library.open(tmp_path, first_page=True)
    page = lib.first_page()
    assert page is not None and type(page.columns) is bytes
    assert len(lib) == page.total == len(ids)
    whole = Library.open(tmp_path)
    assert dict(page.by_source) == _groups(whole.rows()) and len(page.by_source) == 3
    assert lib.first_page() is page  # asking for the ids loaded no row
    listing = api.list_view(lib, Selection("all"), "")
    assert listing.partial
    nav = count_rows(whole.rows(), whole.all_marks(), frozenset())
    assert (listing.nav.total, listing.nav.unread, listing.nav.bookmarked) == (
        nav.total,
        nav.unread,
        nav.bookmarked,
    )


def _columns_part(cache: Path) -> tuple[int, int]:
    """Where the columns part's bytes start in the cache file, and its length."""
    data = cache.read_bytes()
    at = len(index_file._MAGIC)
    (size,) = struct.unpack_from("<Q", data, at)
    at += 8 + size
    (size,) = struct.unpack_from("<Q", data, at)
    return at + 8, size


@pytest.mark.parametrize("damage", ["a byte of the ids", "the count"])
def test_columns_that_do_not_check_out_open_the_library_whole(tmp_path: Path, damage: str) -> None:
    ids = _build(tmp_path)
    cache = tmp_path / index_file.CACHE_NAME
    start, size = _columns_part(cache)
    data = bytearray(cache.read_bytes())
    total, crc, columns = marshal.loads(bytes(data[start : start + size]))
    if damage == "the count":
        part = marshal.dumps((total + 1, crc, columns))
    else:
        i = columns.index(ids[0].encode())
        columns = columns[:i] + b"z" + columns[i + 1 :]
        part = marshal.dumps((total, crc, columns))
    assert len(part) == size
    data[start : start + size] = part
    cache.write_bytes(bytes(data))
    stamp = index_file.index_stamp(tmp_path / index_file.INDEX_NAME)
    assert index_file.load_first(tmp_path, stamp) is None
    lib = Library.open(tmp_path, first_page=True)
    assert sorted(r.id for r in lib.rows()) == sorted(ids) and len(lib) == len(ids)


def _layout_4_cache(directory: Path, rows: list[Row]) -> bytes:
    """library.cache as the previous release wrote it: a head of five, the ids'
    groups marshalled in the columns part itself, then the chunks."""
    stamp = index_file.index_stamp(directory / index_file.INDEX_NAME)
    assert stamp is not None
    chunks = [[tuple(r) for r in rows[i : i + CHUNK]] for i in range(0, len(rows), CHUNK)]
    groups = [(n, k, i) for (n, k), i in _groups(rows).items()]
    head = (4, index_file.SCHEMA_VERSION, stamp[1], stamp[2], len(chunks))
    parts = [marshal.dumps(head), marshal.dumps(groups), *map(marshal.dumps, chunks)]
    return index_file._MAGIC + b"".join(struct.pack("<Q", len(p)) + p for p in parts)


def test_a_cache_of_the_previous_release_is_replaced_with_every_mark_kept(
    tmp_path: Path,
) -> None:
    ids = _build(tmp_path)
    before = Library.open(tmp_path)
    rows, marks = before.rows(), before.all_marks()
    cache = tmp_path / index_file.CACHE_NAME
    cache.write_bytes(_layout_4_cache(tmp_path, rows))
    stamp = index_file.index_stamp(tmp_path / index_file.INDEX_NAME)
    assert index_file.load_first(tmp_path, stamp) is None
    assert index_file.load_cache(tmp_path, stamp) is None
    lib = Library.open(tmp_path, first_page=True)
    assert lib.first_page() is None  # read whole, from library.json
    assert lib.rows() == rows and lib.all_marks() == marks
    assert lib.marks(ids[1]).bookmarked and lib.marks(ids[0]).read
    again = Library.open(tmp_path, first_page=True)  # the cache was written anew
    page = again.first_page()
    assert page is not None and dict(page.by_source) == _groups(rows)
    assert again.rows() == rows and again.all_marks() == marks


def test_equal_dates_of_neighbouring_rows_load_as_one_string(tmp_path: Path) -> None:
    """The episodes of a digest share its day: one date string for them (in a chunk:
    marshal shares objects within one part)."""
    lib = Library.open(tmp_path)
    days = ["2025-03-0" + str(1 + i // CHUNK) for i in range(3 * CHUNK)]  # a chunk a day
    entries = [
        e.with_(published="".join([d, ""]), title=f"Episode {i}")
        for i, (e, d) in enumerate(zip(numbered_entries(len(days)), days, strict=True))
    ]
    lib.save_entries(entries)
    stamp = index_file.index_stamp(tmp_path / index_file.INDEX_NAME)
    got = index_file.load_cache(tmp_path, stamp)
    assert got is not None and list(got.values()) == Library.open(tmp_path).rows()
    by_day: dict[str, set[int]] = {}
    for r in got.values():
        by_day.setdefault(r.date, set()).add(id(r.date))
    assert len(by_day) == len(set(days)) and all(len(objs) == 1 for objs in by_day.values())
