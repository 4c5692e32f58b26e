"""Refresh figures: into an empty library (listable / everything derived), same bytes
again, all 304, and the daily refresh (a few new items on top of many known ones).

Both readers fetch the same generated feeds from one local server; newsboat
runs ``-x reload``, digest-tui ``refresh`` (and ``refresh --no-wait`` when this
checkout has it: it returns once the new entries are listable).
"""

from __future__ import annotations

import argparse
import functools
import shutil
from collections.abc import Callable
from pathlib import Path

from bench import data, ours
from bench import newsboat as nb
from bench.prepare import Budget, log
from bench.report import Result, Target
from bench.server import FeedServer

Who = list[tuple[str, Callable[[], float]]]


def _dedupe(rows: list[Result]) -> list[Result]:
    for r in rows:
        r.notes = sorted(set(r.notes), key=r.notes.index)
    return rows


def bench_refresh(a: argparse.Namespace, use_nb: bool) -> list[Result]:
    shape = f"{a.feeds} × {a.items}"
    listable = Result(
        f"refresh {shape}, empty library, entries listable", "s", target=Target("ratio", 1.0)
    )
    fresh = Result(
        f"refresh {shape}, empty library, everything derived", "s", target=Target("ratio", 1.5)
    )
    same = Result(f"refresh {shape}, same bytes again (no 304)", "s", target=Target("ratio", 0.3))
    n304 = Result(f"refresh {shape}, all 304", "s", target=Target("ratio", 1.0))
    rows = [listable, fresh, same, n304]
    can_ours = ours.has_command("refresh")
    no_wait = can_ours and ours.has_option("refresh", "--no-wait")
    if not can_ours:
        fresh.notes.append("`digest-tui refresh` not in this checkout yet")
    if not no_wait:
        listable.ours_missing = "n/a (no `refresh --no-wait`)"
        listable.notes.append("`digest-tui refresh --no-wait` not in this checkout yet")
    else:
        listable.notes.append(
            "`refresh --no-wait` into a fresh library; newsboat column: the same runs as "
            "the row below (its reload has no deferred part)"
        )
    if not can_ours and not use_nb:
        return rows
    docs = data.feed_documents(a.seed + 1, a.feeds, a.items)
    with FeedServer(docs) as srv:
        urls = [data.feed_url(srv.port, f) for f in range(a.feeds)]
        cfg = ours.write_config(
            a.work_dir / "refresh" / "feeds.yaml", urls, [data.feed_name(f) for f in range(a.feeds)]
        )

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
                who.append(("newsboat", functools.partial(nb.reload, s)))
            if can_ours:
                d = a.work_dir / "refresh" / "digest-tui"
                shutil.rmtree(d, ignore_errors=True)
                who.append(("ours", functools.partial(ours.refresh, d, cfg)))
            measure("fresh", fresh, "plain", who, run)
            measure("same", same, "plain", who, run)
            measure("304", n304, "conditional", who, run)
            if no_wait:  # last: its pending derivation must not reach the rows above
                d = a.work_dir / "refresh" / "digest-tui-no-wait"
                shutil.rmtree(d, ignore_errors=True)
                nw: Who = [("ours", functools.partial(ours.refresh, d, cfg, "--no-wait"))]
                measure("fresh", listable, "plain", nw, run)
            log(
                f"refresh run {run + 1}/{a.runs}: listable={listable.ours and listable.ours[-1]} "
                f"fresh={fresh.ours and fresh.ours[-1]} "
                f"same={same.ours and same.ours[-1]} 304={n304.ours and n304.ours[-1]}"
            )
        # a slow fresh refresh must not starve the cheap figures: repeat those on
        # the last libraries (same bytes again, then all 304) up to --runs
        for run in range(budget.done, a.runs):
            measure("same", same, "plain", who, run)
            measure("304", n304, "conditional", who, run)
    listable.theirs = fresh.theirs
    if budget.note():
        fresh.notes.append(str(budget.note()))
    return _dedupe(rows)


def bench_daily(a: argparse.Namespace, use_nb: bool) -> list[Result]:
    """The refresh a user runs every day: ``new`` new items on top of ``a.items`` known.

    Yesterday's state (both readers refreshed from the ``a.items``-item feeds)
    is built once per bench, untimed, and copied afresh before every run; then
    the server serves today's feeds (the new items at the top, the old items
    byte for byte as yesterday) and both readers' refreshes are timed.
    """
    new = max(1, a.items // 20)
    res = Result(
        f"daily refresh: {a.feeds} feeds, {new} new items each on {a.items} known",
        "s",
        target=Target("ratio", 0.5),
    )
    can_ours = ours.has_command("refresh")
    if not can_ours:
        res.notes.append("`digest-tui refresh` not in this checkout yet")
    if not can_ours and not use_nb:
        return [res]
    before, today = data.daily_documents(a.seed + 2, a.feeds, a.items, new)
    root = a.work_dir / "daily"
    shutil.rmtree(root, ignore_errors=True)
    with FeedServer(before) as srv:
        urls = [data.feed_url(srv.port, f) for f in range(a.feeds)]
        cfg = ours.write_config(
            root / "feeds.yaml", urls, [data.feed_name(f) for f in range(a.feeds)]
        )
        base_nb = nb.setup(root / "newsboat-base", urls) if use_nb else None
        base_ours = root / "digest-tui-base"
        try:  # yesterday, untimed
            if base_nb is not None:
                nb.reload(base_nb)
            if can_ours:
                ours.refresh(base_ours, cfg)
        except Exception as exc:
            res.notes.append(f"building yesterday's state failed: {str(exc)[:200]}")
            return [res]
        srv.set_docs(today)
        budget = Budget(a.runs, a.budget)
        line = ""
        for run in budget:
            if base_nb is not None:
                s = nb.setup(root / "newsboat", urls)
                s.clear_cache()
                shutil.copy2(base_nb.cache, s.cache)
                res.theirs = _timed(
                    res, "newsboat", run, functools.partial(nb.reload, s), res.theirs
                )
                got = nb.item_count(s)
                if got != a.feeds * (a.items + new):
                    res.notes.append(f"newsboat run {run}: {got} items after the refresh")
            if can_ours:
                d = root / "digest-tui"
                _copy_fresh(base_ours, d)
                try:
                    dt, line = ours.refresh_report(d, cfg)
                    res.ours = [*(res.ours or []), dt]
                except Exception as exc:
                    res.notes.append(f"ours run {run}: {str(exc)[:200]}")
            log(
                f"daily refresh run {run + 1}/{a.runs}: ours={res.ours and res.ours[-1]} "
                f"newsboat={res.theirs and res.theirs[-1]}"
            )
    if line:
        res.notes.append(f"digest-tui said: {line[:200]}")
    if budget.note():
        res.notes.append(str(budget.note()))
    return _dedupe([res])


def _timed(
    res: Result, name: str, run: int, fn: Callable[[], float], into: list[float] | None
) -> list[float] | None:
    try:
        return [*(into or []), fn()]
    except Exception as exc:  # a failing reader is a note, not a crash
        res.notes.append(f"{name} run {run}: {str(exc)[:200]}")
        return into


def _copy_fresh(src: Path, dst: Path) -> None:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True)
