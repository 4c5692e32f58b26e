"""Small state in TinyDB tables: feed fetch state, UI settings, flags, content shards.

Every file here is a plain TinyDB database that stock TinyDB reads; writes are
real upserts, one atomic write per batch, under the library's lock.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tinydb import Query, TinyDB

from store.errors import LibraryError
from store.models import Entry, Source
from store.storage import atomic
from store.storage.atomic import AtomicJSONStorage
from store.storage.library import Library
from store.sync.firstrun import mark_samples_offered, samples_offered


def _stock(path: Path) -> TinyDB:
    return TinyDB(path, storage=AtomicJSONStorage)


def test_a_feed_state_is_replaced_whole_and_the_others_are_kept(tmp_path: Path) -> None:
    lib = Library.open(tmp_path)
    lib.save_feed_states({"http://a/": {"etag": "1", "error": "HTTP 500"}, "http://b/": {"n": 2}})
    lib.save_feed_states({"http://a/": {"etag": "2"}})
    states = Library.open(tmp_path).feed_states()
    assert states == {
        "http://a/": {"etag": "2", "url": "http://a/"},
        "http://b/": {"n": 2, "url": "http://b/"},
    }
    table = _stock(tmp_path / "feeds.json").table("feeds")
    assert len(table) == 2
    assert table.get(Query().url == "http://a/") == {"etag": "2", "url": "http://a/"}


def test_many_feed_states_are_one_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = Library.open(tmp_path)
    lib.save_feed_states({"http://a/": {"etag": "1"}})
    written: list[Path] = []
    real = atomic.write_bytes_atomic

    def counting(path: Path, data: bytes, *, sync_dir: bool = True) -> None:
        written.append(path)
        real(path, data, sync_dir=sync_dir)

    monkeypatch.setattr(atomic, "write_bytes_atomic", counting)
    lib.save_feed_states({f"http://f{i}/": {"etag": str(i)} for i in range(50)})
    assert written == [tmp_path / "feeds.json"]
    assert len(Library.open(tmp_path).feed_states()) == 51


def test_a_state_table_upserts_and_removes_keys(tmp_path: Path) -> None:
    lib = Library.open(tmp_path)
    searches = lib.state_table("saved_searches")
    assert searches.items() == {} and searches.get("ai") is None
    searches.set("ai", "tag:ai -read")
    searches.set("cn", {"q": "china"})
    searches.set("ai", "tag:ai")
    assert Library.open(tmp_path).state_table("saved_searches").items() == {
        "ai": "tag:ai",
        "cn": {"q": "china"},
    }
    searches.update(lambda items: {k: v for k, v in items.items() if k != "cn"})
    table = _stock(tmp_path / "tables.json").table("saved_searches")
    assert [dict(d) for d in table.all()] == [{"key": "ai", "value": "tag:ai"}]


def test_two_libraries_on_one_dir_keep_each_others_settings(tmp_path: Path) -> None:
    one, two = Library.open(tmp_path), Library.open(tmp_path)
    one.update_ui_state(lambda s: {**s, "theme": "nord"})
    two.update_ui_state(lambda s: {**s, "keymap": {"q": "quit"}})
    mark_samples_offered(one)
    assert Library.open(tmp_path).ui_state() == {"theme": "nord", "keymap": {"q": "quit"}}
    assert samples_offered(two)


def test_old_side_files_are_read_until_the_first_write(tmp_path: Path) -> None:
    lib = Library.open(tmp_path)
    (tmp_path / "ui.json").write_text(json.dumps({"theme": "nord"}), "utf-8")
    (tmp_path / "state.json").write_text(json.dumps({"samples_offered": True}), "utf-8")
    assert lib.ui_state() == {"theme": "nord"}
    assert samples_offered(lib)
    assert not (tmp_path / "tables.json").exists()  # reading writes nothing
    lib.update_ui_state(lambda s: {k: v for k, v in s.items() if k != "theme"})
    assert lib.ui_state() == {}  # an emptied table stays the truth
    assert not (tmp_path / "ui.json").exists()
    assert samples_offered(lib)


def test_a_damaged_old_side_file_stops_the_write_and_is_kept(tmp_path: Path) -> None:
    lib = Library.open(tmp_path)
    (tmp_path / "ui.json").write_bytes(b"{{{{")
    with pytest.raises(LibraryError, match="ui.json"):
        lib.ui_state()
    with pytest.raises(LibraryError, match="ui.json"):
        lib.update_ui_state(lambda s: {**s, "theme": "nord"})
    assert (tmp_path / "ui.json").read_bytes() == b"{{{{"
    assert not (tmp_path / "tables.json").exists()


@pytest.mark.parametrize("damage", [b"{{{{", b"[1, 2]", b'{"ui": [1]}', b""])
def test_a_damaged_tables_file_is_named_and_never_rewritten(tmp_path: Path, damage: bytes) -> None:
    lib = Library.open(tmp_path)
    (tmp_path / "tables.json").write_bytes(damage)
    with pytest.raises(LibraryError, match="tables.json"):
        lib.ui_state()
    with pytest.raises(LibraryError, match="tables.json"):
        mark_samples_offered(lib)
    assert (tmp_path / "tables.json").read_bytes() == damage


def test_content_shards_are_tinydb_tables_of_entries(tmp_path: Path) -> None:
    lib = Library.open(tmp_path)
    src = Source("file", "S", "/s")
    es = [Entry(id=f"ab{i:010x}", source=src, title=f"T{i}") for i in range(5)]
    lib.save_entries(es)
    lib.save_entries(
        [es[2].with_(title="changed"), Entry(id="ab" + "f" * 10, source=src, title="N")]
    )
    assert {lib.row(e.id).shard for e in es} == {"n000001"}
    table = _stock(tmp_path / "content" / "n000001.json").table("entries")
    assert len(table) == 6  # the update replaced its record, the new one was added
    doc = table.get(Query().id == es[2].id)
    assert doc is not None and doc["title"] == "changed" and doc.doc_id == 3
    assert Library.open(tmp_path).get(es[2].id).title == "changed"


def test_state_writes_join_a_writing_session(tmp_path: Path) -> None:
    """A refresh commits entries and feed states in one lock session (Library.writing)."""
    lib = Library.open(tmp_path)
    src = Source("feed", "F", "http://f/")
    with lib.writing():
        lib.save_entries([Entry(id="cd" + "1" * 10, source=src, title="T")])
        lib.save_feed_states({"http://f/": {"etag": "e"}})
        mark_samples_offered(lib)
    again = Library.open(tmp_path)
    assert len(again) == 1 and again.feed_states()["http://f/"]["etag"] == "e"
    assert samples_offered(again)
