"""Reading content shards: one parse per read, a parsed shard kept only while it is current."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from store.errors import LibraryError
from store.models import Entry, Source
from store.storage import shards
from store.storage.library import Library


def _entries(n: int) -> list[Entry]:
    src = Source("file", "Src", "/tmp/Src")
    return [
        Entry(id=f"ab{i:010x}", source=src, title=f"Title {i}", summary=f"Summary {i}")
        for i in range(n)
    ]


def test_a_resaved_entry_reads_back_new_from_a_shard_read_before(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    es = _entries(3)
    lib.save_entries(es)
    assert lib.get(es[1].id).summary == "Summary 1"  # the shard is parsed and kept
    lib.save_entries([es[1].with_(summary="changed")])
    assert lib.get(es[1].id).summary == "changed"
    # another process's write (a new file under the same name) is seen too
    other = Library.open(tmp_path / "lib")
    other.save_entries([es[2].with_(summary="from elsewhere")])
    assert lib.get(es[2].id).summary == "from elsewhere"


def test_a_shard_edited_in_place_is_parsed_again(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    es = _entries(2)
    lib.save_entries(es)
    assert lib.get(es[0].id).title == "Title 0"
    key = lib.row(es[0].id).shard
    path = shards.shard_path(lib.dir, key)
    data = json.loads(path.read_text(encoding="utf-8"))
    for doc in data["entries"].values():
        doc["title"] = doc["title"].replace("Title", "Heading")
    st = path.stat()
    path.write_text(json.dumps(data), encoding="utf-8")  # same inode, new size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert shards.read_entries(lib.dir, key, [es[0].id])[es[0].id].title == "Heading 0"


def test_first_record_of_an_id_wins_and_damage_is_refused(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    es = _entries(1)
    lib.save_entries(es)
    key = lib.row(es[0].id).shard
    path = shards.shard_path(lib.dir, key)
    data = json.loads(path.read_text(encoding="utf-8"))
    (doc,) = data["entries"].values()
    data["entries"]["2"] = {**doc, "title": "second copy"}
    data["entries"]["3"] = ["not a record"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert shards.read_entries(lib.dir, key, [es[0].id])[es[0].id].title == "Title 0"
    assert shards.read_entries(lib.dir, "cd", [es[0].id]) == {}  # no such shard
    path.write_text(json.dumps({"other": {}}), encoding="utf-8")
    with pytest.raises(LibraryError, match="no entries table"):
        shards.read_entries(lib.dir, key, [es[0].id])
