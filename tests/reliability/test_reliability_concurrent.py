"""Concurrent writers: shells marking and ingesting at once lose nothing, corrupt nothing.

Writers are real processes: shell loops calling the ``digest-tui`` command (as a
user's scripts would), and Python processes holding a ``Library`` open for a
long time (as the UI does), both racing on the same data dir. A second UI on the
same library opens, says so, and both windows' marks survive.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from store.storage.library import Library
from tests.support.reliability import (
    REPO,
    cli_env,
    run_cli,
    synthetic_entries,
    write_digests,
)

WRITERS = 4


def _shell_loop(d: Path, verb: str, ids: list[str], extra: str = "") -> subprocess.Popen[bytes]:
    cli = f"{shlex.quote(sys.executable)} -m tui.cli --data-dir {shlex.quote(str(d))}"
    script = f"set -e; for id in {' '.join(ids)}; do {cli} {verb} $id {extra} >/dev/null; done"
    return subprocess.Popen(["sh", "-c", script], env=cli_env(), cwd=REPO)


def test_two_shells_bookmarking_30_each_make_60(tmp_path: Path) -> None:
    """The library-core acceptance case: 2 x 30 CLI bookmarks at once → 60 bookmarks."""
    d = tmp_path / "lib"
    Library.open(d).save_entries(synthetic_entries(60))
    ids = sorted(r.id for r in Library.open(d).rows())
    procs = [_shell_loop(d, "bookmark", ids[:30]), _shell_loop(d, "bookmark", ids[30:])]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    lib = Library.open(d)
    assert sum(lib.marks(i).bookmarked for i in ids) == 60
    assert run_cli(d, "doctor").returncode == 0


def test_shells_tagging_the_same_entry_lose_no_update(tmp_path: Path) -> None:
    """Read-modify-write of one entry's tags from two shells: every tag survives."""
    d = tmp_path / "lib"
    Library.open(d).save_entries(synthetic_entries(5))
    eid = sorted(r.id for r in Library.open(d).rows())[0]
    cli = f"{shlex.quote(sys.executable)} -m tui.cli --data-dir {shlex.quote(str(d))}"
    procs = [
        subprocess.Popen(
            [
                "sh",
                "-c",
                f"set -e; for n in 1 2 3 4 5 6 7 8; do {cli} tag {eid} {who}$n >/dev/null; done",
            ],
            env=cli_env(),
            cwd=REPO,
        )
        for who in ("alpha", "beta")
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    tags = set(Library.open(d).marks(eid).user_tags)
    assert tags == {f"{w}{n}" for w in ("alpha", "beta") for n in range(1, 9)}


# A long-lived writer (like an open UI): keeps one Library, marks its own slice.
LONG_WRITER = r"""
import sys
from pathlib import Path
from store.storage.library import Library
d, me = Path(sys.argv[1]), sys.argv[2]
lib = Library.open(d)
ids = sys.argv[3:]
for n, i in enumerate(ids):
    lib.set_bookmarked([i])
    lib.add_tags([i], ["w" + me])
    if n % 3 == 0:
        lib.set_read([i])
    if n % 4 == 0:  # the TinyDB state tables too: settings and feed states
        lib.update_ui_state(lambda s: {**s, f"w{me}-{n}": n})
        lib.save_feed_states({f"http://w{me}/{n}": {"n": n}})
print("done", len(ids))
"""


def concurrent_writers(root: Path, writers: int = WRITERS, per_writer: int = 40) -> dict[str, int]:
    """``writers`` mark writers and ``writers // 2`` ingesters at once; assert nothing lost."""
    d = root / "lib"
    Library.open(d).save_entries(synthetic_entries(writers * per_writer))
    ids = sorted(r.id for r in Library.open(d).rows())
    folders = []
    for k in range(max(1, writers // 2)):
        f = root / f"ingest{k}"
        write_digests(f, 60, f"c{k}x")
        folders.append(f)
    procs = []
    for k in range(max(1, writers // 2)):
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tui.cli",
                    "--data-dir",
                    str(d),
                    "ingest",
                    "--json",
                    str(folders[k]),
                ],
                env=cli_env(),
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    for w in range(writers):
        chunk = ids[w * per_writer : (w + 1) * per_writer]
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", LONG_WRITER, str(d), str(w), *chunk],
                env=cli_env(),
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    new_total = 0
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
        if out.startswith(b"{"):
            new_total += json.loads(out)["new"]
    lib = Library.open(d)
    for w in range(writers):
        for n, i in enumerate(ids[w * per_writer : (w + 1) * per_writer]):
            m = lib.marks(i)
            assert m.bookmarked and m.user_tags == (f"w{w}",), (i, m)
            assert m.read == (n % 3 == 0)
    ui, feeds = lib.ui_state(), lib.feed_states()
    for w in range(writers):
        for n in range(0, per_writer, 4):
            assert ui[f"w{w}-{n}"] == n and feeds[f"http://w{w}/{n}"]["n"] == n, (w, n)
    assert new_total == 60 * len(folders)
    assert len(lib) == len(ids) + new_total
    lib.get_many([r.id for r in lib.rows()])
    assert run_cli(d, "doctor").returncode == 0
    return {"writers": writers + len(folders), "marks": writers * per_writer}


def test_mark_writers_and_ingesters_at_once_lose_nothing(tmp_path: Path) -> None:
    concurrent_writers(tmp_path)


# Holds the UI lock the way an open first window does, until stdin closes.
UI_HOLDER = r"""
import sys
from filelock import FileLock
lock = FileLock(sys.argv[1], timeout=0)
lock.acquire()
print("HELD", flush=True)
sys.stdin.read()
"""


@pytest.mark.timeout(120)
def test_second_ui_instance_is_told_and_both_writers_survive(tmp_path: Path) -> None:
    pytest.importorskip("textual")
    from tests.support.ui import settle
    from tui.app import SECOND_INSTANCE, DigestApp

    d = tmp_path / "lib"
    Library.open(d).save_entries(synthetic_entries(20))
    ids = sorted(r.id for r in Library.open(d).rows())
    holder = subprocess.Popen(
        [sys.executable, "-c", UI_HOLDER, str(d / "ui.lock")],
        env=cli_env(),
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
        notes: list[str] = []

        async def run() -> None:
            app = DigestApp(d, first_run=False, poll_seconds=0.2)
            async with app.run_test(size=(120, 40), notifications=True) as pilot:
                await settle(pilot)
                assert app.second_instance
                notes.extend(str(n.message) for n in app._notifications)
                # the other instance writes while this one is open
                run_cli(d, "bookmark", *ids[:10], check=True)
                screen = app.main_screen
                assert screen is not None and screen.episodes.current is not None
                mine = screen.episodes.current.id
                await pilot.press("b")  # this window bookmarks its current entry
                await settle(pilot)  # the write's worker, and what it starts
                assert Library.open(d).marks(mine).bookmarked != (mine in ids[:10])

        asyncio.run(run())
    finally:
        if holder.stdin:
            holder.stdin.close()
        holder.wait(timeout=30)
    assert any(SECOND_INSTANCE[:30] in n for n in notes), notes
    lib = Library.open(d)
    assert all(lib.marks(i).bookmarked for i in ids[:10])
    assert run_cli(d, "doctor").returncode == 0
