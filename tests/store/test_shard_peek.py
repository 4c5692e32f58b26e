"""One record read out of its shard by its bytes: the same entry the full parse gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.errors import LibraryError
from store.models import DigestInfo, Entry, Source
from store.storage import shards
from store.storage.library import Library
from store.storage.shardpeek import peek_records

SRC = Source("file", "Src", "/tmp/src")
# text that looks like our own records from the inside: quotes, braces, ids
TRICKY = st.lists(
    st.sampled_from([*'{}":,\\ab1 éλ\n', '{"id":"ab00000001",', '"1":{']), max_size=12
).map("".join)


def _saved(tmp_path: Path, entries: list[Entry]) -> Library:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(entries)
    shards._PARSED.clear()  # a parse kept by the save would answer instead of the bytes
    return lib


def _full(lib: Library, eid: str, monkeypatch: pytest.MonkeyPatch) -> Entry:
    with monkeypatch.context() as m:
        m.setattr(shards, "PEEK_MAX", 0)
        shards._PARSED.clear()
        got = lib.get(eid)
        shards._PARSED.clear()
        return got


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(titles=st.lists(TRICKY, min_size=1, max_size=6), pick=st.integers(0, 5))
def test_a_peeked_entry_is_the_parsed_one(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    titles: list[str],
    pick: int,
) -> None:
    tmp = tmp_path_factory.mktemp("peek")
    es = [
        Entry(id=f"ab{i:08d}", source=SRC, title=t, summary=t[::-1], key_points=(t,))
        for i, t in enumerate(titles)
    ]
    lib = _saved(tmp, es)
    eid = es[pick % len(es)].id
    path = shards.shard_path(lib.dir, lib.row(eid).shard)
    peeked = peek_records(path, [eid])
    assert peeked is not None  # our own writer's shard: the fast path answers
    assert lib.get(eid) == _full(lib, eid, monkeypatch)


def test_a_digest_named_like_an_entry_is_not_taken_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the first entry's digest object starts {"id":"<the second entry's id>",...
    # before the second entry's own record: only a record at a table position counts
    first = Entry(
        id="ab00000001", source=SRC, title="one", digest=DigestInfo("ab00000002", "D", None)
    )
    second = Entry(id="ab00000002", source=SRC, title="two", summary="the real one")
    lib = _saved(tmp_path, [first, second])
    assert lib.get("ab00000002").title == "two"
    assert lib.get("ab00000002") == _full(lib, "ab00000002", monkeypatch)


def test_a_shard_another_writer_formatted_is_parsed_whole(tmp_path: Path) -> None:
    es = [Entry(id=f"ab{i:08d}", source=SRC, title=f"t{i}") for i in range(3)]
    lib = _saved(tmp_path, es)
    path = shards.shard_path(lib.dir, lib.row(es[1].id).shard)
    path.write_text(json.dumps(json.loads(path.read_text("utf-8")), indent=1), "utf-8")
    assert peek_records(path, [es[1].id]) is None
    shards._PARSED.clear()
    assert lib.get(es[1].id).title == "t1"


def test_a_truncated_shard_is_still_refused(tmp_path: Path) -> None:
    es = [Entry(id=f"ab{i:08d}", source=SRC, title=f"t{i}") for i in range(3)]
    lib = _saved(tmp_path, es)
    path = shards.shard_path(lib.dir, lib.row(es[0].id).shard)
    path.write_bytes(path.read_bytes()[:-40])
    assert peek_records(path, [es[0].id]) is None
    shards._PARSED.clear()
    with pytest.raises(LibraryError, match="damaged"):
        lib.get(es[0].id)


def test_a_bad_record_found_by_its_bytes_is_refused_as_before(tmp_path: Path) -> None:
    es = [Entry(id=f"ab{i:08d}", source=SRC, title=f"t{i}") for i in range(2)]
    lib = _saved(tmp_path, es)
    path = shards.shard_path(lib.dir, lib.row(es[0].id).shard)
    text = path.read_text("utf-8").replace('"source":{"kind":"file"', '"source":{"kynd":"file"', 1)
    path.write_text(text, "utf-8")
    shards._PARSED.clear()
    assert peek_records(path, [es[0].id]) is not None
    with pytest.raises(LibraryError, match="bad entry"):
        lib.get(es[0].id)


def test_the_first_record_of_an_id_wins_in_a_compact_shard(tmp_path: Path) -> None:
    es = [Entry(id=f"ab{i:08d}", source=SRC, title=f"t{i}") for i in range(2)]
    lib = _saved(tmp_path, es)
    path = shards.shard_path(lib.dir, lib.row(es[0].id).shard)
    data = json.loads(path.read_text("utf-8"))
    first = next(d for d in data["entries"].values() if d["id"] == es[0].id)
    data["entries"]["9"] = {**first, "title": "a later copy"}
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    assert peek_records(path, [es[0].id]) is not None
    shards._PARSED.clear()
    assert lib.get(es[0].id).title == "t0"
