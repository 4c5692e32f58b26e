"""The index file alone: library.json, its .bak, its start-up cache, the row order.

Why: library.json is the commit point of every save and the first thing read
at start-up. These tests pin what is written, what is refused and when the
cache may be trusted, in-process (fast enough for mutation testing).
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.errors import LibraryError
from store.models import Row
from store.storage import rows as rows_mod
from store.storage.checks import diagnose
from store.storage.rows import (
    index_stamp,
    load_cache,
    read_index,
    sort_rows,
    write_cache,
    write_index,
)


def row(i: int, date: str = "", title: str = "", tags: tuple[str, ...] = ()) -> Row:
    return Row(
        id=f"r{i:03d}",
        title=title or f"Title {i}",
        show=None if i % 2 else f"Show {i}",
        source="Src",
        source_kind="file",
        date=date,
        digest_id=None,
        digest_title=None,
        link=f"https://x.example/{i}" if i % 3 == 0 else None,
        auto_tags=tags,
        chash=f"h{i}",
        ikey=f"g:{i}" if i % 2 else "",
        shard="n000001" if i % 2 else "",
    )


ROWS = [row(1, "2025-02-01", tags=("ai", "open-source")), row(2, "2025-03-01"), row(3)]


def test_write_then_read_gives_the_same_rows(tmp_path: Path) -> None:
    write_index(tmp_path, ROWS)
    got = read_index(tmp_path / "library.json")
    assert got == {r.id: r for r in ROWS}
    assert list(got) == [r.id for r in ROWS]  # list order kept
    data = json.loads((tmp_path / "library.json").read_bytes())
    assert data["schema"] == rows_mod.SCHEMA_VERSION == 3
    assert data["rows"][0] == [
        "r001",
        "Title 1",
        None,
        "Src",
        "file",
        "2025-02-01",
        None,
        None,
        None,
        ["ai", "open-source"],
        "h1",
        "g:1",
        "n000001",
    ]  # fmt: skip  (the last fields: the identity keys, the content shard)


def test_the_previous_index_is_kept_as_bak(tmp_path: Path) -> None:
    write_index(tmp_path, ROWS[:1])
    assert not (tmp_path / "library.json.bak").exists()
    first = (tmp_path / "library.json").read_bytes()
    write_index(tmp_path, ROWS)
    assert (tmp_path / "library.json.bak").read_bytes() == first
    assert read_index(tmp_path / "library.json.bak") == {ROWS[0].id: ROWS[0]}
    assert not list(tmp_path.glob("*.tmp"))


def test_a_missing_index_is_an_empty_library(tmp_path: Path) -> None:
    assert read_index(tmp_path / "library.json") == {}
    assert index_stamp(tmp_path / "library.json") is None


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   ",
        b"{not json",
        b"[]",
        b'{"rows": 3, "schema": 1}',
        b'{"rows": []}',
        b'{"rows": [], "schema": "1"}',
        b'{"rows": [], "schema": true}',
        b'{"rows": [], "schema": 0}',
        b'{"rows": [["id-only"]], "schema": 1}',
        b'{"rows": [[1,"t",null,"s","file","",null,null,null,[],"h"]], "schema": 1}',
        b'{"rows": [["i","t",null,"s","file","",null,null,null,[1],"h"]], "schema": 1}',
        b'{"rows": [["i","t",null,"s","file","",null,null,null,"ab","h"]], "schema": 1}',
        b'{"rows": [["i","t",3,"s","file","",null,null,null,[],"h"]], "schema": 1}',
        b'{"rows": [["i","t",null,"s","file",5,null,null,null,[],"h"]], "schema": 1}',
        b'{"rows": [["","t",null,"s","file","",null,null,null,[],"h"]], "schema": 1}',
    ],
)
def test_a_damaged_index_is_refused_by_name_and_left_alone(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "library.json"
    path.write_bytes(raw)
    with pytest.raises(LibraryError) as exc:
        read_index(path)
    assert str(path) in str(exc.value) and "\n" not in str(exc.value)
    assert "left untouched" in str(exc.value) and "`digest-tui doctor`" in str(exc.value)
    assert str(exc.value).endswith(")")  # the hint in parentheses closes the line
    assert path.read_bytes() == raw


def test_a_schema_1_index_reads_with_empty_identity_keys(tmp_path: Path) -> None:
    """Rows of schema 1 have no identity key: they read as "" (computed on the next ingest)."""
    path = tmp_path / "library.json"
    old = [list(r)[:-2] for r in ROWS]
    path.write_bytes(json.dumps({"schema": 1, "rows": old}).encode())
    got = read_index(path)
    assert got == {r.id: r._replace(ikey="", shard="") for r in ROWS}
    assert rows_mod.migrate(1, old) == [[*r, "", ""] for r in old]
    assert rows_mod.migrate(3, old) == old  # rows of this schema are left as they are


def test_a_schema_2_index_reads_with_rows_in_their_prefix_shards(tmp_path: Path) -> None:
    """Rows of schema 2 name no shard: they read as "" (their id prefix's shard)."""
    path = tmp_path / "library.json"
    old = [list(r)[:-1] for r in ROWS]
    path.write_bytes(json.dumps({"schema": 2, "rows": old}).encode())
    assert read_index(path) == {r.id: r._replace(shard="") for r in ROWS}
    assert rows_mod.migrate(2, old) == [[*r, ""] for r in old]


def test_a_newer_schema_asks_for_an_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    path.write_bytes(b'{"rows": [], "schema": %d}' % (rows_mod.SCHEMA_VERSION + 1))
    with pytest.raises(LibraryError, match="upgrade"):
        read_index(path)


def test_tags_read_back_as_tuples(tmp_path: Path) -> None:
    write_index(tmp_path, ROWS)
    r = read_index(tmp_path / "library.json")["r001"]
    assert r.auto_tags == ("ai", "open-source") and type(r.auto_tags) is tuple


def test_the_cache_is_used_only_for_the_index_it_was_made_from(tmp_path: Path) -> None:
    write_index(tmp_path, ROWS)
    stamp = index_stamp(tmp_path / "library.json")
    assert stamp is not None
    write_cache(tmp_path, stamp, ROWS)
    assert load_cache(tmp_path, stamp) == {r.id: r for r in ROWS}
    assert load_cache(tmp_path, None) is None
    assert load_cache(tmp_path, (stamp[0], stamp[1] + 1, stamp[2])) is None  # other size
    assert load_cache(tmp_path, (stamp[0], stamp[1], stamp[2] + 1)) is None  # other mtime
    write_index(tmp_path, ROWS[:2])  # the index changed: its stamp too
    new = index_stamp(tmp_path / "library.json")
    assert new != stamp and load_cache(tmp_path, new) is None
    write_cache(tmp_path, None, ROWS)  # no index: no cache written
    assert load_cache(tmp_path, new) is None


def test_the_cache_stores_repeated_values_once_and_loads_them_shared(tmp_path: Path) -> None:
    """Why: at 100k entries a copy of the source, show and tag tuple per row is
    a third of start-up memory; equal values must come back as one object."""
    # equal values built at run time, so they are distinct objects (literals would be shared)
    rows = [
        row(i, tags=tuple(["a" + str(i % 2), "b"]))._replace(source="".join(["Sr", "c"]))
        for i in range(1, 7)
    ]
    assert rows[0].source is not rows[1].source
    write_index(tmp_path, rows)
    stamp = index_stamp(tmp_path / "library.json")
    write_cache(tmp_path, stamp, rows)
    got = load_cache(tmp_path, stamp)
    assert got is not None and list(got.values()) == rows
    loaded = list(got.values())
    assert all(r.source is loaded[0].source for r in loaded)
    assert loaded[0].auto_tags is loaded[2].auto_tags is not loaded[1].auto_tags


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\xe3\x00\x00"])
def test_a_damaged_cache_is_ignored(tmp_path: Path, damage: bytes) -> None:
    write_index(tmp_path, ROWS)
    stamp = index_stamp(tmp_path / "library.json")
    (tmp_path / "library.cache").write_bytes(damage)
    assert load_cache(tmp_path, stamp) is None


def _cache_file(*parts: Any, magic: bytes = rows_mod._MAGIC) -> bytes:
    """A library.cache of a head and these chunks, in the layout write_cache uses.

    The columns part (the first page's, ``load_cache`` steps over it) is empty.
    """
    import marshal
    import struct

    out = [magic]
    head, *chunks = parts
    for p in (head, ([], b"", []), *chunks):
        data = marshal.dumps(p)
        out.append(struct.pack("<Q", len(data)) + data)
    return b"".join(out)


def test_a_cache_of_the_wrong_shape_is_ignored(tmp_path: Path) -> None:
    write_index(tmp_path, ROWS)
    stamp = index_stamp(tmp_path / "library.json")
    assert stamp is not None
    head = (rows_mod.CACHE_LAYOUT, rows_mod.SCHEMA_VERSION, stamp[1], stamp[2])
    good = [tuple(r) for r in ROWS]
    for parts in (
        ((*head, 1), "rows"),
        ((*head, 1), [("short",)]),
        ((*head, 1), [["a"] * 12]),
        ((*head, 1), [*good[:-1], good[-1][:-1]]),  # one row a field short
        ((*head, 1), [*good[:-1], (*good[-1], "")]),  # one row a field long
        ((*head, 1), [list(good[0]), *good[1:]]),  # one row not a tuple
        ((*head, 2), good),  # a chunk missing
        ((*head, 1), good, good),  # a chunk too many
        ((9, *head[1:], 1), good),  # another layout
        ((*head[:-1], stamp[2] + 1, 1), good),  # another index
        ("head", good),
        ((*head, "one"), good),
    ):
        (tmp_path / "library.cache").write_bytes(_cache_file(*parts))
        assert load_cache(tmp_path, stamp) is None, parts
    (tmp_path / "library.cache").write_bytes(_cache_file((*head, 1), good, magic=b"other magic\n"))
    assert load_cache(tmp_path, stamp) is None
    (tmp_path / "library.cache").write_bytes(_cache_file((*head, 2), good[:1], good[1:]))
    assert load_cache(tmp_path, stamp) == {r.id: r for r in ROWS}


def test_a_cache_is_read_in_chunks_and_a_cut_one_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why: reading 85 MB of cache at once was the peak of a 500k start; chunks keep
    one chunk's bytes in memory, and a file cut anywhere (or a length that points
    past its end) must read as damage, never as fewer rows or a huge allocation."""
    monkeypatch.setattr(rows_mod, "CACHE_CHUNK", 2)
    rows = sort_rows([row(i, f"2025-01-{i:02d}") for i in range(1, 8)])
    write_index(tmp_path, rows)
    stamp = index_stamp(tmp_path / "library.json")
    write_cache(tmp_path, stamp, rows)
    data = (tmp_path / "library.cache").read_bytes()
    assert load_cache(tmp_path, stamp) == {r.id: r for r in rows}
    assert list(load_cache(tmp_path, stamp) or ()) == [r.id for r in rows]
    for cut in (len(data) - 1, len(data) // 2, len(rows_mod._MAGIC) + 3):
        (tmp_path / "library.cache").write_bytes(data[:cut])
        assert load_cache(tmp_path, stamp) is None, cut
    (tmp_path / "library.cache").write_bytes(data + b"x")
    assert load_cache(tmp_path, stamp) is None
    huge = rows_mod._MAGIC + (2**62).to_bytes(8, "little") + b"x" * 16
    (tmp_path / "library.cache").write_bytes(huge)
    assert load_cache(tmp_path, stamp) is None


def test_a_cache_of_the_previous_layout_is_replaced(tmp_path: Path) -> None:
    """The previous release wrote one marshal of (head, rows): it must read as
    stale (library.json is read instead) and the next start has the new layout."""
    import marshal

    from store.storage.library import Library

    write_index(tmp_path, ROWS)
    stamp = index_stamp(tmp_path / "library.json")
    assert stamp is not None
    old = marshal.dumps(((rows_mod.SCHEMA_VERSION, stamp[1], stamp[2]), [tuple(r) for r in ROWS]))
    (tmp_path / "library.cache").write_bytes(old)
    assert load_cache(tmp_path, stamp) is None
    assert Library.open(tmp_path).rows() == sort_rows(ROWS)
    assert (tmp_path / "library.cache").read_bytes().startswith(rows_mod._MAGIC)
    assert load_cache(tmp_path, stamp) == {r.id: r for r in sort_rows(ROWS)}


def test_rows_open_in_sort_order_from_the_index_or_the_cache(tmp_path: Path) -> None:
    """The library trusts the loaded order (no sort at start-up): an index written
    in another order (an older release, a hand edit) is sorted when it is read."""
    from store.storage.library import Library

    shuffled = [ROWS[2], ROWS[0], ROWS[1]]
    write_index(tmp_path, shuffled)
    assert [r.id for r in Library.open(tmp_path).rows()] == ["r002", "r001", "r003"]
    assert (tmp_path / "library.cache").exists()
    assert [r.id for r in Library.open(tmp_path).rows()] == ["r002", "r001", "r003"]


def test_index_stamp_follows_replacement(tmp_path: Path) -> None:
    write_index(tmp_path, ROWS)
    path = tmp_path / "library.json"
    a = index_stamp(path)
    st = os.stat(path)
    assert a == (st.st_ino, st.st_size, st.st_mtime_ns)


def test_rows_sort_newest_first_then_by_title() -> None:
    rs = [
        row(1, "2025-01-01", "b"),
        row(2, "2025-03-01", "z"),
        row(3, "", "a"),
        row(4, "2025-03-01", "a"),
        row(5, "2025-01-01", "a"),
    ]
    assert [r.id for r in sort_rows(rs)] == ["r004", "r002", "r005", "r001", "r003"]
    assert sort_rows([]) == []


@pytest.mark.parametrize(
    "failure", [OSError(28, "No space left on device"), LibraryError("cannot write"), ValueError()]
)
def test_a_cache_that_cannot_be_written_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    """The cache is derived data: a full disk or a failed write costs speed, never the save."""
    write_index(tmp_path, ROWS)
    stamp = index_stamp(tmp_path / "library.json")

    def fail(_path: Path, _data: bytes) -> None:
        raise failure

    monkeypatch.setattr(rows_mod, "write_bytes_atomic", fail)
    write_cache(tmp_path, stamp, ROWS)  # no exception
    assert load_cache(tmp_path, stamp) is None


def test_an_unreadable_index_path_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    path = tmp_path / "file" / "library.json"  # stat fails with ENOTDIR, not "missing"
    with pytest.raises(LibraryError, match="cannot read .*library.json"):
        index_stamp(path)


def test_reading_the_cache_leaves_garbage_collection_as_it_was(tmp_path: Path) -> None:
    """The cache load turns gc off for speed; it must turn it back on (and only if it was)."""
    write_index(tmp_path, ROWS)
    stamp = index_stamp(tmp_path / "library.json")
    write_cache(tmp_path, stamp, ROWS)
    assert gc.isenabled()
    assert load_cache(tmp_path, stamp) == {r.id: r for r in ROWS}
    assert gc.isenabled()
    gc.disable()
    try:
        assert load_cache(tmp_path, stamp) is not None
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_index_write_cut_short_keeps_the_old_index_and_leaves_no_unknown_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_index(tmp_path, ROWS[:2])
    write_index(tmp_path, ROWS)
    index, bak = (tmp_path / "library.json").read_bytes(), (tmp_path / "library.json.bak")
    old_bak = bak.read_bytes()

    def fail(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rows_mod.os, "replace", fail)
    with pytest.raises(LibraryError, match="No space left"):
        write_index(tmp_path, ROWS[:1])
    monkeypatch.undo()
    assert (tmp_path / "library.json").read_bytes() == index
    assert bak.read_bytes() == old_bak  # still a good previous copy
    left = sorted(p.name for p in tmp_path.iterdir() if p.name not in ("library.json", bak.name))
    notes = {f.path for f in diagnose(tmp_path).findings if "leftover" in f.what}
    assert {str(tmp_path / n) for n in left} <= notes


@pytest.mark.parametrize("links", [True, False])
def test_the_backup_is_the_previous_index_and_never_shares_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    """The backup takes the old file by a hard link (or a copy where there are
    none); after the write the two names are two files, so damage done in place
    to library.json never reaches its backup."""
    if not links:

        def no_link(_src: object, _dst: object) -> None:
            raise OSError(1, "Operation not permitted")

        monkeypatch.setattr(rows_mod.os, "link", no_link)
    write_index(tmp_path, ROWS[:1])
    first = (tmp_path / "library.json").read_bytes()
    write_index(tmp_path, ROWS)
    index, bak = tmp_path / "library.json", tmp_path / "library.json.bak"
    assert bak.read_bytes() == first
    assert not os.path.samefile(index, bak)
    with index.open("r+b") as f:  # damage in place
        f.truncate(10)
    assert bak.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library.json", "library.json.bak"]


_ANY_TEXT = st.text(max_size=12) | st.sampled_from(
    ['"', "\\", "\x00", "\x1f", "\u2028", "é", "\U0001f600"]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_ANY_TEXT, _ANY_TEXT | st.none(), st.lists(_ANY_TEXT, max_size=3)), max_size=6
    )
)
def test_the_index_is_the_json_modules_bytes_whatever_its_strings(
    cells: list[tuple[str, str | None, list[str]]],
) -> None:
    """library.json is encoded by orjson; for any strings a row may hold (controls,
    quotes, line separators, beyond the BMP) it is byte for byte what the json module
    writes, so a library written before reads and hashes the same."""
    from store.storage.atomic import dump_json

    rows = [
        row(i)._replace(title=t or "x", link=link, auto_tags=tuple(tags))
        for i, (t, link, tags) in enumerate(cells)
    ]
    assert rows_mod._index_json(rows) == dump_json(
        {"schema": rows_mod.SCHEMA_VERSION, "rows": rows}
    )


def test_a_row_orjson_refuses_is_written_by_the_json_module(tmp_path: Path) -> None:
    """A lone surrogate (clean text has none, but a row must never fail the save):
    the json module's text, the surrogate written as "?" (as a shard writes it)."""
    odd = [row(1)._replace(title="half \ud800 a pair")]
    write_index(tmp_path, odd)
    (back,) = read_index(tmp_path / "library.json").values()
    assert back == odd[0]._replace(title="half ? a pair")
