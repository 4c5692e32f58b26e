"""The library facade's edges: what a user of ``Library`` relies on beyond the happy path.

Written for the mutation run over ``store/storage/library.py`` (docs/testing-library.md):
each test pins a behaviour the suite did not, so a changed branch or message fails here.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from filelock import FileLock, Timeout

from store.errors import LibraryError, NotFound
from store.models import Entry, Marks
from store.storage import shards
from store.storage.library import Library
from store.storage.writelock import LOCK_TIMEOUT
from tests.support.library import numbered_entries


def _entries(n: int, prefix: str = "") -> list[Entry]:
    return numbered_entries(n, prefix=prefix, auto_tags=("auto-a", "auto-b"))


def _lib(tmp_path: Path, n: int = 3) -> tuple[Library, list[Entry]]:
    lib = Library.open(tmp_path / "lib")
    es = _entries(n)
    lib.save_entries(es)
    return lib, es


# -- opening and reading -------------------------------------------------------


def test_opening_a_file_as_the_data_dir_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "notadir"
    f.write_text("x")
    with pytest.raises(LibraryError, match="is not a directory"):
        Library.open(f)


def test_opening_an_absent_dir_creates_nothing_until_a_write(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    assert not (tmp_path / "lib").exists() and len(lib) == 0 and lib.rows() == []


def test_resolve_takes_a_unique_prefix_trimmed_and_in_any_case(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 3)
    full = es[1].id
    assert lib.resolve(full) == full
    assert lib.resolve(f"  {full.upper()} ") == full
    assert lib.resolve(full[:-1] + full[-1]) == full
    with pytest.raises(NotFound, match="^empty id$"):
        lib.resolve("   ")
    with pytest.raises(NotFound, match="ambiguous \\(3 entries\\)"):
        lib.resolve("aaaa")
    two = Library.open(tmp_path / "two")
    two.save_entries([es[0].with_(id="ab1"), es[0].with_(id="ab2")])
    with pytest.raises(NotFound, match="'ab' is ambiguous \\(2 entries\\)"):
        two.resolve("ab")
    with pytest.raises(NotFound, match="no entry with id 'zz'"):
        lib.resolve("zz")
    with pytest.raises(NotFound, match="no entry with id nope"):
        lib.row("nope")


def test_a_prefix_that_is_also_an_id_resolves_to_that_id(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    short, long = _entries(1)[0], _entries(1)[0]
    short = short.with_(id="abcd")
    long = long.with_(id="abcdef")
    lib.save_entries([short, long])
    assert lib.resolve("abcd") == "abcd" and lib.resolve("abcde") == "abcdef"


def test_contains_and_len(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 3)
    assert len(lib) == 3 and es[0].id in lib and "nope" not in lib


def test_get_many_keeps_the_order_asked_and_the_current_auto_tags(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 3)
    assert lib.set_auto_tags({es[2].id: ["later"]}) == 1
    got = lib.get_many([es[2].id, es[0].id])
    assert [e.id for e in got] == [es[2].id, es[0].id]
    assert got[0].auto_tags == ("later",) and got[1].auto_tags == ("auto-a", "auto-b")
    assert lib.get(es[2].id).title == "Title 2"


def test_listed_entry_whose_content_is_gone_names_doctor(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 2)
    for f in (tmp_path / "lib" / shards.CONTENT_DIR).iterdir():
        f.write_text('{"entries": {}}')
    with pytest.raises(LibraryError, match=f"entry {es[0].id} is listed.*digest-tui doctor"):
        lib.get(es[0].id)


def test_effective_tags_hide_removed_autos_and_keep_user_tags(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    eid = es[0].id
    lib.remove_tags([eid], ["auto-a"])
    lib.add_tags([eid], ["mine"])
    assert lib.effective_tags(eid) == (("auto-b",), ("mine",))
    assert lib.effective_tags("unknown") == ((), ())


# -- saving -------------------------------------------------------------------------


def test_a_changed_auto_tag_alone_is_an_update_and_a_same_one_is_not(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 2)
    res = lib.save_entries([es[0].with_(auto_tags=("other",)), es[1]])
    assert res.updated == [es[0].id] and res.unchanged == [es[1].id] and res.new == []
    assert lib.row(es[0].id).auto_tags == ("other",)
    assert Library.open(tmp_path / "lib").row(es[0].id).auto_tags == ("other",)


def test_pre_encoded_texts_are_what_is_stored(tmp_path: Path) -> None:
    """A parse worker hands ``texts``: they are written as given, aligned with the entries."""
    lib = Library.open(tmp_path / "lib")
    es = _entries(2)
    texts = [shards.content_text(e.with_(title=f"Encoded {i}")) for i, e in enumerate(es)]
    lib.save_entries(es, texts)
    assert [lib.get(e.id).title for e in es] == ["Encoded 0", "Encoded 1"]


def test_a_save_that_changes_nothing_writes_nothing(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 2)
    gen = lib.generation
    stamp = os.stat(lib.index_path).st_mtime_ns
    assert lib.save_entries(es).unchanged == [e.id for e in es]
    assert lib.generation == gen and os.stat(lib.index_path).st_mtime_ns == stamp


def test_saves_bump_the_generation_the_ui_requeries_on(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    gen = lib.generation
    lib.save_entries(_entries(1, prefix="b"))
    assert lib.generation > gen


def test_new_entries_join_the_identity_index_without_a_reload(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries([e.with_(ikey=f"k{i} j{i}") for i, e in enumerate(_entries(2))])
    idx = lib.identity_index()
    more = _entries(1, prefix="b")[0].with_(ikey="k9 j9")
    lib.save_entries([more])
    assert lib.identity_index() is idx
    assert idx["k9"] == more.id and idx["j9"] == more.id and idx["k0"] == _entries(1)[0].id


@pytest.mark.parametrize("smaller_first", [True, False])
def test_a_key_two_rows_share_names_the_smaller_id(tmp_path: Path, smaller_first: bool) -> None:
    """Copies an older release made share keys: the answer must not depend on row order."""
    lib = Library.open(tmp_path / "lib")
    a, b = _entries(2)
    pair = [a.with_(ikey="same other"), b.with_(ikey="same")]
    lib.save_entries(pair if smaller_first else pair[::-1])
    assert a.id < b.id
    for one in (lib, Library.open(tmp_path / "lib")):
        assert one.identity_index() == {"same": a.id, "other": a.id}
        assert one.has_legacy_keys is False


def test_a_legacy_key_is_noticed(tmp_path: Path) -> None:
    from store.storage.identity import LEGACY

    lib = Library.open(tmp_path / "lib")
    lib.save_entries([_entries(1)[0].with_(ikey=f"{LEGACY}old new")])
    lib.identity_index()
    assert lib.has_legacy_keys is True


def test_rows_without_keys_get_them_from_their_content_and_keep(tmp_path: Path) -> None:
    """The schema 1 → 2 migration: keys and content hash computed once, written, read back."""
    from store.storage import rows as index_file
    from store.storage.identity import stored_keys

    lib, es = _lib(tmp_path, 2)
    # as a previous release left them: no keys, a content hash of another recipe
    index_file.write_index(lib.dir, [r._replace(ikey="", chash="stale") for r in lib.rows()])
    old = Library.open(tmp_path / "lib")
    idx = old.identity_index()
    again = Library.open(tmp_path / "lib")
    for e in es:
        want = stored_keys(old.get(e.id))
        assert want and old.row(e.id).ikey == want and again.row(e.id).ikey == want
        assert [r.ikey for r in old.rows() if r.id == e.id] == [want]
        assert all(idx[k] == e.id for k in want.split())
    # the recomputed hash is the one a save compares: the same content is no update
    assert again.save_entries(es).unchanged == [e.id for e in es]
    assert old.save_entries(es).unchanged == [e.id for e in es]


def test_a_failed_save_forgets_where_new_entries_would_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib, _es = _lib(tmp_path, 1)
    lib.save_entries(_entries(1, prefix="b"))  # arrivals known now

    def boom(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shards, "write_entries", boom)
    with pytest.raises(LibraryError, match="No space left on device"):
        lib.save_entries(_entries(1, prefix="c"))
    assert lib._arrivals is None
    monkeypatch.undo()
    c = _entries(1, prefix="c")[0]
    assert lib.save_entries([c]).new == [c.id] and lib.get(c.id).id == c.id


def test_set_auto_tags_counts_real_changes_only(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 2)
    gen = lib.generation
    assert lib.set_auto_tags({es[0].id: ["auto-a", "auto-b"], "unknown": ["x"]}) == 0
    assert lib.generation == gen
    assert lib.set_auto_tags({es[0].id: ("x",), es[1].id: ["y"]}) == 2
    assert Library.open(tmp_path / "lib").row(es[1].id).auto_tags == ("y",)


# -- the write lock -----------------------------------------------------------------


def test_a_write_while_another_holds_the_lock_is_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib, es = _lib(tmp_path, 1)
    assert LOCK_TIMEOUT >= 10  # a slow disk must not make a second writer give up at once
    other = FileLock(str(tmp_path / "lib" / ".write.lock"), timeout=0)
    monkeypatch.setattr(lib._flock, "timeout", 0.05)
    busy = "is busy \\(another digest-tui is writing\\)"
    with other, pytest.raises(LibraryError, match=busy):
        lib.set_read([es[0].id])
    assert lib.set_read([es[0].id]) == [es[0].id]


def test_a_second_writer_gives_up_instead_of_waiting_forever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock has a timeout (``LOCK_TIMEOUT``, made short here): a stuck writer is reported."""
    import store.storage.writelock as writelock_module

    monkeypatch.setattr(writelock_module, "LOCK_TIMEOUT", 0.05)
    lib, es = _lib(tmp_path, 1)
    other = FileLock(str(tmp_path / "lib" / ".write.lock"), timeout=0)
    other.acquire()
    # a safety net only: should the lock wait forever, it is let go and the write succeeds
    safety = threading.Timer(5, other.release)
    safety.start()
    try:
        with pytest.raises(LibraryError, match="is busy"):
            lib.set_read([es[0].id])
    finally:
        safety.cancel()
        if other.is_locked:
            other.release()


