"""Arrival shards: new entries fill bounded shards in arrival order (schema 3).

Why it matters: with every entry in the shard of its id's prefix, a daily
refresh of 500 new entries rewrote 218 of 256 shards (hundreds of MB at 100k
entries). Here a save writes the newest shard and new ones only; an update
stays where its entry is; a shard left by a save that never committed is not
filled on top of its leftovers; every row's content is in the shard it names.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.errors import LibraryError
from store.models import Entry, Source
from store.storage import rows as rows_mod
from store.storage import shards
from store.storage.checks import diagnose
from store.storage.library import Library

SRC = Source("file", "Src", "/src.md")


def entry(n: int, body: str = "", title: str | None = None) -> Entry:
    return Entry(id=f"{n * 7919 % 65536:04x}{n:08x}", source=SRC, title=title or f"T{n}", body=body)


def shard_files(d: Path) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in sorted((d / "content").glob("*.json"))}


def records(d: Path, name: str) -> list[str]:
    data = json.loads((d / "content" / f"{name}.json").read_text("utf-8"))
    return [r["id"] for r in data["entries"].values()]


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "ARRIVAL_ENTRIES", 4)


def test_one_big_save_fills_consecutive_shards_up_to_the_cap(tmp_path: Path, small: None) -> None:
    lib = Library.open(tmp_path)
    es = [entry(n) for n in range(10)]
    lib.save_entries(es)
    names = list(shard_files(tmp_path))
    assert names == ["n000001", "n000002", "n000003"]
    assert [len(records(tmp_path, n)) for n in names] == [4, 4, 2]
    # in arrival order, whatever the ids
    assert records(tmp_path, "n000001") == [e.id for e in es[:4]]
    reopened = Library.open(tmp_path)
    assert [e.title for e in reopened.get_many([e.id for e in es])] == [e.title for e in es]
    assert {reopened.row(e.id).shard for e in es[4:8]} == {"n000002"}


def test_a_later_save_fills_the_newest_shard_and_touches_no_full_one(
    tmp_path: Path, small: None
) -> None:
    lib = Library.open(tmp_path)
    lib.save_entries([entry(n) for n in range(6)])
    before = shard_files(tmp_path)
    lib.save_entries([entry(100), entry(101), entry(102)])
    after = shard_files(tmp_path)
    assert after["n000001"] == before["n000001"]  # full: never rewritten
    assert records(tmp_path, "n000002") == [entry(n).id for n in (4, 5, 100, 101)]
    assert records(tmp_path, "n000003") == [entry(102).id]
    # and a new process places the same way (the counts come from the rows)
    Library.open(tmp_path).save_entries([entry(103)])
    assert records(tmp_path, "n000003") == [entry(102).id, entry(103).id]


def test_an_update_is_rewritten_in_its_own_shard(tmp_path: Path, small: None) -> None:
    lib = Library.open(tmp_path)
    lib.save_entries([entry(n) for n in range(6)])
    before = shard_files(tmp_path)
    res = lib.save_entries([entry(1, title="changed")])
    assert res.updated == [entry(1).id] and not res.new
    after = shard_files(tmp_path)
    assert set(after) == set(before)
    assert after["n000002"] == before["n000002"] and after["n000001"] != before["n000001"]
    assert Library.open(tmp_path).get(entry(1).id).title == "changed"
    assert records(tmp_path, "n000001").count(entry(1).id) == 1  # replaced, not added


def test_the_byte_cap_starts_a_new_shard_but_one_huge_entry_still_fits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shards, "ARRIVAL_BYTES", 5_000)
    lib = Library.open(tmp_path)
    lib.save_entries([entry(0, "x" * 2_000), entry(1, "y" * 2_000), entry(2, "z" * 2_000)])
    lib.save_entries([entry(3, "w" * 20_000), entry(4)])
    got = {n: records(tmp_path, n) for n in shard_files(tmp_path)}
    assert got == {
        "n000001": [entry(0).id, entry(1).id],
        "n000002": [entry(2).id],
        "n000003": [entry(3).id],
        "n000004": [entry(4).id],
    }


def test_a_shard_no_index_names_is_not_filled(tmp_path: Path, small: None) -> None:
    """A save killed between its shard and its index leaves a file: the next one skips it."""
    lib = Library.open(tmp_path)
    lib.save_entries([entry(0)])
    leftover = tmp_path / "content" / "n000002.json"
    leftover.write_text(json.dumps({"entries": {"1": {"id": "ghost"}}}), "utf-8")
    again = Library.open(tmp_path)
    again.save_entries([entry(n) for n in range(1, 5)])
    assert records(tmp_path, "n000001") == [entry(n).id for n in range(4)]
    assert records(tmp_path, "n000003") == [entry(4).id]
    assert leftover.read_text("utf-8").count("ghost") == 1


def test_a_failed_save_places_the_next_one_from_what_the_index_names(
    tmp_path: Path, small: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = Library.open(tmp_path)
    lib.save_entries([entry(0), entry(1)])

    def fail(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rows_mod, "write_index", fail)
    with pytest.raises(LibraryError):
        lib.save_entries([entry(n) for n in range(2, 9)])
    monkeypatch.undo()
    monkeypatch.setattr(shards, "ARRIVAL_ENTRIES", 4)
    fresh = Library.open(tmp_path)
    assert len(fresh) == 2
    fresh.save_entries([entry(9)])
    reopened = Library.open(tmp_path)
    assert reopened.get(entry(9).id).title == "T9"
    assert diagnose(tmp_path).findings == []


def test_doctor_finds_content_that_is_not_in_the_shard_its_row_names(tmp_path: Path) -> None:
    lib = Library.open(tmp_path)
    lib.save_entries([entry(0), entry(1)])
    assert diagnose(tmp_path).findings == []
    # move entry 1's record to another shard: opening it would fail, doctor says so
    src = tmp_path / "content" / "n000001.json"
    data = json.loads(src.read_text("utf-8"))
    moved = {k: v for k, v in data["entries"].items() if v["id"] == entry(1).id}
    data["entries"] = {k: v for k, v in data["entries"].items() if k not in moved}
    src.write_text(json.dumps(data), "utf-8")
    (tmp_path / "content" / "n000009.json").write_text(json.dumps({"entries": moved}), "utf-8")
    found = diagnose(tmp_path).findings
    assert [f.fix for f in found] == ["repair"], found
    assert "missing the content of 1 listed entry" in found[0].what
    with pytest.raises(LibraryError, match="content is missing"):
        Library.open(tmp_path).get(entry(1).id)


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    batches=st.lists(
        st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3_000)), min_size=1, max_size=12),
        min_size=1,
        max_size=6,
    )
)
def test_any_sequence_of_saves_keeps_each_entry_in_its_shard(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    batches: list[list[tuple[int, int]]],
) -> None:
    """Saves of new and changed entries, each from a fresh process now and then:
    every row names a shard holding exactly one record of it, no arrival shard
    exceeds its cap of entries, and every entry reads back as last saved."""
    monkeypatch.setattr(shards, "ARRIVAL_ENTRIES", 5)
    monkeypatch.setattr(shards, "ARRIVAL_BYTES", 8_000)
    d = tmp_path_factory.mktemp("lib")
    lib = Library.open(d)
    latest: dict[str, Entry] = {}
    for k, batch in enumerate(batches):
        es = {entry(n, "b" * size).id: entry(n, "b" * size) for n, size in batch}
        lib.save_entries(list(es.values()))
        latest.update(es)
        if k % 2:
            lib = Library.open(d)
    lib = Library.open(d)
    assert len(lib) == len(latest)
    for r in lib.rows():
        assert records(d, shards.shard_of(r)).count(r.id) == 1
    for name in shard_files(d):
        held = records(d, name)
        assert len(held) == len(set(held)) <= 5
        assert set(held) <= set(latest)
    got = lib.get_many(list(latest))
    assert [e.body for e in got] == [e.body for e in latest.values()]


@pytest.mark.parametrize("damage", ["truncated", "bad-record"])
def test_a_damaged_newest_shard_is_left_alone_and_a_new_one_started(
    tmp_path: Path, small: None, damage: str
) -> None:
    """Filling it would fail after the tags and words were written (or carry a bad
    record along as sound): the save goes to a new shard and the damage stays
    where doctor finds it."""
    lib = Library.open(tmp_path)
    lib.save_entries([entry(0), entry(1)])
    path = tmp_path / "content" / "n000001.json"
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:40])
    else:
        data = json.loads(path.read_text("utf-8"))
        next(iter(data["entries"].values()))["sections"] = 7
        path.write_text(json.dumps(data), "utf-8")
    damaged = path.read_bytes()
    Library.open(tmp_path).save_entries([entry(2)])
    assert path.read_bytes() == damaged
    assert records(tmp_path, "n000002") == [entry(2).id]
    assert Library.open(tmp_path).get(entry(2).id).title == "T2"
    assert any("n000001.json" in f.path for f in diagnose(tmp_path).findings)
    # an update of an entry in it is refused, naming the shard, and writes nothing
    with pytest.raises(LibraryError, match="n000001.json"):
        Library.open(tmp_path).save_entries([entry(0, title="changed")])
    assert path.read_bytes() == damaged


def _tinydb_new_shard(path: Path, texts: list[str]) -> bytes:
    """What TinyDB writes for ``texts`` into a shard that does not exist yet
    (``write_entries`` as it was: each text parsed, the table encoded whole)."""
    from store.storage.atomic import batch_db

    records: dict[str, dict[str, object]] = {}
    for text in texts:
        rec = json.loads(text)
        records[rec["id"]] = rec
    with batch_db(path, sync_dir=False) as db:
        db.table(shards.TABLE).insert_multiple(records.values())
    return path.read_bytes()


_ODD = st.text(
    alphabet=st.sampled_from(['"', "\\", "é", "\u2028", "\ud800", "\U0001f600", "a", " ", "\n"]),
    max_size=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, 6), _ODD, _ODD), min_size=1, max_size=8))
def test_a_new_shard_is_the_very_file_tinydb_writes(
    tmp_path: Path, items: list[tuple[int, str, str]]
) -> None:
    """A shard written from scratch is joined from the entries' texts, not parsed and
    encoded again: byte for byte what TinyDB writes (records numbered from 1, a later
    copy of an id replacing an earlier in its place; quotes, backslashes, non-ASCII,
    line separators, a lone surrogate, all as TinyDB writes them)."""
    n = len(list(tmp_path.iterdir()))
    # ids with quotes, backslashes or beyond ASCII too: the id is read off the text's head
    odd_ids = {1: 'a"b', 2: "back\\slash", 3: "é-id"}
    texts = [
        shards.content_text(
            entry(k, body=body, title=f"{title}{k}").with_(id=odd_ids.get(k, entry(k).id))
        )
        for k, title, body in items
    ]
    ours, theirs = tmp_path / f"ours{n}", tmp_path / f"theirs{n}"
    (ours / "content").mkdir(parents=True)
    shards.write_entries(ours, "n000001", iter(texts))
    assert (ours / "content" / "n000001.json").read_bytes() == _tinydb_new_shard(
        tmp_path / f"theirs{n}.json", texts
    )
    assert not theirs.exists()


def test_an_empty_batch_writes_no_new_shard(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    shards.write_entries(tmp_path, "n000001", iter([]))
    assert not (tmp_path / "content" / "n000001.json").exists()


def test_a_records_id_key_is_the_same_whether_read_off_its_head_or_parsed() -> None:
    """The key of an id is its JSON string as written: off a text that starts with it,
    or from the parsed record when one does not (not a text ``content_text`` writes)."""
    for eid in ['a"b', "back\\slash", "é", "plain"]:
        head = shards.json_text({"id": eid, "title": "t"})
        later = shards.json_text({"title": "t", "id": eid})
        assert shards._id_key(head) == shards._id_key(later) == shards.json_text(eid)
