"""Undo of mark changes, several steps deep and across restarts; bulk changes all or none."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from store.models import Entry, Marks, Source, short_hash
from store.storage.checks import diagnose
from store.storage.library import Library
from store.storage.marks import JOURNAL_NAME, LINE_IDS
from tests.support.library import build_library

SRC = Source("file", "Notes", "/n.txt")


def many(n: int) -> list[Entry]:
    return [Entry(id=short_hash("e", str(i)), source=SRC, title=f"Note {i}") for i in range(n)]


def state(lib: Library) -> dict[str, Marks]:
    return {r.id: lib.marks(r.id) for r in lib.rows()}


def test_undo_puts_back_exactly_what_each_change_replaced(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    ids = [r.id for r in lib.rows()]
    lib.set_read(ids[:2], True)
    lib.add_tags([ids[0]], ["harbour"])
    lib.remove_tags([ids[1]], list(lib.row(ids[1]).auto_tags[:1]))
    s0 = state(lib)
    lib.set_read(ids, True)  # a bulk "mark all read": one step
    lib.set_bookmarked(ids[2:4], True)
    s2 = state(lib)
    assert [s.label for s in lib.undo_steps()][-2:] == ["mark read", "bookmark"]
    step = lib.undo()
    assert step is not None and step.label == "bookmark" and set(step.before) == set(ids[2:4])
    step = lib.undo()
    assert step is not None and step.label == "mark read"
    assert state(lib) == s0  # mixed earlier states, tags and removed tags included
    again = Library.open(tmp_path / "lib")  # across a restart
    assert state(again) == s0
    assert [again.undo() is not None for _ in range(3)] == [True] * 3  # untag, tag, read
    assert all(m == Marks() for m in state(again).values())
    assert again.undo() is None  # the log is empty now
    assert s2 != s0


def test_nothing_to_undo_and_no_step_for_a_no_op(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    assert lib.undo() is None
    rid = lib.rows()[0].id
    lib.set_read([rid], False)  # already unread: nothing changed, nothing to undo
    assert lib.undo_steps() == []


def test_a_bulk_change_spanning_lines_is_all_or_none(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    build_library(d, many(700))  # ids under a page a line: three lines
    # a child marks everything read and is killed after its first journal line
    child = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from store.storage.library import Library
        lib = Library.open(Path({str(d)!r}))
        real = os.write
        calls = []
        def dying_write(fd, data):
            calls.append(1)
            if len(calls) == 2:
                os._exit(9)
            return real(fd, data)
        os.write = dying_write
        lib.set_read([r.id for r in lib.rows()], True)
        """
    )
    proc = subprocess.run([sys.executable, "-c", child], cwd=Path(__file__).parents[2])
    assert proc.returncode == 9
    journal = (d / JOURNAL_NAME).read_bytes()
    assert journal.count(b"\n") == 1  # one of the three lines made it
    lib = Library.open(d)
    assert not any(m.read for m in state(lib).values())  # none of it applied
    assert not [p for p in diagnose(d).problems if p.severity == "error"]
    lib.set_read([r.id for r in lib.rows()], True)  # the next bulk change is whole
    assert all(m.read for m in state(Library.open(d)).values())
    assert Library.open(d).undo() is not None
    assert not any(m.read for m in state(Library.open(d)).values())


def test_a_reader_sees_a_transaction_only_when_it_ends(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    build_library(d, many(2 * LINE_IDS + 1))
    reader = Library.open(d)
    writer = Library.open(d)
    writer.set_bookmarked([r.id for r in writer.rows()], True)
    reader.reload_if_changed()
    assert all(m.bookmarked for m in state(reader).values())


def test_state_table_changes_with_a_label_are_undone_in_turn_with_marks(tmp_path: Path) -> None:
    """A mute rule or saved search (a labelled state change) is one undo step, like a mark."""
    lib = build_library(tmp_path / "lib")
    first = lib.rows()[0].id
    rules = lib.state_table("mute")
    rules.update(lambda t: {**t, "show:Odd Lots": {"query": "show:'Odd Lots'"}}, label="mute")
    lib.set_bookmarked([first], True)
    rules.update(lambda t: {**t, "show:Odd Lots": {"query": "changed"}, "+crypto": {}}, "mute")
    rules.update(lambda t: t)  # no label: not a step (settings, derived state)
    assert [s.label for s in lib.undo_steps()][-3:] == ["mute", "bookmark", "mute"]

    reopened = Library.open(tmp_path / "lib")  # across a restart
    step = reopened.undo()
    assert step is not None and step.tables == {
        "mute": {"show:Odd Lots": {"v": {"query": "show:'Odd Lots'"}}, "+crypto": {}}
    }
    assert reopened.state_table("mute").items() == {"show:Odd Lots": {"query": "show:'Odd Lots'"}}
    assert reopened.undo() is not None and not reopened.marks(first).bookmarked
    assert reopened.state_table("mute").items() == {"show:Odd Lots": {"query": "show:'Odd Lots'"}}
    assert reopened.undo() is not None and reopened.state_table("mute").items() == {}


def test_an_unchanged_labelled_update_records_no_step(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    before = len(lib.undo_steps())
    lib.state_table("saved").update(lambda t: t, label="save search")
    assert len(lib.undo_steps()) == before
