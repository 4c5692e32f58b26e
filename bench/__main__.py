"""``python -m bench``: digest-tui against newsboat on the same generated data.

Runs every figure of issues 7 and 19 several times, side by side (one newsboat run,
then one digest-tui run, repeated), and prints a Markdown table of medians,
ratios and targets. See ``docs/performance.md`` for what each figure means.

    python -m bench                  # full run (~15-20 min on 2 cores, 500k built once)
    python -m bench --quick          # 10k only, 3 runs
    python -m bench --sizes 10000 50000 --runs 5
    python -m bench --smoke          # seconds; what the test suite runs
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import newsboat as nb
from bench import ours
from bench.library_figures import bench_ingest, bench_marks, bench_open, bench_query, bench_save
from bench.machine import machine
from bench.prepare import library_for, log
from bench.refresh import bench_daily, bench_refresh
from bench.report import Result, table
from bench.screen import bench_first_screen

BENCHMARKS = ["screen", "refresh", "daily", "query", "open", "marks", "ingest"]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 50_000, 100_000, 500_000],
        help="library sizes for first screen / memory (default: 10k 50k 100k 500k); "
        "query, marks and open run at the largest",
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
        choices=BENCHMARKS,
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
    p.add_argument("--quick", action="store_true", help="10k entries only (no 500k), 3 runs")
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
        a.sizes, a.runs, a.feeds, a.items, a.ingest_files = [20, 200], 1, 2, 5, 10
        a.no_newsboat = True
    return a


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
    wanted = set(a.only or BENCHMARKS)
    if (note := ours.compile_checkout()) is not None:
        notes.append(note)
    if topics_only:
        from bench.topics_scale import bench_topics_scale

        sizes = a.topics_scale or [10_000, 100_000]
        wanted = {"topics"}
    steps: list[tuple[str, Callable[[], list[Result]]]] = [
        ("topics", lambda: bench_topics_scale(a, sizes, library_for)),
        ("screen", lambda: bench_first_screen(a, use_nb)),
        ("refresh", lambda: bench_refresh(a, use_nb)),
        ("daily", lambda: bench_daily(a, use_nb)),
        ("query", lambda: bench_query(a)),
        ("open", lambda: bench_open(a)),
        ("marks", lambda: bench_marks(a) + bench_save(a)),
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
