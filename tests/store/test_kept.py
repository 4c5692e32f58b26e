"""Kept points: keep, note, unkeep, list; re-ingest never loses one; the library's promises."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import api
from store.errors import LibraryError, NotFound, UsageError
from store.models import Entry, Section, Source, short_hash
from store.storage.kept import KEPT_NAME
from store.storage.library import Library
from store.storage.shards import content_text
from store.sync.batch import EntryBatch
from tests.support.library import build_library, sample_entries

ROOT = Path(__file__).parents[2]
SRC = Source("file", "Notes", "/notes/n.md")


def deepseek(lib: Library) -> Entry:
    return next(e for e in lib.get_many([r.id for r in lib.rows()]) if e.show == "All-In Podcast")


def test_keep_note_unkeep_and_the_listing(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    e = deepseek(lib)
    first, second = e.key_points[1], e.sections[1].bullets[0]
    assert api.kept_texts(lib, e.id) == {}
    assert api.keep_point(lib, e.id, first) is True
    assert api.keep_point(lib, e.id, second, "check the numbers") is True
    assert api.keep_point(lib, e.id, first, "misleading?") is False  # kept: the note changes
    assert api.kept_texts(lib, e.id) == {first: "misleading?", second: "check the numbers"}
    points = api.kept_points(lib)
    assert [p.text for p in points] == [second, first]  # newest first
    p = points[0]
    assert (p.entry, p.title, p.source, p.date) == (e.id, e.title, "All-In Podcast", "2025-02-03")
    assert p.group and p.kept_at and not p.orphaned
    assert api.unkeep_point(lib, e.id, first) is True
    assert api.unkeep_point(lib, e.id, first) is False
    assert [q.text for q in api.kept_points(Library.open(tmp_path / "lib"))] == [second]


def test_unknown_entry_and_empty_text_write_nothing(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    with pytest.raises(NotFound):
        api.keep_point(lib, "nope", "a point")
    with pytest.raises(UsageError):
        api.keep_point(lib, lib.rows()[0].id, "   ")
    assert not (tmp_path / "lib" / KEPT_NAME).exists()


def test_query_and_points_by_number_or_prefix(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    e = deepseek(lib)
    points = api.keepable_points(lib, e.id)
    assert points[: len(e.key_points)] == list(e.key_points)
    assert "DeepSeek R1 shipped." in points  # detail bullets follow the key points
    assert api.pick_point(lib, e.id, "2") == e.key_points[1]
    assert api.pick_point(lib, e.id, "the $6 MILLION") == e.key_points[1]
    with pytest.raises(UsageError, match="no point 99"):
        api.pick_point(lib, e.id, "99")
    with pytest.raises(UsageError, match="points start with"):
        api.pick_point(lib, e.id, "deepseek")  # DeepSeek's open-source..., DeepSeek R1...
    api.keep_point(lib, e.id, e.key_points[1], "a claim to check")
    api.keep_point(lib, e.id, e.key_points[3])
    assert [p.text for p in api.kept_points(lib, "claim CHECK")] == [e.key_points[1]]
    assert [p.text for p in api.kept_points(lib, "GAP")] == [e.key_points[3]]
    assert api.kept_points(lib, "nowhere") == []


def test_a_second_instance_sees_and_keeps_what_the_first_kept(tmp_path: Path) -> None:
    a = build_library(tmp_path / "lib")
    b = Library.open(tmp_path / "lib")
    e = deepseek(a)
    api.keep_point(a, e.id, e.key_points[0])
    assert set(api.kept_texts(b, e.id)) == {e.key_points[0]}  # b's cache follows the file
    api.keep_point(b, e.id, e.key_points[2])
    assert set(api.kept_texts(a, e.id)) == {e.key_points[0], e.key_points[2]}


def _reingest(lib: Library, entry: Entry) -> None:
    batch = EntryBatch(lib, {})
    batch.add([entry], [content_text(entry)])
    batch.save()


def note_entry(points: tuple[str, ...], bullets: tuple[str, ...] = ()) -> Entry:
    return Entry(
        id=short_hash("note-1"),
        source=SRC,
        title="Harbour dredging plan",
        published="2025-03-01",
        key_points=points,
        sections=(Section("Details", "1", bullets=bullets),),
    )


def test_reingest_keeps_every_point_attached_reworded_or_orphaned(tmp_path: Path) -> None:
    v1 = note_entry(
        ("The harbour will be dredged in May.", "Costs rise by a third."),
        ("Ships wait offshore.", "The mayor objects."),
    )
    lib = build_library(tmp_path / "lib", [v1])
    for text in ("The harbour will be dredged in May.", "Costs rise by a third."):
        api.keep_point(lib, v1.id, text, "n:" + text[:3])
    api.keep_point(lib, v1.id, "Ships wait offshore.")
    api.keep_point(lib, v1.id, "The mayor objects.", "politics")
    # a new version: one point moved, one reworded in case/punctuation only, two gone
    v2 = note_entry(
        ("A summary point first.", "costs rise by a third"),
        ("The harbour will be dredged in May.",),
    )
    _reingest(lib, v2)
    again = Library.open(tmp_path / "lib")
    kept = {p.text: p for p in api.kept_points(again)}
    assert set(kept) == {
        "The harbour will be dredged in May.",  # moved to the bullets: still attached
        "costs rise by a third",  # took the new wording, and its note
        "Ships wait offshore.",
        "The mayor objects.",
    }
    assert (
        kept["costs rise by a third"].note == "n:Cos" and not kept["costs rise by a third"].orphaned
    )
    assert not kept["The harbour will be dredged in May."].orphaned
    assert kept["Ships wait offshore."].orphaned and kept["The mayor objects."].orphaned
    assert kept["The mayor objects."].note == "politics"  # the user's note is untouched
    assert "(no longer in the entry)" in api.kept_markdown(api.kept_points(again))
    # a later version brings a text back: attached again
    v3 = note_entry(("costs rise by a third", "Ships wait offshore."))
    _reingest(again, v3)
    kept = {p.text: p for p in api.kept_points(Library.open(tmp_path / "lib"))}
    assert not kept["Ships wait offshore."].orphaned
    assert kept["The harbour will be dredged in May."].orphaned
    assert len(kept) == 4


def test_an_unchanged_reingest_writes_nothing(tmp_path: Path) -> None:
    v1 = note_entry(("One.", "Two."))
    lib = build_library(tmp_path / "lib", [v1])
    api.keep_point(lib, v1.id, "One.")
    before = (tmp_path / "lib" / KEPT_NAME).stat()
    _reingest(lib, v1)
    after = (tmp_path / "lib" / KEPT_NAME).stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_a_change_that_changes_nothing_writes_nothing(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    rid = lib.rows()[0].id
    assert api.unkeep_point(lib, rid, "Never kept.") is False
    assert not (tmp_path / "lib" / KEPT_NAME).exists()
    api.keep_point(lib, rid, "Kept.", "a note")
    before = (tmp_path / "lib" / KEPT_NAME).stat()
    assert api.keep_point(lib, rid, "Kept.", "a note") is False  # same note: nothing to write
    assert api.unkeep_point(lib, rid, "Never kept.") is False
    after = (tmp_path / "lib" / KEPT_NAME).stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_an_older_library_without_the_file_opens_and_keeps(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    build_library(d)
    assert not (d / KEPT_NAME).exists()
    lib = Library.open(d)
    assert api.kept_points(lib) == []
    assert api.kept_markdown([]).startswith("# Kept points")
    rid = lib.rows()[0].id
    assert api.kept_texts(lib, rid) == {}
    api.keep_point(lib, rid, "Anything.")
    assert json.loads((d / KEPT_NAME).read_text())["v"] == 1


def test_a_damaged_file_is_reported_and_never_written_over(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    lib = build_library(d)
    (d / KEPT_NAME).write_text('{"v": 1, "points": [{"entry": 3}]}')
    with pytest.raises(LibraryError, match="damaged"):
        api.kept_points(lib)
    with pytest.raises(LibraryError, match="damaged"):
        api.keep_point(lib, lib.rows()[0].id, "x")
    assert (d / KEPT_NAME).read_text() == '{"v": 1, "points": [{"entry": 3}]}'


def _child(d: Path, body: str) -> list[str]:
    code = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from store import api
        from store.storage.library import Library
        lib = Library.open(Path({str(d)!r}))
        eid = lib.rows()[0].id
        """
    ) + textwrap.dedent(body)
    return [sys.executable, "-c", code]


