"""``python -m bench``: digest-tui against newsboat on the same generated data.

Runs every figure of issue 7 several times, side by side (one newsboat run,
then one digest-tui run, repeated), and prints a Markdown table of medians,
ratios and targets. See ``docs/performance.md`` for what each figure means.

    python -m bench                  # full run (~10-15 min on 2 cores)
    python -m bench --quick          # 10k only, 3 runs
    python -m bench --sizes 10000 50000 --runs 5
    python -m bench --smoke          # seconds; what the test suite runs
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from bench import data, ours
from bench import newsboat as nb
from bench.report import Result, Target, table
from bench.server import FeedServer
from bench.term import Tmux, tmux_available

FIRST_SCREEN_TARGETS = {10_000: 2.0, 50_000: 0.5, 100_000: 0.2}
QUERY = "model +ai"


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 50_000, 100_000],
        help="library sizes for first screen / memory (default: 10k 50k 100k)",
    )
    p.add_argument("--runs", type=int, default=5, help="runs per figure (median reported)")
    p.add_argument("--feeds", type=int, default=50, help="feeds in the refresh benchmark")
    p.add_argument("--items", type=int, default=200, help="items per feed in the refresh benchmark")
    p.add_argument("--ingest-files", type=int, default=1000, help="digest files to ingest")
    p.add_argument("--seed", type=int, default=7, help="seed of the generated data")
    p.add_argument(
        "--work-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "digest-tui-bench",
        help="generated data is cached here between runs",
    )
    p.add_argument(
        "--only",
        nargs="+",
        choices=["screen", "refresh", "query", "marks", "ingest"],
        help="run only these benchmarks",
    )
    p.add_argument(
        "--budget",
        type=float,
        default=150.0,
        help="seconds per figure group: stop repeating (after at least one run) when the "
        "next run would exceed it, so a very slow figure cannot stretch the bench (default 150)",
    )
    p.add_argument("--no-newsboat", action="store_true", help="skip the newsboat column")
    p.add_argument("--no-tmux", action="store_true", help="skip first-screen runs")
    p.add_argument("--quick", action="store_true", help="10k entries only, 3 runs")
    p.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one run, no newsboat (for the test suite)"
    )
    p.add_argument(
        "--realworld",
        nargs="*",
        type=Path,
        metavar="FOLDER",
        help="only print junk counts of real feeds (default ../shared/corpus/realworld)",
    )
    p.add_argument(
        "--topics",
        action="store_true",
        help="only print topic-linking precision/recall on the labelled sets (bench/topics.py)",
    )
    p.add_argument(
        "--topics-scale",
        nargs="*",
        type=int,
        metavar="N",
        help="only time related entries and stories at these sizes (default 10000 100000; "
        "bench/topics_scale.py)",
    )
    p.add_argument("--json", type=Path, help="also write the results as JSON here")
    p.add_argument("--markdown", type=Path, help="also write the report (table + machine) here")
    a = p.parse_args(argv)
    if a.quick:
        a.sizes, a.runs = [10_000], min(a.runs, 3)
    if a.smoke:
        a.sizes, a.runs, a.feeds, a.items, a.ingest_files = [200], 1, 2, 5, 10
        a.no_newsboat = True
    return a


# -- machine -------------------------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass
    commit = (
        subprocess.run(
            ["git", "-C", str(ours.REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        or "unknown"
    )
    dirty = subprocess.run(
        ["git", "-C", str(ours.REPO), "status", "--porcelain", "--", "store", "tui"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    os_name = platform.platform()
    try:
        rel = dict(
            line.split("=", 1)
            for line in Path("/etc/os-release").read_text().splitlines()
            if "=" in line
        )
        os_name = rel.get("PRETTY_NAME", os_name).strip('"') + f" (kernel {platform.release()})"
    except OSError:
        pass
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "unknown"
    return {
        "cpu": f"{cpu}, {os.cpu_count()} logical cores",
        "load average (1/5/15 min) at the end": load,
        "memory": mem,
        "os": os_name,
        "python": platform.python_version(),
        "digest-tui": commit + (" + uncommitted changes in store/ or tui/" if dirty else ""),
        "newsboat": nb.version() if nb.available() else "not installed",
        "tmux": subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
        if tmux_available()
        else "not installed",
    }


# -- cached generated data ------------------------------------------------------------
def _store_hash() -> str:
    """Changes when the storage code does, so a cached library is never stale."""
    h = hashlib.sha1()
    for name in ("library.py", "models.py", "marks.py", "atomic.py", "wordindex.py"):
        p = ours.REPO / "store" / name
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()[:8]


def _cached(directory: Path, key: str, build: Callable[[Path], None]) -> Path:
    """Build into ``directory`` unless it holds data for ``key`` already."""
    stamp = directory / ".bench-key"
    if stamp.exists() and stamp.read_text() == key:
        return directory
    if directory.exists():
        shutil.rmtree(directory)
    tmp = directory.with_name(directory.name + ".building")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    build(tmp)
    (tmp / ".bench-key").write_text(key)
    tmp.rename(directory)
    return directory


def library_for(a: argparse.Namespace, n: int) -> Path:
    key = data.fingerprint(n=n, seed=a.seed, store=_store_hash())
    t0 = time.perf_counter()
    d = _cached(
        a.work_dir / f"lib-{n}",
        key,
        lambda p: data.build_library(p / "data", n, a.seed, batch=25_000),
    )
    log(f"library of {n} entries ready ({time.perf_counter() - t0:.1f} s)")
    return d / "data"


def newsboat_for(a: argparse.Namespace, n: int, n_feeds: int = 50) -> nb.Setup:
    """A newsboat cache holding the same ``n`` items (filled by newsboat's own reload)."""
    key = data.fingerprint(n=n, seed=a.seed, feeds=n_feeds, newsboat=nb.version())

    def build(p: Path) -> None:
        docs = data.feed_documents(a.seed, n_feeds, n // n_feeds)
        with FeedServer(docs) as srv:
            s = nb.setup(p, [data.feed_url(srv.port, f) for f in range(n_feeds)])
            nb.reload(s)
            got = nb.item_count(s)
            if got != n_feeds * (n // n_feeds):
                raise RuntimeError(f"newsboat cached {got} items, expected {n}")

    t0 = time.perf_counter()
    d = _cached(a.work_dir / f"newsboat-{n}", key, build)
    log(f"newsboat cache of {n} items ready ({time.perf_counter() - t0:.1f} s)")
    return nb.Setup(d)


# -- benchmarks -------------------------------------------------------------------------
class Budget:
    """Repeat a figure up to ``runs`` times, but stop when the next run would overrun."""

    def __init__(self, runs: int, seconds: float) -> None:
        self.runs, self.seconds = runs, seconds
        self.start = time.perf_counter()
        self.done = 0

    def __iter__(self) -> Iterator[int]:
        while self.done < self.runs:
            if self.done:
                spent = time.perf_counter() - self.start
                if spent + spent / self.done > self.seconds:
                    return
            yield self.done
            self.done += 1

    def note(self) -> str | None:
        if self.done < self.runs:
            return f"{self.done} run(s) of {self.runs}: stopped by the time budget (--budget)"
        return None


def bench_first_screen(a: argparse.Namespace, use_nb: bool) -> list[Result]:
    out: list[Result] = []
    empty_cfg = ours.write_config(a.work_dir / "empty-feeds.yaml", [], [])
    for n in a.sizes:
        label = f"{n // 1000}k" if n >= 1000 else str(n)
        scr = Result(
            f"first screen, {label} entries",
            "s",
            target=Target("ratio", FIRST_SCREEN_TARGETS[n]) if n in FIRST_SCREEN_TARGETS else None,
        )
        mem = Result(
            f"peak memory, {label} entries",
            "MB",
            target=Target("ratio", 2.0) if n == 100_000 else None,
        )
        out += [scr, mem]
        if a.no_tmux or not tmux_available():
            scr.ours_missing = mem.ours_missing = "n/a (no tmux)"
            continue
        lib_dir = library_for(a, n)
        setup = newsboat_for(a, n) if use_nb else None
        ui = ours.ui_available()
        if not ui:
            scr.notes.append("tui/app.py not in this checkout yet")
        budget = Budget(a.runs, a.budget)
        with Tmux("screen") as tm:
            for run in budget:
                if setup is not None:
                    r = tm.first_screen(
                        setup.argv(),
                        data.TITLE_RE,
                        env=setup.env(),
                        cwd=str(setup.dir),
                        before=(r"Feed 00", "Enter"),
                    )
                    for lock in setup.dir.glob("cache.db.lock"):
                        lock.unlink()
                    if r.seconds is None:
                        scr.notes.append(f"newsboat run {run}: no entry titles on screen")
                    else:
                        scr.theirs = [*(scr.theirs or []), r.seconds]
                        if r.peak_rss_mb:
                            mem.theirs = [*(mem.theirs or []), r.peak_rss_mb]
                if ui:
                    r = tm.first_screen(
                        ours.argv(lib_dir, empty_cfg),
                        data.TITLE_RE,
                        env=ours.env(),
                        cwd=str(a.work_dir),
                        timeout=180,
                    )
                    if r.seconds is None:
                        shown = " / ".join(
                            x.strip(" │╭╮╰╯─") for x in r.screen.splitlines() if x.strip(" │╭╮╰╯─")
                        )
                        scr.notes.append(f"digest-tui run {run}: no titles; screen: {shown[:300]}")
                    else:
                        scr.ours = [*(scr.ours or []), r.seconds]
                        if r.peak_rss_mb:
                            mem.ours = [*(mem.ours or []), r.peak_rss_mb]
                log(
                    f"first screen {label} run {run + 1}/{a.runs}: "
                    f"ours={scr.ours[-1] if scr.ours else None} "
                    f"newsboat={scr.theirs[-1] if scr.theirs else None}"
                )
        if budget.note():
            scr.notes.append(str(budget.note()))
    return out


def bench_refresh(a: argparse.Namespace, use_nb: bool) -> list[Result]:
    shape = f"{a.feeds} × {a.items}"
    fresh = Result(f"refresh {shape}, empty library", "s", target=Target("ratio", 1.5))
    same = Result(f"refresh {shape}, same bytes again (no 304)", "s", target=Target("ratio", 0.5))
    n304 = Result(f"refresh {shape}, all 304", "s", target=Target("ratio", 1.0))
    rows = [fresh, same, n304]
    can_ours = ours.has_command("refresh")
    if not can_ours:
        fresh.notes.append("`digest-tui refresh` not in this checkout yet")
    if not can_ours and not use_nb:
        return rows
    docs = data.feed_documents(a.seed + 1, a.feeds, a.items)
    with FeedServer(docs) as srv:
        urls = [data.feed_url(srv.port, f) for f in range(a.feeds)]
        cfg = ours.write_config(
            a.work_dir / "refresh" / "feeds.yaml", urls, [data.feed_name(f) for f in range(a.feeds)]
        )
        Who = list[tuple[str, Callable[[], float]]]

        def measure(phase: str, res: Result, mode: str, who: Who, run: int) -> None:
            srv.mode = mode
            for name, fn in who:
                try:
                    if phase == "304":
                        fn()  # learn the validators (a 200 with ETag); not timed
                    srv.reset_counts()
                    dt = fn()
                    if phase == "304" and srv.counts.get(200):
                        res.notes.append(
                            f"{name} run {run}: {srv.counts[200]} feeds "
                            "fetched in full although the server sends 304"
                        )
                except Exception as exc:  # a failing reader is a note, not a crash
                    res.notes.append(f"{name} run {run}: {str(exc)[:200]}")
                    continue
                if name == "ours":
                    res.ours = [*(res.ours or []), dt]
                else:
                    res.theirs = [*(res.theirs or []), dt]

        budget = Budget(a.runs, a.budget)
        who: Who = []
        for run in budget:
            who = []
            if use_nb:
                s = nb.setup(a.work_dir / "refresh" / "newsboat", urls)
                s.clear_cache()
                who.append(("newsboat", lambda s=s: nb.reload(s)))
            if can_ours:
                d = a.work_dir / "refresh" / "digest-tui"
                shutil.rmtree(d, ignore_errors=True)
                who.append(("ours", lambda d=d: ours.refresh(d, cfg)))
            measure("fresh", fresh, "plain", who, run)
            measure("same", same, "plain", who, run)
            measure("304", n304, "conditional", who, run)
            log(
                f"refresh run {run + 1}/{a.runs}: fresh={fresh.ours and fresh.ours[-1]} "
                f"same={same.ours and same.ours[-1]} 304={n304.ours and n304.ours[-1]}"
            )
        # a slow fresh refresh must not starve the cheap figures: repeat those on
        # the last libraries (same bytes again, then all 304) up to --runs
        for run in range(budget.done, a.runs):
            measure("same", same, "plain", who, run)
            measure("304", n304, "conditional", who, run)
    if budget.note():
        fresh.notes.append(str(budget.note()))
    for r in rows:
        r.notes = sorted(set(r.notes), key=r.notes.index)
    return rows


def _largest(a: argparse.Namespace) -> int:
    return max(a.sizes)


def bench_query(a: argparse.Namespace) -> list[Result]:
    n = _largest(a)
    res = Result(
        f"query `{QUERY}`, {n // 1000 if n >= 1000 else n}{'k' if n >= 1000 else ''} entries",
        "ms",
        target=Target("max", 50.0),
    )
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


def bench_marks(a: argparse.Namespace) -> list[Result]:
    n = _largest(a)
    label = f"{n // 1000}k" if n >= 1000 else str(n)
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


def _in_child(kind: str, lib: Path, runs: int) -> object:
    """Run a store-level timing in a fresh interpreter (no caches from the bench itself)."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from bench import ours\n"
        f"kind, lib, runs, q = {kind!r}, Path({str(lib)!r}), {runs}, {QUERY!r}\n"
        "if kind == 'query':\n"
        "    r = ours.query_times(lib, q, runs)\n"
        "    print(json.dumps(None if r is None else [r[0], r[1]]))\n"
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
    folder = _cached(
        a.work_dir / f"digests-{n}", key, lambda p: data.write_digest_files(p / "files", n, a.seed)
    )
    files = folder / "files"
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
    if budget.note():
        res.notes.append(str(budget.note()))
    if line:
        res.notes.append(f"whole command, process start included; it said: {line}")
    return [res]


# -- main ---------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    a = parse_args(argv)
    if a.realworld is not None:
        from bench import realworld

        return realworld.main([str(f) for f in a.realworld])
    if a.topics:
        from bench import topics

        return topics.main()
    a.work_dir.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ours.REPO))
    notes: list[str] = []
    topics_only = a.topics_scale is not None
    use_nb = not topics_only and not a.no_newsboat and nb.ensure_installed(notes)
    if not a.no_newsboat and not use_nb and not topics_only:
        notes.append("newsboat column skipped")
    wanted = set(a.only or ["screen", "refresh", "query", "marks", "ingest"])
    if topics_only:
        from bench.topics_scale import bench_topics_scale

        sizes = a.topics_scale or [10_000, 100_000]
        wanted = {"topics"}
    steps: list[tuple[str, Callable[[], list[Result]]]] = [
        ("topics", lambda: bench_topics_scale(a, sizes, library_for)),
        ("screen", lambda: bench_first_screen(a, use_nb)),
        ("refresh", lambda: bench_refresh(a, use_nb)),
        ("query", lambda: bench_query(a)),
        ("marks", lambda: bench_marks(a)),
        ("ingest", lambda: bench_ingest(a)),
    ]
    results: list[Result] = []
    t0 = time.perf_counter()
    for name, fn in steps:
        if name not in wanted:
            continue
        log(f"--- {name}")
        try:
            results += fn()
        except Exception as exc:
            log(traceback.format_exc())
            results.append(Result(f"{name} benchmark", "", notes=[f"crashed: {exc!r}"[:300]]))
    m = machine()
    text = "\n".join(
        [
            table(results),
            "",
            "Machine: " + "; ".join(f"{k}: {v}" for k, v in m.items()),
            f"Command: python -m bench {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip(),
            f"Runs per figure: {a.runs} (medians); seed {a.seed}; "
            f"wall time of the bench {time.perf_counter() - t0:.0f} s",
            *(f"Note: {n}" for n in notes),
        ]
    )
    print(text)
    if a.markdown:
        a.markdown.write_text(text + "\n", encoding="utf-8")
    if a.json:
        a.json.write_text(
            json.dumps({"machine": m, "results": [r.to_json() for r in results]}, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
