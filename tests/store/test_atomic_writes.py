"""Atomic writes: a failure at any step of a write leaves the old file byte-identical.

Why: ``library.json`` is the commit point of every content change. Written in
place, a crash or a full disk half-way leaves a torn index and the library does
not open. SIGKILL rounds rarely land inside the few microseconds of a write, so
these tests inject the failure at each step (data written, fsync, rename) and
spy on the rename itself: a plain ``path.write_bytes`` fails all of them.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from store.errors import LibraryError
from store.models import Entry, Source
from store.storage import atomic
from store.storage.atomic import write_bytes_atomic
from store.storage.library import Library


def _entries(n: int, tag: str = "a") -> list[Entry]:
    return [
        Entry(id=f"{tag}{i:03d}", source=Source("file", "S", f"/s/{i}"), title=f"Entry {tag} {i}")
        for i in range(n)
    ]


def _disk_full(*_a: Any, **_k: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failed_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    target = tmp_path / "f.json"
    target.write_bytes(b"old contents")
    monkeypatch.setattr(atomic.os, step, _disk_full)
    with pytest.raises(LibraryError) as exc:
        write_bytes_atomic(target, b"new contents that never land")
    monkeypatch.undo()
    assert str(target) in str(exc.value) and "space" in str(exc.value).lower()
    assert target.read_bytes() == b"old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.json"], "temp file left behind"


def test_the_target_changes_only_by_one_rename_of_a_synced_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.json"
    target.write_bytes(b"old")
    seen: list[tuple[str, str, bytes, bytes]] = []
    synced: list[int] = []
    real_replace, real_fsync = os.replace, os.fsync

    def spy_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    def spy_replace(src: Any, dst: Any) -> None:
        assert synced, "renamed before the data was fsynced"
        # at the moment of the rename the target still holds the old bytes
        seen.append((str(src), str(dst), Path(dst).read_bytes(), Path(src).read_bytes()))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", spy_replace)
    monkeypatch.setattr(atomic.os, "fsync", spy_fsync)
    write_bytes_atomic(target, b"new")
    assert len(seen) == 1
    src, dst, before, staged = seen[0]
    assert dst == str(target) and Path(src).parent == tmp_path and src != dst
    assert (before, staged) == (b"old", b"new")
    assert target.read_bytes() == b"new"


def test_index_write_that_fails_leaves_library_json_and_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "lib"
    lib = Library.open(d)
    lib.save_entries(_entries(3))
    index = d / "library.json"
    before = index.read_bytes()
    real_replace = os.replace

    def fail_on_index(src: Any, dst: Any) -> None:
        if Path(dst).name == "library.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", fail_on_index)
    with pytest.raises(LibraryError):
        lib.save_entries(_entries(4, tag="b"))
    monkeypatch.undo()
    assert index.read_bytes() == before, "library.json was written in place"
    assert sorted(r.id for r in Library.open(d).rows()) == ["a000", "a001", "a002"]
    assert not [p for p in d.rglob("*.tmp")], "temp file left behind"


def test_index_write_goes_through_a_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "lib"
    lib = Library.open(d)
    lib.save_entries(_entries(2))
    renamed: list[str] = []
    real_replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        renamed.append(Path(dst).name)
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", spy)
    lib.set_auto_tags({"a000": ["topic"]})
    lib.save_entries(_entries(1, tag="c"))
    assert renamed.count("library.json") == 2
    assert Library.open(d).row("a000").auto_tags == ("topic",)


def test_tinydb_storage_writes_atomically_and_refuses_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tinydb import TinyDB

    from store.storage.atomic import AtomicJSONStorage, batch_db, open_db

    path = tmp_path / "t.json"
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.table("x").insert({"k": "café"})
    assert open_db(path).table("x").all() == [{"k": "café"}]
    assert "café".encode() in path.read_bytes()  # UTF-8 as is
    before = path.read_bytes()
    monkeypatch.setattr(atomic.os, "replace", _disk_full)
    with pytest.raises(LibraryError):
        db.table("x").insert({"k": "lost"})
    monkeypatch.undo()
    assert path.read_bytes() == before
    path.write_bytes(b"[1, 2]")
    with pytest.raises(LibraryError, match="damaged"):
        open_db(path).table("x").all()
    assert path.read_bytes() == b"[1, 2]"
    # a batch writes once, at the end, and not at all when it fails half-way
    path.write_bytes(before)
    writes: list[str] = []
    real = atomic.write_bytes_atomic

    def counted(p: Path, d: bytes, **k: Any) -> None:
        writes.append(p.name)
        real(p, d, **k)

    monkeypatch.setattr(atomic, "write_bytes_atomic", counted)
    with batch_db(path) as b:
        for i in range(5):
            b.table("x").insert({"k": i})
    assert writes == ["t.json"] and len(open_db(path).table("x").all()) == 6
    with pytest.raises(RuntimeError), batch_db(path) as b:
        b.table("x").insert({"k": "half"})
        raise RuntimeError("stop")
    assert writes == ["t.json"] and len(open_db(path).table("x").all()) == 6


def test_a_batch_that_only_reads_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.storage.atomic import batch_db, open_db

    path = tmp_path / "t.json"
    with batch_db(path) as b:
        b.table("x").insert({"k": 1})
    synced: list[str] = []
    real_sync = atomic.fsync_dir

    def spy(p: Path) -> None:
        synced.append(str(p))
        real_sync(p)

    monkeypatch.setattr(atomic, "fsync_dir", spy)
    mtime = path.stat().st_mtime_ns
    with batch_db(path) as b:
        assert b.table("x").all() == [{"k": 1}]
    assert path.stat().st_mtime_ns == mtime and synced == [], "a read-only batch wrote"
    with batch_db(path) as b:
        b.table("x").insert({"k": 2})
        assert len(b.table("x").all()) == 2  # the batch sees its own writes
    assert synced == [str(tmp_path)]  # one directory fsync for the batch
    with batch_db(path, sync_dir=False) as b:
        b.table("x").insert({"k": 3})
    assert synced == [str(tmp_path)]  # the caller fsyncs the directory itself
    assert [d["k"] for d in open_db(path).table("x").all()] == [1, 2, 3]


def test_the_temp_file_is_hidden_beside_the_target_where_doctor_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """doctor reports leftovers by name (``.NAME.*.tmp``): the temp file must be one."""
    from store.storage.checks import _TEMP_RE

    names: list[str] = []
    real_replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        names.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", spy)
    write_bytes_atomic(tmp_path / "a" / "b" / "f.json", b"x")  # missing parents are made
    (name,) = names
    assert name.startswith(".f.json.") and name.endswith(".tmp") and _TEMP_RE.search(name)
    assert (tmp_path / "a" / "b" / "f.json").read_bytes() == b"x"


def test_every_write_syncs_its_directory_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.storage.atomic import AtomicJSONStorage

    synced: list[Path] = []
    monkeypatch.setattr(atomic, "fsync_dir", synced.append)
    write_bytes_atomic(tmp_path / "f", b"1")
    assert synced == [tmp_path]
    write_bytes_atomic(tmp_path / "f", b"2", sync_dir=False)
    assert synced == [tmp_path]
    AtomicJSONStorage(tmp_path / "t.json").write({"t": {}})
    assert synced == [tmp_path, tmp_path]


def test_error_messages_name_the_file_and_the_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.storage.atomic import read_json

    target = tmp_path / "f.json"
    monkeypatch.setattr(atomic.os, "fsync", _disk_full)
    with pytest.raises(LibraryError) as exc:
        write_bytes_atomic(target, b"x")
    assert str(exc.value) == f"cannot write {target}: No space left on device"
    monkeypatch.undo()
    with pytest.raises(LibraryError) as exc:
        read_json(tmp_path)  # a directory: unreadable as a file
    assert str(exc.value).startswith(f"cannot read library file {tmp_path}: ")
    assert "Errno" not in str(exc.value)
    for raw, why in ((b"  ", "is empty or damaged"), (b"{x", "is damaged (JSONDecodeError)")):
        target.write_bytes(raw)
        with pytest.raises(LibraryError) as exc:
            read_json(target)
        assert str(exc.value) == (
            f"library file {target} {why}; it was left untouched "
            "(run `digest-tui doctor` to see the options)"
        )
    with pytest.raises(LibraryError, match=r"^marks file "):
        read_json(target, what="marks file")


def test_library_json_is_compact_utf8() -> None:
    from store.storage.atomic import dump_json

    assert dump_json({"a": [1, "é"], "b": None}) == '{"a":[1,"é"],"b":null}'.encode()


def test_a_lone_surrogate_does_not_fail_a_batch_write(tmp_path: Path) -> None:
    from store.storage.atomic import batch_db, open_db

    path = tmp_path / "t.json"
    with batch_db(path) as b:
        b.table("x").insert({"k": "bad \ud800 text"})
    (doc,) = open_db(path).table("x").all()
    assert doc["k"].startswith("bad ") and "\ud800" not in doc["k"]


def test_doctor_notes_a_leftover_temp_file_in_every_directory_of_the_library(
    tmp_path: Path,
) -> None:
    """A kill during any atomic write (the index, a shard, a word segment) leaves at most a
    temp file, and doctor names each one as a harmless note, wherever it is."""
    from store.storage.checks import diagnose
    from store.storage.library import Library

    d = tmp_path / "lib"
    Library.open(d).save_entries([])
    left = [
        d / ".library.json.k3j.tmp",
        d / "content" / ".c-0001.json.a1.tmp",
        d / "words" / ".seg-00000001.lex.myyxr_k4.tmp",
        d / "similar" / "deep" / ".x.tmp",
    ]
    for p in left:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"half")
    notes = {f.path: f for f in diagnose(d).findings}
    assert set(map(str, left)) <= set(notes)
    assert all(notes[str(p)].severity == "note" for p in left)