def test_a_writer_killed_mid_write_leaves_all_or_nothing(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    lib = build_library(d)
    eid = lib.rows()[0].id
    api.keep_point(lib, eid, "Before.", "old note")
    before = (d / KEPT_NAME).read_bytes()
    # the child's new file is written and fsynced, then it dies before the rename
    body = """
        real = os.replace
        def dying(src, dst):
            if str(dst).endswith("kept.json"):
                os.kill(os.getpid(), 9)
            return real(src, dst)
        os.replace = dying
        api.keep_point(lib, eid, "After.", "new")
        """
    proc = subprocess.run(_child(d, body), cwd=ROOT)
    assert proc.returncode == -signal.SIGKILL
    assert (d / KEPT_NAME).read_bytes() == before
    assert api.kept_texts(Library.open(d), eid) == {"Before.": "old note"}


def test_sigkill_at_any_moment_leaves_a_whole_file(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    build_library(d)
    body = """
        print("ready", flush=True)
        for i in range(100000):
            api.keep_point(lib, eid, f"Point {i}.")
            print(i, flush=True)
        """
    proc = subprocess.Popen(_child(d, body), cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    acknowledged = -1
    for line in proc.stdout:
        if line.strip().isdigit():
            acknowledged = int(line)
            if acknowledged >= 20:
                break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    lib = Library.open(d)
    texts = api.kept_texts(lib, lib.rows()[0].id)  # parses: never a torn file
    n = len(texts)
    assert n >= acknowledged + 1  # every acknowledged point is on disk
    assert set(texts) == {f"Point {i}." for i in range(n)}  # and nothing partial


def test_two_processes_keeping_at_once_lose_nothing(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    build_library(d)
    body = """
        tag = sys.argv[1]
        for i in range(15):
            api.keep_point(lib, eid, f"{tag} {i}.")
        """
    procs = [subprocess.Popen([*_child(d, body), tag], cwd=ROOT) for tag in ("A", "B")]
    assert [p.wait() for p in procs] == [0, 0]
    lib = Library.open(d)
    assert set(api.kept_texts(lib, lib.rows()[0].id)) == {
        f"{t} {i}." for t in "AB" for i in range(15)
    }


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 4), st.sampled_from(["", "a", "b"])),
        max_size=12,
    )
)
def test_keeping_and_unkeeping_behaves_like_a_set(
    tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[bool, int, str]]
) -> None:
    lib = build_library(tmp_path_factory.mktemp("lib"), sample_entries()[:1])
    eid = lib.rows()[0].id
    model: dict[str, str] = {}
    for keep, n, note in ops:
        text = f"Point {n}."
        if keep:
            assert api.keep_point(lib, eid, text, note) is (text not in model)
            model[text] = note
        else:
            assert api.unkeep_point(lib, eid, text) is (model.pop(text, None) is not None)
    assert api.kept_texts(Library.open(lib.dir), eid) == model


def test_doctor_names_a_damaged_file_as_the_users_kept_points(tmp_path: Path) -> None:
    from store.storage import checks

    d = tmp_path / "lib"
    build_library(d)
    assert checks.KEPT == KEPT_NAME
    (d / KEPT_NAME).write_text('{"v": 1, "points": [')
    found = [f for f in checks.diagnose(d).problems if f.path.endswith(KEPT_NAME)]
    assert len(found) == 1 and found[0].severity == "error"
    assert "kept points" in found[0].todo and "only holds" not in found[0].todo
