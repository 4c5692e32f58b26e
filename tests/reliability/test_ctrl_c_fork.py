"""Ctrl-C that lands while the ingest's pool forks its workers is not lost.

Why: Python runs a signal's handler at the next bytecode, and during a fork
that is inside the at-fork hooks (logging's ``_releaseLock`` among them). An
exception there is printed as "Exception ignored in …" and dropped, so a
KeyboardInterrupt raised there vanished: the ingest ran to the end and exited
0. A real Ctrl-C hits that window rarely; here the child sends SIGINT to
itself from a hook that runs during the fork, so the window is hit every time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from store.storage.library import Library
from tests.support.cli import cli_env, sigint_default

# The CLI, with a Ctrl-C sent to itself from inside the first fork (before or
# after it, in the parent): the moment the pool's first worker is created.
_INGEST_INTERRUPTED_IN_FORK = r"""
import os, signal, sys
when = sys.argv.pop(1)
fired = []
def ctrl_c() -> None:
    if not fired:
        fired.append(1)
        os.kill(os.getpid(), signal.SIGINT)
os.register_at_fork(**{when: ctrl_c})
from tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("when", ["before", "after_in_parent"])
def test_ctrl_c_during_the_pools_fork_stops_the_ingest(tmp_path: Path, when: str) -> None:
    from bench import data as bench_data

    folder = tmp_path / "many"
    bench_data.write_digest_files(folder, 200, 5)  # enough files for the parse pool
    data = tmp_path / "lib"
    proc = subprocess.run(
        [sys.executable, "-c", _INGEST_INTERRUPTED_IN_FORK, when]
        + ["--data-dir", str(data), "ingest", str(folder)],
        capture_output=True,
        text=True,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        preexec_fn=sigint_default,  # a job started with SIGINT ignored would test nothing
        timeout=120,
    )
    assert "Exception ignored" not in proc.stderr, proc.stderr
    assert proc.returncode == 130, (proc.returncode, proc.stdout[-500:], proc.stderr[-2000:])
    assert proc.stderr.strip().splitlines() == ["digest-tui: interrupted"]
    assert Library.open(data) is not None
