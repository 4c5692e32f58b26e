"""The undo log under a second instance, kill -9 and damage.

What ``Library._update_marks`` guarantees, and what is tested here exactly:
the new marks are written first (one journal line, or one transaction of
several: all or none), the undo step after them. So a kill leaves the change
all applied or not at all, and the log never holds a step whose change did
not happen; a kill between the two costs that one step (the change stays).
Undo writes the old marks first and the "undone" line after: a kill between
leaves a step whose undo is already done, and undoing it again writes the
same states: harmless. A damaged or torn log line costs one step, never a
later one, never a mark.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from store.models import Marks
from store.storage.library import Library
from store.storage.marks import JOURNAL_NAME, LINE_BYTES, encode_records
from store.storage.undo import UNDO_NAME
from tests.support.reliability import REPO, cli_env, run_cli, synthetic_entries

STEPS = 40  # under the log's 50 kept steps: every one must be there


def _state(lib: Library) -> dict[str, Marks]:
    return {r.id: lib.marks(r.id) for r in lib.rows()}


def _log(d: Path) -> list[dict[str, object]]:
    """Every line of the undo log, each of which must parse."""
    lines = (d / UNDO_NAME).read_bytes().splitlines()
    return [json.loads(line) for line in lines]


WRITER = r"""
import sys
from pathlib import Path
from store.storage.library import Library
lib = Library.open(Path(sys.argv[1]))
ids = sorted(r.id for r in lib.rows())[: int(sys.argv[2])]
for eid in ids:
    lib.set_bookmarked([eid], True)
"""

UNDOER = r"""
import sys
from pathlib import Path
from store.storage.library import Library
lib = Library.open(Path(sys.argv[1]))
done = 0
while done < int(sys.argv[2]):
    step = lib.undo()
    if step is not None:
        print(step.n, flush=True)
        done += 1
