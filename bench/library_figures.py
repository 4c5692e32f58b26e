"""Figures of the store alone, each in a fresh interpreter: query, open, mark writes, ingest."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import data, ours
from bench.prepare import Budget, cached, library_for, log, size_label
from bench.report import Result, Target

QUERY = "model +ai"
OPEN_TARGETS = {500_000: 20.0}


def _largest(a: argparse.Namespace) -> int:
    return max(a.sizes)


def bench_query(a: argparse.Namespace) -> list[Result]:
    n = _largest(a)
    res = Result(f"query `{QUERY}`, {size_label(n)} entries", "ms", target=Target("max", 50.0))
    lib = library_for(a, n)
    got = _in_child("query", lib, max(10, a.runs * 6))
    if got is None:
        res.notes.append("store.index.query.run_query not in this checkout yet")
    else:
        times, hits = got
        res.ours = [t * 1000 for t in times[1:]]
        res.notes.append(
            f"{hits} hits; median of {len(times) - 1} calls; the first call of the "
            f"process took {times[0] * 1000:.0f} ms"
        )
    return [res]


def bench_open(a: argparse.Namespace) -> list[Result]:
    """``open_entry`` at 100k and at the largest size, on a scratch copy of the library.

    Opening marks the entry read and keeps derived related entries beside the
    library, so it runs on a hard-linked copy: the cached library stays as built
    (checked: every file's mtime and size).
    """
    sizes = sorted({n for n in a.sizes if n == 100_000} | {_largest(a)})
    out = []
    for n in sizes:
        res = Result(f"open an entry, {size_label(n)} entries", "ms")
        if n in OPEN_TARGETS:
            res.target = Target("max", OPEN_TARGETS[n])
        out.append(res)
        lib = library_for(a, n)
        before = _stamps(lib)
        scratch = a.work_dir / "open-scratch"
        shutil.rmtree(scratch, ignore_errors=True)
        ours.scratch_copy(lib, scratch)
        try:
            got = _in_child("open", scratch, max(10, a.runs * 6))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if _stamps(lib) != before:
            res.notes.append("**the cached library changed: a file was written in place**")
        if got is None:
            res.ours_missing = "n/a (failed)"
            continue
        times, _n = got
        res.ours = [t * 1000 for t in times[1:]]
        res.notes.append(
            f"`store.api.open_entry`, ids from the middle of the list; median of "
            f"{len(times) - 1} calls; the first call of the process took {times[0] * 1000:.0f} ms"
        )
    return out


def _stamps(d: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(d)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in d.rglob("*")
        if p.is_file()
    }


def bench_marks(a: argparse.Namespace) -> list[Result]:
    n = _largest(a)
    label = size_label(n)
    bm = Result(f"bookmark toggle, {label} entries", "ms", target=Target("max", 20.0))
    tg = Result(f"tag add, {label} entries", "ms", target=Target("max", 20.0))
    lib = library_for(a, n)
    journal = lib / "marks.jsonl"
    saved = journal.read_bytes() if journal.exists() else None
    try:
        got = _in_child("marks", lib, max(20, a.runs * 10))
    finally:  # leave the cached library exactly as built
        if saved is not None:
            journal.write_bytes(saved)
    if got is None:
        bm.ours_missing = tg.ours_missing = "n/a (failed)"
        return [bm, tg]
    b, t, untouched = got
    bm.ours, tg.ours = [x * 1000 for x in b], [x * 1000 for x in t]
    verdict = (
        "no content or index file rewritten"
        if untouched
        else "**content or index files were rewritten**"
    )
    bm.notes.append(f"{len(b)} writes each (fsync included); {verdict}")
    if not untouched:
        bm.ours_missing = "rewrote content"
    return [bm, tg]


def bench_save(a: argparse.Namespace) -> list[Result]:
    """Saving 500 new entries into the largest library: the store's part of a daily
    refresh, which must not grow with the library (content shards filled in
    arrival order; the index is still rewritten whole)."""
    n = _largest(a)
    res = Result(f"save 500 new entries, {size_label(n)} entries", "ms")
    got = _in_child("save", library_for(a, n), max(3, a.runs))
    if got is None:
        res.ours_missing = "n/a (failed)"
        return [res]
    res.ours = [x[0] * 1000 for x in got]
    files = sorted(int(x[1]) for x in got)
    mb = sorted(x[2] for x in got)
    res.notes.append(
        f"content files and library.json written per save {files[0]}-{files[-1]} ({mb[0]:.1f}-{mb[-1]:.1f} MB); "
        "each save on a fresh hard-linked copy; no parse, tags or word index"
    )
    return [res]


def _in_child(kind: str, lib: Path, runs: int) -> Any:
    """Run a store-level timing in a fresh interpreter (no caches from the bench itself)."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from bench import ours\n"
        f"kind, lib, runs, q = {kind!r}, Path({str(lib)!r}), {runs}, {QUERY!r}\n"
        "if kind == 'query':\n"
        "    r = ours.query_times(lib, q, runs)\n"
        "    print(json.dumps(None if r is None else [r[0], r[1]]))\n"
        "elif kind == 'derive':\n"
        "    print(json.dumps(list(ours.derive_cpu(lib))))\n"
        "elif kind == 'save':\n"
        "    print(json.dumps(ours.save_times(lib, runs)))\n"
        "elif kind == 'open':\n"
        "    print(json.dumps(list(ours.open_times(lib, runs))))\n"
        "else:\n"
        "    print(json.dumps(list(ours.mark_times(lib, runs))))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **ours.env()},
        check=False,
    )
    if r.returncode != 0:
        log(f"{kind} child failed: {r.stderr.strip()[-400:]}")
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def bench_ingest(a: argparse.Namespace) -> list[Result]:
    n = a.ingest_files
    res = Result(f"ingest {n:,} digest files", "files/s", target=Target("min", 500.0))
    key = data.fingerprint(n=n, seed=a.seed, kind="digests")
    folder = cached(
        a.work_dir / f"digests-{n}", key, lambda p: data.write_digest_files(p / "files", n, a.seed)
    )
    files = folder / "files"
    derive = Result("derive related + stories after that ingest, CPU per entry", "ms")
    line = ""
    budget = Budget(max(1, min(a.runs, 3)), a.budget)
    for _run in budget:
        d = a.work_dir / "ingest" / "digest-tui"
        shutil.rmtree(d, ignore_errors=True)
        try:
            dt, line = ours.ingest(d, files)
        except Exception as exc:
            res.notes.append(str(exc)[:200])
            break
        res.ours = [*(res.ours or []), n / dt]
        got = _in_child("derive", d, 1)
        if got is not None and got[1]:
            derive.ours = [*(derive.ours or []), got[0] * 1000 / got[1]]
    if budget.note():
        res.notes.append(str(budget.note()))
    if line:
        res.notes.append(f"whole command, process start included; it said: {line}")
    derive.notes.append(
        "what the UI's warm-up does after a refresh or ingest (`store.index.simstore.catch_up` "
        "then `store.index.stories.ensure(full=True)`), in a fresh process: CPU time "
        "(`time.process_time`) over the entries, wordfreq's tables loading included"
    )
    return [res, derive]
