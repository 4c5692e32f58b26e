"""digest-tui's side of each benchmark: what exists, how to start it, in-process timings.

The UI and refresh land in other modules; everything here checks that they
exist first and reports "not available" instead of crashing, so the bench
runs on any checkout.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def python() -> str:
    return sys.executable


def env() -> dict[str, str]:
    """Environment for a digest-tui child: this checkout first on the path."""
    pp = os.environ.get("PYTHONPATH")
    return {
        "PYTHONPATH": str(REPO) + (os.pathsep + pp if pp else ""),
        "LANG": "C.UTF-8",
        "TEXTUAL_ANIMATIONS": "none",  # nothing to do with speed; keeps frames stable
    }


def compile_checkout() -> str | None:
    """Write the checkout's bytecode (``__pycache__``) before anything is timed.

    An installed digest-tui has its modules compiled (pip does it); a checkout
    run with PYTHONDONTWRITEBYTECODE set (some shells and CI images set it)
    would compile every module again in every timed run, 0.1-0.2 s of a
    daily refresh that newsboat, a compiled program, never pays. Returns a
    note when the checkout could not be compiled (read-only: runs compile).
    """
    import compileall

    ok = all(
        compileall.compile_dir(str(REPO / pkg), quiet=2, workers=1) for pkg in ("store", "tui")
    )
    return None if ok else "the checkout's bytecode could not be written: runs compile it"


def argv(data_dir: Path, config: Path, *extra: str) -> list[str]:
    return [python(), "-m", "tui.cli", "--data-dir", str(data_dir), "--config", str(config), *extra]


def ui_available() -> bool:
    return (REPO / "tui" / "app.py").exists()


_COMMANDS: str | None = None


def has_command(name: str) -> bool:
    """Does ``digest-tui --help`` list this subcommand?"""
    global _COMMANDS
    if _COMMANDS is None:
        r = subprocess.run(
            [python(), "-m", "tui.cli", "--help"],
            capture_output=True,
            text=True,
            env={**os.environ, **env()},
            check=False,
        )
        _COMMANDS = r.stdout if r.returncode == 0 else ""
    return f" {name} " in _COMMANDS.replace("{", " ").replace(",", " ").replace("}", " ") or (
        f"\n    {name}" in _COMMANDS
    )


def write_config(path: Path, feed_urls: list[str], names: list[str]) -> Path:
    """A feeds.yaml listing the given feeds (names as in the RSS titles)."""
    lines = ["feeds:"]
    for url, name in zip(feed_urls, names, strict=True):
        lines += [f"  - url: {url}", f'    name: "{name}"']
    if not feed_urls:
        lines[0] = "feeds: []"
    lines += ["paths: []", "topics: {}", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_cli(
    args: list[str], timeout: float = 1800
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run a digest-tui subcommand; (wall seconds, result)."""
    t0 = time.perf_counter()
    r = subprocess.run(
        [python(), "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env()},
        timeout=timeout,
        check=False,
    )
    return time.perf_counter() - t0, r


def has_option(command: str, option: str) -> bool:
    """Does ``digest-tui COMMAND --help`` list this option (e.g. ``refresh --no-wait``)?"""
    r = subprocess.run(
        [python(), "-m", "tui.cli", command, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, **env()},
        check=False,
    )
    return r.returncode == 0 and option in r.stdout.replace(",", " ").split()


def refresh(data_dir: Path, config: Path, *extra: str) -> float:
    """``digest-tui refresh [EXTRA]``; wall seconds. Raises if it fails."""
    return refresh_report(data_dir, config, *extra)[0]


def refresh_report(data_dir: Path, config: Path, *extra: str) -> tuple[float, str]:
    """``digest-tui refresh [EXTRA]``; (wall seconds, its last report line)."""
    cmd = ["--data-dir", str(data_dir), "--config", str(config), "refresh", *extra]
    dt, r = run_cli(cmd)
    if r.returncode != 0:
        raise RuntimeError(f"digest-tui refresh failed ({r.returncode}): {r.stderr.strip()[-300:]}")
    lines = r.stdout.strip().splitlines()
    return dt, lines[-1] if lines else ""


def ingest(data_dir: Path, folder: Path) -> tuple[float, str]:
    """``digest-tui ingest FOLDER``; (wall seconds, its report line)."""
    dt, r = run_cli(["--data-dir", str(data_dir), "ingest", str(folder)])
    if r.returncode != 0:
        raise RuntimeError(f"digest-tui ingest failed ({r.returncode}): {r.stderr.strip()[-300:]}")
    return dt, r.stdout.strip().splitlines()[0] if r.stdout.strip() else ""


def query_times(data_dir: Path, query: str, runs: int) -> tuple[list[float], int] | None:
    """Timings of ``store.index.query.run_query(lib, query)``: (seconds per call, hits).

    ``[0]`` is the first call of the process (it loads the index segments once
    per session); the caller reports it apart from the median of the others.
    """
    from store.index.query import run_query
    from store.storage.library import Library

    lib = Library.open(data_dir)
    t0 = time.perf_counter()
    hits: Any = run_query(lib, query)
    times = [time.perf_counter() - t0]  # [0]: the first call of the process
    for _ in range(runs):
        t0 = time.perf_counter()
        hits = run_query(lib, query)
        times.append(time.perf_counter() - t0)
    return times, _count(hits)


def _count(hits: Any) -> int:
    for attr in ("rows", "ids", "entries"):
        if hasattr(hits, attr):
            return len(getattr(hits, attr))
    try:
        return len(hits)
    except TypeError:
        return -1


def content_stamps(data_dir: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every content file, to prove a mark write never touched one."""
    out = {}
    for p in [*sorted((data_dir / "content").glob("*.json")), data_dir / "library.json"]:
        st = p.stat()
        out[p.name if p.parent == data_dir else f"content/{p.name}"] = (st.st_mtime_ns, st.st_size)
    return out


def mark_times(data_dir: Path, runs: int) -> tuple[list[float], list[float], bool]:
    """Medians material for toggle_bookmark and add_tags; and "content untouched"."""
    from store.storage.library import Library

    lib = Library.open(data_dir)
    rows = lib.rows()
    ids = [rows[(k * 7919) % len(rows)].id for k in range(runs)]
    before = content_stamps(data_dir)
    bm, tg = [], []
    for k, eid in enumerate(ids):
        t0 = time.perf_counter()
        lib.toggle_bookmark(eid)
        bm.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        lib.add_tags([eid], [f"bench{k % 5}"])
        tg.append(time.perf_counter() - t0)
    untouched = content_stamps(data_dir) == before
    return bm, tg, untouched


def save_times(data_dir: Path, runs: int, new: int = 500) -> list[list[float]]:
    """[seconds, content files written, their MB] of saving ``new`` new entries,
    ``runs`` times, each on a fresh scratch copy of ``data_dir`` (what a daily
    refresh stores on top of a long-time library, without its parse)."""
    from bench.data import iter_entries
    from store.storage.library import Library

    n = len(Library.open(data_dir))
    out = []
    for run in range(runs):
        scratch = data_dir.with_name(data_dir.name + "-save")
        shutil.rmtree(scratch, ignore_errors=True)
        scratch_copy(data_dir, scratch)
        try:
            lib = Library.open(scratch)
            start = n + 10_000_000 + run * new  # items no library of the bench holds
            entries = list(iter_entries(11, start + new, 50, start=start))
            before = content_stamps(scratch)
            t0 = time.perf_counter()
            lib.save_entries(entries)
            dt = time.perf_counter() - t0
            after = content_stamps(scratch)
            touched = [k for k in after if after[k] != before.get(k)]
            mb = sum(after[k][1] for k in touched) / 1e6
            out.append([dt, float(len(touched)), mb])
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return out


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def open_times(data_dir: Path, runs: int) -> tuple[list[float], int]:
    """Timings of ``store.api.open_entry(lib, id)`` on ids away from the top; and the size.

    ``[0]`` is the first call of the process (it loads what opening needs once
    per session). Ids are spread over the middle of the list, where no first
    screen has warmed anything: what opening an old entry costs.
    """
    from store.api.reading import open_entry
    from store.storage.library import Library

    lib = Library.open(data_dir)
    rows = lib.rows()
    n = len(rows)
    ids = [rows[n // 4 + (k * 7919) % max(1, n // 2)].id for k in range(runs + 1)]
    times = []
    for eid in ids:
        t0 = time.perf_counter()
        open_entry(lib, eid)
        times.append(time.perf_counter() - t0)
    return times, n


def derive_cpu(data_dir: Path) -> tuple[float, int]:
    """CPU seconds of deriving signatures and stories for every entry; and how many entries."""
    from store.index import simstore, stories
    from store.storage.library import Library

    lib = Library.open(data_dir)
    t0 = time.process_time()
    simstore.catch_up(lib, None)
    stories.ensure(lib, full=True)
    return time.process_time() - t0, len(lib.rows())


def scratch_copy(src: Path, dst: Path) -> None:
    """A copy of a library that costs no disk: hard links, real copies of the journals.

    The store replaces files by rename (a hard-linked original is untouched) but
    appends to its journals (``*.jsonl``) in place, so those are copied.
    """
    for p in sorted(src.rglob("*")):
        q = dst / p.relative_to(src)
        if p.is_dir():
            q.mkdir(parents=True, exist_ok=True)
        elif p.suffix == ".jsonl" or p.is_symlink():
            q.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, q, follow_symlinks=False)
        else:
            q.parent.mkdir(parents=True, exist_ok=True)
            os.link(p, q)
