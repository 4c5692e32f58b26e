"""Mute rules and saved searches under SIGKILL and with two writers at once.

A rule change is one atomic write of tables.json (then its undo step): after a
kill at any moment the library opens, every acknowledged rule is there, and a
rename is either done or not (never both names, never neither). Two processes
adding rules at the same time lose none, since every change is a
read-modify-write under the library's lock.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store import api
from store.storage.library import Library
from tests.support.reliability import REPO, cli_env, run_cli, synthetic_entries

KILLS = max(8, int(os.environ.get("DIGEST_TUI_KILLS", "50")) // 4)

WRITER = r"""
import sys
from pathlib import Path
from store import api
d, me = Path(sys.argv[1]), sys.argv[2]
lib = api.open_library(d)
print("READY", flush=True)
n = 0
while True:
    names = [s.name for s in api.saved_searches(lib)]
    old, new = ("s-a", "s-b") if "s-a" in names else ("s-b", "s-a")
    print(f"B {n}", flush=True)
    api.mute(lib, f"+t{me}x{n}")
    api.rename_search(lib, old, new)
    print("A", flush=True)
    n += 1
"""


def _start(args: list[str], out: Path) -> tuple[subprocess.Popen[bytes], Path, Path]:
    o, e = out.with_suffix(".out"), out.with_suffix(".err")
    with open(o, "wb") as fo, open(e, "wb") as fe:
        proc = subprocess.Popen(
            args, env=cli_env(), cwd=REPO, stdout=fo, stderr=fe, start_new_session=True
        )
    return proc, o, e


def _wait_ready(proc: subprocess.Popen[bytes], out: Path, err: Path) -> None:
    """Until the writer's first change is acknowledged (its imports are done, on a busy machine)."""
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if b"\nA\n" in out.read_bytes():
            return
        assert proc.poll() is None, err.read_text(errors="replace")
        time.sleep(0.005)
    raise AssertionError("writer never became ready")


@pytest.mark.timeout(600)
def test_sigkill_during_rule_changes_is_all_or_nothing(tmp_path: Path) -> None:
    rng = random.Random(7)
    d = tmp_path / "lib"
    lib = Library.open(d)
    lib.save_entries(synthetic_entries(10))
    api.save_search(lib, "s-a", "+models")
    acked: list[str] = []
    for rnd in range(KILLS):
        proc, out, err = _start(
            [sys.executable, "-c", WRITER, str(d), str(rnd)], tmp_path / f"w{rnd}"
        )
        _wait_ready(proc, out, err)
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # only the process this test started
        assert "Traceback" not in err.read_text(errors="replace"), f"round {rnd}"
        lines = out.read_text(errors="replace").splitlines()
        acked += [
            f"+t{rnd}x{ln[2:]}"
            for ln, nxt in zip(lines, lines[1:], strict=False)
            if ln.startswith("B ") and nxt == "A"
        ]
        lib = api.open_library(d)
        rules = {r.query for r in api.mute_rules(lib)}
        assert set(acked) <= rules, f"round {rnd}: an acknowledged rule was lost"
        assert len(rules - set(acked)) <= 1 + rnd, f"round {rnd}: rules nobody added"
        names = sorted(s.name for s in api.saved_searches(lib))
        assert names in (["s-a"], ["s-b"]), f"round {rnd}: a rename half done: {names}"
        assert api.last_change(lib) is not None  # the undo log still reads
    assert acked
    assert run_cli(d, "doctor").returncode == 0


ADDER = r"""
import sys
from pathlib import Path
from store import api
d, me = Path(sys.argv[1]), sys.argv[2]
lib = api.open_library(d)
for n in range(15):
    api.mute(lib, f"+w{me}x{n}")
"""


def test_two_instances_adding_rules_at_once_lose_none(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    Library.open(d).save_entries(synthetic_entries(5))
    procs = [
        subprocess.Popen([sys.executable, "-c", ADDER, str(d), me], env=cli_env(), cwd=REPO)
        for me in ("a", "b")
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    rules = {r.query for r in api.mute_rules(api.open_library(d))}
    assert rules == {f"+w{me}x{n}" for me in ("a", "b") for n in range(15)}
    # and each is one undo step: 30 undos take them all back
    lib = api.open_library(d)
    for _ in range(30):
        assert api.undo(lib) is not None
    assert api.mute_rules(lib) == []
