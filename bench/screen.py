"""First screen and peak memory at each library size, and how the first screen grows.

newsboat is only run up to ``NEWSBOAT_MAX`` entries: its cache is filled by its
own reload from the local server, and at 500k that is 50 feeds of 10,000 items
(about 1.75 GB of RSS held by the bench's server), which is not a reasonable
fill. Above it the rows are ours only: absolute memory, and growth against our
own first screen at a tenth of the size.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
from pathlib import Path

from bench import data, ours
from bench.prepare import Budget, library_for, log, newsboat_for, size_label
from bench.report import Result, Target
from bench.term import Tmux, tmux_available

FIRST_SCREEN_TARGETS = {10_000: 2.0, 50_000: 0.5, 100_000: 0.1}
MEMORY_TARGETS = {100_000: Target("ratio", 1.0), 500_000: Target("max", 250.0)}
GROWTH_TARGETS = {500_000: 1.5}
NEWSBOAT_MAX = 100_000
KEPT_BY_A_START = ("counts.cache", "marks.cache")  # what _fresh_copy carries over
# the second memory reading: the first (0.5 s after the first screen) is taken
# while a large library's rows may still be loading; this one is after its
# start-up work (every row, the tag summary) and shows a load put off past the first
LATER = 3.0


def bench_first_screen(a: argparse.Namespace, use_nb: bool) -> list[Result]:
    out: list[Result] = []
    by_size: dict[int, Result] = {}
    empty_cfg = ours.write_config(a.work_dir / "empty-feeds.yaml", [], [])
    for n in a.sizes:
        label = size_label(n)
        scr = Result(
            f"first screen, {label} entries",
            "s",
            target=Target("ratio", FIRST_SCREEN_TARGETS[n]) if n in FIRST_SCREEN_TARGETS else None,
        )
        mem = Result(f"peak memory, {label} entries", "MB", target=MEMORY_TARGETS.get(n))
        later = Result(f"peak memory, {label} entries, {LATER:g} s later", "MB")
        gone = Result(f"quit, {label} entries", "s")
        out += [scr, mem, later, gone]
        by_size[n] = scr
        if a.no_tmux or not tmux_available():
            scr.ours_missing = mem.ours_missing = later.ours_missing = "n/a (no tmux)"
            gone.ours_missing = "n/a (no tmux)"
            continue
        lib_dir = library_for(a, n)
        with_nb = use_nb and n <= NEWSBOAT_MAX
        if use_nb and not with_nb:
            scr.notes.append(
                f"newsboat not run above {size_label(NEWSBOAT_MAX)}: filling its cache by its "
                "own reload would take the server ~3.5 kB × N of feed XML (docs/performance.md)"
            )
        setup = newsboat_for(a, n) if with_nb else None
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
                        later=LATER,
                        quit_keys=("q", "q"),  # the feed's entries, then the feed list
                    )
                    for lock in setup.dir.glob("cache.db.lock"):
                        lock.unlink()
                    if r.seconds is None:
                        scr.notes.append(f"newsboat run {run}: no entry titles on screen")
                    else:
                        scr.theirs = [*(scr.theirs or []), r.seconds]
                        if r.peak_rss_mb:
                            mem.theirs = [*(mem.theirs or []), r.peak_rss_mb]
                        if r.later_rss_mb:
                            later.theirs = [*(later.theirs or []), r.later_rss_mb]
                        if r.quit_seconds is not None:
                            gone.theirs = [*(gone.theirs or []), r.quit_seconds]
                if ui:
                    run_dir = _fresh_copy(lib_dir, a.work_dir / f"screen-scratch-{n}")
                    r = tm.first_screen(
                        ours.argv(run_dir, empty_cfg),
                        data.TITLE_RE,
                        env=ours.env(),
                        cwd=str(a.work_dir),
                        timeout=180,
                        later=LATER,
                        quit_keys=("q",),
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
                        if r.later_rss_mb:
                            later.ours = [*(later.ours or []), r.later_rss_mb]
                        if r.quit_seconds is not None:
                            gone.ours = [*(gone.ours or []), r.quit_seconds]
                log(
                    f"first screen {label} run {run + 1}/{a.runs}: "
                    f"ours={scr.ours[-1] if scr.ours else None} "
                    f"newsboat={scr.theirs[-1] if scr.theirs else None}"
                )
        if budget.note():
            scr.notes.append(str(budget.note()))
        shutil.rmtree(a.work_dir / f"screen-scratch-{n}", ignore_errors=True)
    scr.notes.append(
        "each digest-tui run on a fresh hard-linked copy of the built library (its warm-up "
        "writes what it derives), the counts and first-page marks the run before kept "
        "carried over (the first run writes them)"
    )
    return out + growth_rows(by_size)


def growth_rows(by_size: dict[int, Result]) -> list[Result]:
    """First screen at N against ours at N/10, for the largest N whose tenth was measured.

    Each sample is one run at N over the median at N/10, so the row's spread is
    the run-to-run spread at N.
    """
    big = max(by_size, default=0)
    small = big // 10
    if small not in by_size:
        return []
    res = Result(
        f"first screen at {size_label(big)} vs ours at {size_label(small)} (growth)",
        "×",
        target=Target("max", GROWTH_TARGETS[big]) if big in GROWTH_TARGETS else None,
    )
    base, at_big = by_size[small].ours, by_size[big].ours
    if not base or not at_big:
        res.ours_missing = "n/a (a size was not measured)"
        return [res]
    mid = statistics.median(base)
    res.ours = [x / mid for x in at_big]
    return [res]


def _fresh_copy(lib_dir: Path, scratch: Path) -> Path:
    """A hard-linked copy of the built library for one run, with the start-up caches
    the run before kept.

    Why: the UI's warm-up writes what it derives (signatures, stories) into the
    library it opens, so runs on the cached library measured less warm-up each
    time, and so did the next bench. Each run starts from the library as built;
    what a start keeps for the next one and that stays valid while the index and
    marks are as built (``counts.cache``, ``marks.cache``) is carried over, so the
    first run writes them and the others take them, as a user's second start does.
    """
    kept = {name: scratch / name for name in KEPT_BY_A_START}
    carried = {name: p.read_bytes() for name, p in kept.items() if p.is_file()}
    shutil.rmtree(scratch, ignore_errors=True)
    ours.scratch_copy(lib_dir, scratch)
    for name, content in carried.items():
        (scratch / name).unlink(missing_ok=True)  # a hard link to the built library's
        (scratch / name).write_bytes(content)
    return scratch
