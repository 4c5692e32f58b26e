"""SIGKILL during the deferred derivation, then a restart: nothing lost (issue 19.1).

An ``ingest --no-wait`` stores entries readable-first; the user marks some;
``derive`` is then killed at a random moment. After every kill the library
opens and lists and opens every entry; the next ``derive`` finishes, and
entries, marks and tags equal those of an undisturbed run. A second process
deriving at the same time waits on the write lock and derives nothing twice.

The library before the derivation (three ``ingest --no-wait`` runs and the
marks: nine CLI children) is built once per module; every run works on a copy
of it, byte for byte what a fresh build makes (same files, same folder).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.storage.library import Library
from store.sync.derive import pending_count
from tests.support.realworld import copy_library
from tests.support.reliability import REPO, cli_env, run_cli, write_digests

KILLS = int(os.environ.get("DIGEST_TUI_DERIVE_KILLS", "4"))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Entries stored readable-first (derivation pending), some marked; never changed."""
    root = tmp_path_factory.mktemp("deferred")
    d = root / "pristine"
    for part in ("a", "b", "c"):  # three ingests: three journal chunks
        write_digests(root / "in" / part, 40, part)
        run_cli(d, "ingest", "--no-wait", str(root / "in" / part), check=True)
    lib = Library.open(d)
    ids = sorted(r.id for r in lib.rows())
    lib.set_bookmarked(ids[::7])
    lib.set_read(ids[::3])
    assert pending_count(lib) > 0, "nothing left to derive: the kills would test nothing"
    return d


def _state(d: Path) -> tuple[dict[str, object], dict[str, object]]:
    lib = Library.open(d)
    rows: dict[str, object] = {r.id: (r.title, r.auto_tags) for r in lib.rows()}
    marks: dict[str, object] = {i: lib.marks(i) for i in rows}
    return rows, marks


def _derive_proc(d: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "--data-dir", str(d), "derive"],
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


def test_kill_during_derivation_then_restart_loses_nothing(prepared: Path, tmp_path: Path) -> None:
    ref = copy_library(prepared, tmp_path / "ref")
    t0 = time.monotonic()
    run_cli(ref, "derive", check=True)
    span = time.monotonic() - t0  # only to spread the kill moments, never asserted
    want = _state(ref)
    assert pending_count(Library.open(ref)) == 0
    rng = random.Random(19)
    for k in range(KILLS):
        d = copy_library(prepared, tmp_path / f"k{k}")
        proc = _derive_proc(d)
        time.sleep(rng.uniform(0.0, span))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        lib = Library.open(d)  # opens, lists, opens every entry
        ids = [r.id for r in lib.rows()]
        assert len(ids) == len(want[0])
        assert all(e.title for e in lib.get_many(ids))
        run_cli(d, "derive", check=True)
        assert pending_count(Library.open(d)) == 0
        assert _state(d) == want, f"kill {k}"


def test_second_instance_during_derivation(prepared: Path, tmp_path: Path) -> None:
    ref = copy_library(prepared, tmp_path / "ref")
    run_cli(ref, "derive", check=True)
    d = copy_library(prepared, tmp_path / "two")
    procs = [_derive_proc(d), _derive_proc(d)]
    assert [p.wait() for p in procs] == [0, 0]
    assert pending_count(Library.open(d)) == 0
    assert _state(d) == _state(ref)