"""


def test_a_second_instance_undoing_while_another_writes_loses_no_step(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    Library.open(d).save_entries(synthetic_entries(STEPS + 5))
    undos = 15
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(d), str(STEPS)], env=cli_env(), cwd=REPO
    )
    undoer = subprocess.Popen(
        [sys.executable, "-c", UNDOER, str(d), str(undos)],
        env=cli_env(),
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    out, _err = undoer.communicate(timeout=300)
    assert writer.wait(timeout=300) == 0 and undoer.returncode == 0
    undone_by_b = [int(x) for x in out.split()]
    log = _log(d)  # no torn or interleaved line
    steps = [r for r in log if "n" in r]
    assert len(steps) == STEPS  # every change the writer made is one step: none lost
    assert len({r["n"] for r in steps}) == STEPS  # numbers never handed out twice
    undone = [int(str(r["undone"])) for r in log if "undone" in r]
    assert sorted(undone) == sorted(undone_by_b) and len(set(undone)) == undos
    lib = Library.open(d)
    for r in steps:
        before = r["before"]
        assert isinstance(before, dict)
        (eid,) = before
        assert lib.marks(eid).bookmarked == (r["n"] not in undone), eid
    # the rest of the log takes the library back to exactly where it started
    while lib.undo() is not None:
        pass
    assert not any(m.bookmarked for m in _state(lib).values())


DYING = textwrap.dedent(
    r"""
    import os, sys
    from pathlib import Path
    from store.storage.library import Library
    d, at, how, what = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    lib = Library.open(d)
    real = os.write
    calls = []
    def dying_write(fd, data):
        calls.append(1)
        if len(calls) == at:
            if how == "half":  # the kernel took part of the write: a torn line
                real(fd, data[: len(data) // 2])
            os._exit(9)
        return real(fd, data)
    os.write = dying_write
    if what == "bulk":
        lib.set_read([r.id for r in lib.rows()], True)
    else:
        lib.undo()
    """
)

# marking all read writes two full lines of read ids (12-hex ids, 15 bytes each
# with quotes and comma), a part one and the bookmarked entry's line: four
# journal lines, so the bulk action is a transaction
N_BULK = 2 * (LINE_BYTES // 15) + 7
WRITES = 4 + 1  # the marks' lines, then the undo step (or the "undone" line)


def _die_at(d: Path, at: int, how: str, what: str) -> int:
    proc = subprocess.run(
        [sys.executable, "-c", DYING, str(d), str(at), how, what], env=cli_env(), cwd=REPO
    )
    return proc.returncode


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("undo") / "pristine"
    lib = Library.open(d)
    lib.save_entries(synthetic_entries(N_BULK))
    first = lib.rows()[0].id
    lib.set_bookmarked([first], True)  # an earlier step, to undo after
    read = {r.id: Marks(read=True, bookmarked=r.id == first) for r in lib.rows()}
    assert len(encode_records(read)) == 4  # the transaction the kills below cut
    return d


def _fresh(pristine: Path, tmp_path: Path, name: str) -> Path:
    d = tmp_path / name
    shutil.copytree(pristine, d)
    return d


def _repaired(d: Path) -> Library:
    """The library as a user gets it back: a torn marks line is cut by doctor --repair."""
    lib = Library.open(d)
    if lib._marks.torn_tail:
        assert run_cli(d, "doctor", "--repair").returncode == 0
        lib = Library.open(d)
    return lib


@pytest.mark.parametrize("how", ["before", "half"])
@pytest.mark.parametrize("at", range(1, WRITES + 2))
def test_kill_during_a_bulk_action_is_all_or_none_and_no_step_without_its_change(
    pristine: Path, tmp_path: Path, at: int, how: str
) -> None:
    d = _fresh(pristine, tmp_path, f"lib-{at}-{how}")
    before = _state(Library.open(d))
    steps_before = len(Library.open(d).undo_steps())
    code = _die_at(d, at, how, "bulk")
    assert code == (9 if at <= WRITES else 0)
    lib = _repaired(d)
    now = _state(lib)
    applied = all(m.read for m in now.values())
    assert applied or now == before  # all of it or none of it
    stepped = len(lib.undo_steps()) == steps_before + 1
    assert not stepped or applied  # never a step whose change did not happen
    # exactly which: killed in the marks' lines -> nothing; in the step -> the
    # change without its step; never killed -> both
    assert (applied, stepped) == ((False, False) if at <= 4 else (at > 4, at > WRITES))
    if stepped:
        assert lib.undo() is not None and _state(lib) == before
    # the earlier step is still there and still undoes exactly
    while lib.undo_steps() and lib.undo_steps()[-1].label == "mark read":
        lib.undo()
    step = lib.undo()
    assert step is not None and step.label == "bookmark"
    assert not any(m.bookmarked for m in _state(lib).values())


@pytest.mark.parametrize("how", ["before", "half"])
@pytest.mark.parametrize("at", range(1, WRITES + 2))
def test_kill_during_an_undo_leaves_a_step_whose_second_undo_is_harmless(
    pristine: Path, tmp_path: Path, at: int, how: str
) -> None:
    d = _fresh(pristine, tmp_path, f"undo-{at}-{how}")
    lib = Library.open(d)
    start = _state(lib)
    lib.set_read([r.id for r in lib.rows()], True)
    code = _die_at(d, at, how, "undo")
    assert code == (9 if at <= WRITES else 0)
    lib = _repaired(d)
    now = _state(lib)
    assert now == start or all(m.read for m in now.values())  # all or none
    # whatever the kill left, undoing until the bookmark step gives exactly the start
    while lib.undo_steps() and lib.undo_steps()[-1].label == "mark read":
        assert lib.undo() is not None
        assert _state(lib) == start  # a repeated undo writes the same states
    assert _state(lib) == start
    assert [s.label for s in lib.undo_steps()] == ["bookmark"]


def _four_steps(d: Path) -> tuple[Library, list[str]]:
    lib = Library.open(d)
    lib.save_entries(synthetic_entries(6))
    ids = sorted(r.id for r in lib.rows())
    lib.set_read([ids[0]], True)  # step 1
    lib.set_bookmarked([ids[1]], True)  # step 2 (its line gets damaged)
    lib.add_tags([ids[2]], ["kept"])  # step 3
    lib.set_read([ids[3]], True)  # step 4
    return lib, ids


def _damage_line(d: Path, index: int, new: bytes) -> None:
    lines = (d / UNDO_NAME).read_bytes().splitlines(keepends=True)
    lines[index] = new
    (d / UNDO_NAME).write_bytes(b"".join(lines))


DAMAGE = {
    "garbage-bytes": lambda d: _damage_line(d, 1, b"\xff\xfe{not json at all\n"),
    "wrong-types": lambda d: _damage_line(d, 1, b'{"n":"two","label":7,"before":[1]}\n'),
    "undone-wrong-type": lambda d: _damage_line(d, 1, b'{"undone":"all"}\n'),
    "flipped-bracket": lambda d: _damage_line(
        d, 1, (d / UNDO_NAME).read_bytes().splitlines(keepends=True)[1].replace(b"{", b"[", 1)
    ),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_line_costs_its_step_and_never_the_marks_across_restart(
    tmp_path: Path, damage: str
) -> None:
    d = tmp_path / "lib"
    lib, ids = _four_steps(d)
    marks_file = (d / JOURNAL_NAME).read_bytes()
    marked = _state(lib)
    DAMAGE[damage](d)
    again = Library.open(d)  # a restart
    assert _state(again) == marked  # the marks are whole
    assert [s.label for s in again.undo_steps()] == ["mark read", "tag kept", "mark read"]
    again.set_bookmarked([ids[4]], True)  # a change after the damage is one step
    proc = run_cli(d, "undo")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert proc.stdout == "undone: bookmark (1 entry)\n"
    lib = Library.open(d)
    for _ in range(2):
        assert lib.undo() is not None  # step 4, then step 3
    assert lib.undo() is not None  # step 1: the damaged step 2 is skipped, not undone
    assert lib.undo() is None
    after = _state(lib)
    assert after[ids[1]].bookmarked  # the lost step's change stays: only its undo is lost
    assert not after[ids[0]].read and not after[ids[3]].read and not after[ids[2]].user_tags
    assert (d / JOURNAL_NAME).read_bytes().startswith(marks_file)  # appended to, never rewritten


def test_a_torn_last_line_costs_that_step_and_never_the_next(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    lib, ids = _four_steps(d)
    raw = (d / UNDO_NAME).read_bytes()
    (d / UNDO_NAME).write_bytes(raw[:-9])  # a kill while step 4 was written
    again = Library.open(d)
    assert [s.label for s in again.undo_steps()] == ["mark read", "bookmark", "tag kept"]
    again.set_bookmarked([ids[5]], True)  # acknowledged: its step must not be lost
    reopened = Library.open(d)
    assert [s.label for s in reopened.undo_steps()][-2:] == ["tag kept", "bookmark"]
    assert reopened.undo() is not None and not reopened.marks(ids[5]).bookmarked
    assert reopened.marks(ids[3]).read  # step 4's change stays; its undo was torn away
