"""Disk and permission faults: one clear message, the previous library intact.

* disk full: a real tiny tmpfs when this machine lets us mount one, else a
  patched ``os.write`` / ``os.fsync`` that fails part-way like ENOSPC does;
* read-only: a read-only mount (EROFS: even root cannot write), else a child
  that drops to ``nobody`` after importing, on a chmod-ed data dir;
* a data dir that vanishes under an open library.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.errors import LibraryError
from store.models import Entry, Source
from store.storage.library import Library
from tests.support.reliability import (
    REPO,
    SHARED,
    cli_env,
    run_cli,
    snapshot,
    synthetic_entries,
    write_digests,
)

DIGESTS = SHARED / "corpus" / "digests"


def _library(d: Path, n: int = 40, *, flood: bool = False) -> list[str]:
    lib = Library.open(d)
    es = synthetic_entries(n)
    lib.save_entries(es + (list(FLOOD) if flood else []))
    ids = sorted(e.id for e in es)
    lib.set_bookmarked(ids[:5])
    lib.add_tags([ids[5]], ["kept"])
    return ids


def _intact(d: Path, ids: list[str], n: int = 40) -> None:
    lib = Library.open(d)
    assert len(lib) >= n
    assert all(lib.marks(i).bookmarked for i in ids[:5])
    assert lib.marks(ids[5]).user_tags == ("kept",)
    lib.get_many([r.id for r in lib.rows()])


@contextlib.contextmanager
def _mount(target: Path, opts: str) -> Iterator[bool]:
    """Mount a tmpfs on ``target``; yields False when mounting is not allowed here."""
    target.mkdir(parents=True, exist_ok=True)
    ok = (
        os.geteuid() == 0
        and shutil.which("mount") is not None
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(target)], capture_output=True
        ).returncode
        == 0
    )
    try:
        yield ok
    finally:
        if ok:
            subprocess.run(["umount", "-l", str(target)], capture_output=True)


# -- disk full ---------------------------------------------------------------


def test_disk_full_on_a_tiny_filesystem(tmp_path: Path) -> None:
    """A real ENOSPC: ingest fails with one line, marks and content stay intact."""
    mnt = tmp_path / "tiny"
    with _mount(mnt, "size=256k") as ok:
        if not ok:
            pytest.skip("cannot mount a tmpfs here; the patched-write tests cover disk full")
        d = mnt / "lib"
        ids = _library(d)
        big = tmp_path / "big"
        write_digests(big, 400, "full")
        # fill the disk with filler until almost nothing is left
        with open(mnt / "filler", "wb", buffering=0) as f, contextlib.suppress(OSError):
            while True:
                f.write(b"x" * 4096)
        before = snapshot(d)
        for args in (["ingest", str(big)], ["bookmark", *ids[10:30]], ["tag", ids[6], "new"]):
            proc = run_cli(d, *args)
            assert "Traceback" not in proc.stderr, proc.stderr
            if proc.returncode:
                assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
                assert "space" in proc.stderr.lower() or "cannot write" in proc.stderr
        after = snapshot(d)
        # the journal is append-only: the old bytes, perhaps with whole new lines after
        assert after["marks.jsonl"][: len(before["marks.jsonl"])] == before["marks.jsonl"]
        # the index is rewritten whole: the old file, or (if a write fitted) a complete
        # new one holding every old row, never a torn one
        if after["library.json"] != before["library.json"]:
            old_ids = {row[0] for row in json.loads(before["library.json"])["rows"]}
            new_ids = {row[0] for row in json.loads(after["library.json"])["rows"]}
            assert old_ids <= new_ids, "rows lost from library.json"
        _intact(d, ids)


class _Full:
    """Patch for os.write: let ``budget`` bytes through, then behave like a full disk."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.real = os.write

    def __call__(self, fd: int, data: bytes) -> int:
        if self.budget <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        chunk = bytes(data[: self.budget])
        self.budget -= len(chunk)
        return self.real(fd, chunk)