def test_writing_holds_the_file_lock_until_the_block_ends(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    probe = FileLock(str(tmp_path / "lib" / ".write.lock"), timeout=0)
    with lib.writing():
        lib.set_read([es[0].id])
        with pytest.raises(Timeout):
            probe.acquire()
    probe.acquire()
    probe.release()


def test_writing_catches_up_with_another_process_first(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    other = Library.open(tmp_path / "lib")
    other.save_entries(_entries(1, prefix="b"))
    with lib.writing():
        assert len(lib) == 2


def test_a_library_deleted_under_us_is_not_recreated(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    os.unlink(lib.index_path)
    with pytest.raises(LibraryError, match="has vanished.*; nothing was written$"):
        lib.set_read([es[0].id])
    assert not lib.index_path.exists()


def test_the_first_write_makes_the_data_dir_and_its_parents(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "a" / "b" / "lib")
    e = _entries(1)[0]
    assert lib.save_entries([e]).new == [e.id]
    assert Library.open(tmp_path / "a" / "b" / "lib").get(e.id).title == e.title


def test_a_data_dir_that_cannot_be_made_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    lib = Library(tmp_path / "file" / "lib")
    with pytest.raises(LibraryError, match="cannot create data dir"):
        lib.write_sidecar("x.json", 1)


@pytest.mark.parametrize(
    ("exc", "text"),
    [
        (PermissionError(13, "Permission denied"), "permission denied"),
        (OSError(5, "Input/output error"), ": Input/output error$"),
        (OSError("no errno here"), ": no errno here$"),
        (LibraryError("inner reason"), "^inner reason$"),
    ],
)
def test_write_failures_are_one_library_error(tmp_path: Path, exc: Exception, text: str) -> None:
    lib, _es = _lib(tmp_path, 1)

    def fail(_old: object) -> object:
        raise exc

    with pytest.raises(LibraryError, match=text) as info:
        lib.update_sidecar("x.json", fail)
    if not isinstance(exc, LibraryError):
        assert f"cannot write to {lib.dir}" in str(info.value)


def test_reload_if_changed_reports_other_processes_writes(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    assert lib.reload_if_changed() is False
    other = Library.open(tmp_path / "lib")
    other.set_read([es[0].id])
    assert lib.reload_if_changed() is True and lib.marks(es[0].id).read
    other.save_entries(_entries(1, prefix="b"))
    gen = lib.generation
    assert lib.reload_if_changed() is True and len(lib) == 2 and lib.generation > gen
    assert lib.reload_if_changed() is False


# -- marks and undo -----------------------------------------------------------------


def test_marks_of_an_unknown_id_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    with pytest.raises(NotFound):
        lib.set_bookmarked([es[0].id, "nope"])
    assert not lib.marks(es[0].id).bookmarked and lib.undo_steps() == []


def test_each_mark_action_is_one_labelled_undo_step(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 2)
    ids = [es[0].id, es[1].id, es[0].id]
    assert lib.set_bookmarked(ids) == [es[0].id, es[1].id]
    lib.set_bookmarked([es[0].id], on=False)
    lib.set_read([es[1].id])
    lib.set_read([es[1].id], read=False)
    lib.add_tags([es[0].id], ["x", "y"])
    lib.remove_tags([es[0].id], ["x", "auto-a"])
    labels = [s.label for s in lib.undo_steps()]
    assert labels == [
        "bookmark",
        "remove bookmark",
        "mark read",
        "mark unread",
        "tag x, y",
        "untag x, auto-a",
    ]
    assert lib.marks(es[0].id) == Marks(False, False, ("y",), ("auto-a",))


def test_a_mark_whose_undo_step_cannot_be_written_says_it_was_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib, es = _lib(tmp_path, 1)

    def full(*_a: object, **_k: object) -> None:
        raise LibraryError("disk full")

    monkeypatch.setattr(lib._undo, "push", full)
    with pytest.raises(
        LibraryError, match="^the change was saved but cannot be undone: disk full$"
    ):
        lib.set_read([es[0].id])
    assert Library.open(tmp_path / "lib").marks(es[0].id).read


def test_a_change_to_nothing_new_is_no_step(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    lib.set_read([es[0].id])
    assert lib.set_read([es[0].id]) == [] and len(lib.undo_steps()) == 1


def test_toggle_bookmark_returns_the_new_state(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    eid = es[0].id
    assert lib.toggle_bookmark(eid) is True and lib.marks(eid).bookmarked
    assert lib.toggle_bookmark(eid) is False and not lib.marks(eid).bookmarked
    assert [s.label for s in lib.undo_steps()] == ["bookmark", "bookmark"]


def test_adding_a_removed_auto_tag_brings_it_back_once(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    eid = es[0].id
    lib.remove_tags([eid], ["auto-a", "auto-b"])
    lib.add_tags([eid], ["auto-a", "mine", "mine"])
    m = lib.marks(eid)
    assert m.removed_auto == ("auto-b",) and m.user_tags == ("auto-a", "mine")
    lib.add_tags([eid], ["mine", "new"])
    assert lib.marks(eid).user_tags == ("auto-a", "mine", "new")


def test_removing_tags_hides_only_autos_and_only_once(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 2)
    a, b = es[0].id, es[1].id
    lib.add_tags([a], ["mine", "keep"])
    lib.remove_tags([a, b, a], ["mine", "auto-a", "not-there"])
    assert lib.marks(a) == Marks(user_tags=("keep",), removed_auto=("auto-a",))
    assert lib.marks(b) == Marks(removed_auto=("auto-a",))
    lib.remove_tags([a], ["auto-a", "auto-b"])
    assert lib.marks(a).removed_auto == ("auto-a", "auto-b")


def test_undo_puts_back_the_last_step_only(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 2)
    assert lib.undo() is None
    lib.set_read([es[0].id])
    lib.set_bookmarked([es[0].id, es[1].id])
    step = lib.undo()
    assert step is not None and step.label == "bookmark"
    assert lib.marks(es[0].id) == Marks(read=True) and lib.marks(es[1].id) == Marks()
    assert [s.label for s in lib.undo_steps()] == ["mark read"]
    again = lib.undo()
    assert again is not None and again.label == "mark read"
    assert lib.marks(es[0].id) == Marks() and lib.undo() is None


def test_undo_puts_back_a_state_table_change(tmp_path: Path) -> None:
    lib, _es = _lib(tmp_path, 1)
    table = lib.state_table("saved")
    table.update(lambda items: {**items, "q": "one"}, label="save search")
    table.update(lambda items: {**items, "q": "two"}, label="save search")
    step = lib.undo()
    assert step is not None and step.label == "save search"
    assert lib.state_table("saved").items() == {"q": "one"}


def test_marks_and_tag_stamps_move_with_their_changes(tmp_path: Path) -> None:
    lib, es = _lib(tmp_path, 1)
    m0 = lib.marks_stamp
    lib.set_read([es[0].id])
    m1, t1 = lib.marks_stamp, lib.tag_stamp
    assert m1 != m0
    lib.set_read([es[0].id], read=False)
    assert lib.marks_stamp != m1 and lib.tag_stamp == t1
    lib.add_tags([es[0].id], ["x"])
    assert lib.tag_stamp != t1
    assert lib.all_marks() == {es[0].id: Marks(user_tags=("x",))}