@pytest.mark.parametrize("what", ["content", "settings", "feeds"])
@pytest.mark.parametrize("where", ["mkstemp", "write", "fsync", "replace"])
def test_disk_full_during_content_write_keeps_old_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, what: str
) -> None:
    """Index, shard and state-table writes are temp+rename: ENOSPC at any step leaves
    every old file."""
    import store.storage.atomic as atomic

    d = tmp_path / "lib"
    ids = _library(d)
    lib = Library.open(d)
    lib.update_ui_state(lambda s: {**s, "theme": "nord"})
    lib.save_feed_states({"http://a/": {"etag": "1"}})
    before = snapshot(d)

    def enospc(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if where == "mkstemp":
        monkeypatch.setattr(atomic.tempfile, "mkstemp", enospc)
    elif where == "write":
        real_fdopen = os.fdopen

        class _FullFile:
            def __init__(self, f: object) -> None:
                self.f = f

            def __enter__(self) -> _FullFile:
                return self

            def __exit__(self, *exc: object) -> None:
                self.f.close()  # type: ignore[attr-defined]

            def write(self, data: bytes) -> int:
                self.f.write(data[: len(data) // 2])  # type: ignore[attr-defined]
                self.f.flush()  # type: ignore[attr-defined]
                enospc()
                return 0

        monkeypatch.setattr(
            atomic.os, "fdopen", lambda fd, *a, **k: _FullFile(real_fdopen(fd, *a, **k))
        )
    elif where == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", enospc)
    else:
        monkeypatch.setattr(atomic.os, "replace", enospc)
    with pytest.raises(LibraryError) as exc:
        if what == "content":
            lib.save_entries(synthetic_entries(300, tag="f"))
        elif what == "settings":
            lib.update_ui_state(lambda s: {**s, "theme": "dracula", "keymap": {"q": "quit"}})
        else:
            lib.save_feed_states({f"http://f{i}/": {"etag": str(i)} for i in range(30)})
    monkeypatch.undo()
    assert "\n" not in str(exc.value) and str(d) in str(exc.value)
    after = snapshot(d)
    assert {k: v for k, v in after.items() if not k.endswith(".tmp")} == before
    assert not [k for k in after if k.endswith(".tmp")], "temp files left behind"
    _intact(d, ids)


def test_disk_full_during_mark_append_keeps_previous_marks_and_no_partial_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC before anything is written: clear error, journal unchanged."""
    d = tmp_path / "lib"
    ids = _library(d)
    before = (d / "marks.jsonl").read_bytes()
    lib = Library.open(d)
    monkeypatch.setattr(os, "write", _Full(0))
    with pytest.raises(LibraryError, match="marks.jsonl"):
        lib.set_read(ids)
    monkeypatch.undo()
    assert (d / "marks.jsonl").read_bytes() == before
    _intact(d, ids)


def test_short_mark_write_on_full_disk_leaves_a_library_that_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "lib"
    ids = _library(d)
    before = (d / "marks.jsonl").read_bytes()
    lib = Library.open(d)
    monkeypatch.setattr(os, "write", _Full(50))  # the disk fills 50 bytes into the line
    with pytest.raises(LibraryError):
        lib.set_read(ids)
    monkeypatch.undo()
    assert (d / "marks.jsonl").read_bytes() == before
    _intact(d, ids)


def test_fsync_failure_on_mark_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EIO from fsync: the mark is not acknowledged (the caller gets a clear error)."""
    d = tmp_path / "lib"
    ids = _library(d)
    lib = Library.open(d)

    def bad_fsync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", bad_fsync)
    with pytest.raises(LibraryError, match="marks.jsonl"):
        lib.set_bookmarked([ids[20]])
    monkeypatch.undo()
    _intact(d, ids)


# -- read-only ---------------------------------------------------------------

# Runs the CLI as `nobody` after importing everything it needs (this machine's
# Python may live where nobody can read), so permission checks really apply.
AS_NOBODY = r"""
import os, sys, pkgutil, importlib
import store, tui.cli
for pkg in (store, tui.cli):
    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        try:
            importlib.import_module(m.name)
        except Exception:
            pass
import tui.cli, json, argparse, encodings, encodings.idna, encodings.utf_8_sig
for m in pkgutil.iter_modules(encodings.__path__):  # decoders try many code pages
    try:
        importlib.import_module("encodings." + m.name)
    except Exception:
        pass
# nobody cannot read this interpreter's stdlib: import what lazy paths use now
for name in ("glob", "fnmatch", "tempfile", "shutil", "marshal", "zlib", "gzip", "ctypes",
             "multiprocessing", "multiprocessing.pool", "concurrent.futures.process",
             "html", "html.parser", "unicodedata", "urllib.parse", "csv", "difflib",
             "encodings.cp1252", "encodings.latin_1", "encodings.utf_16", "encodings.cp1253",
             "encodings.cp1250", "encodings.cp1251", "encodings.cp1254", "encodings.cp1257",
             "encodings.mac_roman", "encodings.iso8859_2", "encodings.koi8_r",
             "uuid", "wordfreq", "locate", "trafilatura"):
    try:
        importlib.import_module(name)
    except Exception:
        pass
os.setgid(65534); os.setuid(65534)
sys.exit(tui.cli.main(sys.argv[1:]))
"""


# two sources reporting one event: related to each other, one story
FLOOD = (
    Entry(
        id="flood0000001",
        source=Source("file", "Wire A", "/wire-a"),
        title="Varnel flood shuts the Ostrow bridge",
        summary="Flooding on the Varnel river closed the Ostrow bridge after 140 millimetres "
        "of rain; about 3,400 homes lost power.",
        key_points=("The Ostrow bridge is closed for at least two weeks.",),
        published="2025-05-01",
    ),
    Entry(
        id="flood0000002",
        source=Source("file", "Radio B", "/radio-b"),
        title="Ostrow bridge closed as the Varnel floods",
        summary="The Varnel river burst its banks; the Ostrow bridge will stay shut for "
        "14 days and 3,400 homes are without power.",
        key_points=("The bridge stays shut for fourteen days.",),
        published="2025-05-02",
    ),
)


def _read_only_cases(d: Path, ids: list[str], runner) -> None:  # noqa: ANN001
    before = snapshot(d)
    proc = runner("list")
    assert proc.returncode == 0 and "Title" in proc.stdout, proc.stderr
    assert runner("show", ids[0]).returncode == 0
    # derived data (signatures, stories) cannot be kept: it is derived in memory
    proc = runner("show", FLOOD[0].id)
    assert proc.returncode == 0, proc.stderr
    assert "Related:" in proc.stdout and FLOOD[1].title in proc.stdout, proc.stdout
    assert "In story:" in proc.stdout and "(2 sources)" in proc.stdout, proc.stdout
    for args in (["bookmark", ids[9]], ["tag", ids[9], "newtag"], ["ingest", str(DIGESTS)]):
        proc = runner(*args)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, (args, proc.stderr)
        assert "read-only" in lines[0].lower() or "permission denied" in lines[0], lines
    assert snapshot(d) == before


def test_read_only_mount(tmp_path: Path) -> None:
    """EROFS: reads work; every write is one line; nothing changes."""
    mnt = tmp_path / "ro"
    with _mount(mnt, "size=4m") as ok:
        if not ok:
            pytest.skip("cannot mount here; test_read_only_data_dir_as_nobody covers it")
        d = mnt / "lib"
        ids = _library(d, flood=True)
        (d / ".write.lock").touch()
        r = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True)
        if r.returncode:
            pytest.skip("cannot remount read-only here")
        _read_only_cases(d, ids, lambda *a: run_cli(d, *a, timeout=60))
        out = run_cli(d, "doctor").stdout
        assert "read-only" in out


@pytest.mark.timeout(120)
def test_read_only_data_dir_as_nobody(tmp_path: Path) -> None:
    """chmod a-w on the data dir and its files; the CLI runs as an ordinary user."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to nobody (as an ordinary user, chmod suffices)")
    base = Path(os.path.realpath("/tmp")) / f"ro-{os.getpid()}-{tmp_path.name}"
    d = base / "lib"
    try:
        ids = _library(d, flood=True)
        (d / ".write.lock").touch()
        for p in [base, *d.rglob("*"), d]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        base.chmod(0o755)

        def runner(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-c", AS_NOBODY, "--data-dir", str(d), *args],
                capture_output=True,
                text=True,
                env=cli_env(),
                cwd="/",
                timeout=60,
                stdin=subprocess.DEVNULL,
            )

        probe = runner("list")
        if "Permission denied" in probe.stderr and "site-packages" in probe.stderr:
            pytest.skip("nobody cannot import the dependencies on this machine")
        _read_only_cases(d, ids, runner)
    finally:
        for p in [base, *base.rglob("*")]:
            with contextlib.suppress(OSError):
                p.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


# -- a data dir that vanishes -----------------------------------------------


def test_missing_data_dir_for_read_commands_is_calm(tmp_path: Path) -> None:
    d = tmp_path / "gone"
    for args in (["list"], ["export"], ["doctor"]):
        proc = run_cli(d, *args)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert run_cli(d, "show", "abc").returncode == 1
    assert not d.exists(), "a read command created the data dir"


def test_data_dir_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    d = tmp_path / "afile"
    d.write_bytes(b"not a dir")
    for args in (["list"], ["bookmark", "abc"], ["ingest", str(DIGESTS)], ["doctor"]):
        proc = run_cli(d, *args)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) <= 1
    assert d.read_bytes() == b"not a dir"


def test_data_dir_vanishing_under_an_open_library_is_one_clear_error(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    ids = _library(d)
    lib = Library.open(d)
    moved = tmp_path / "moved"
    d.rename(moved)  # e.g. unmounted, or moved by the user
    with pytest.raises(LibraryError, match="vanished|missing|gone"):
        lib.set_bookmarked([ids[30]])
    assert not d.exists()
    _intact(moved, ids)


def test_ingest_into_vanished_dir_does_not_touch_the_moved_library(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    ids = _library(d)
    lib = Library.open(d)
    moved = tmp_path / "moved"
    d.rename(moved)
    before = snapshot(moved)
    with contextlib.suppress(LibraryError):
        lib.set_bookmarked([ids[30]])
    assert snapshot(moved) == before
    _intact(moved, ids)


def test_child_env_is_sane() -> None:
    """Guard: the helpers run the checkout's code, not an installed copy."""
    out = subprocess.run(
        [sys.executable, "-c", "import tui.cli; print(tui.cli.__file__)"],
        env=cli_env(),
        cwd="/",
        capture_output=True,
        text=True,
    ).stdout
    assert out.strip().startswith(str(REPO))


def test_library_opens_after_a_torn_last_mark_line(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    ids = _library(d)
    j = d / "marks.jsonl"
    torn = j.read_bytes() + b'{"' + ids[7].encode() + b'":{"r":1'
    j.write_bytes(torn)
    _intact(d, ids)
    assert j.read_bytes() == torn
