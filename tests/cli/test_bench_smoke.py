"""The benchmark harness still runs (tiny sizes, no newsboat, no timing thresholds).

Benchmarks themselves stay out of the test suite: nothing here asserts on a
wall-clock figure, only that ``python -m bench`` produces its table.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

EXPECTED_ROWS = (
    "first screen, 20 entries",
    "first screen, 200 entries",
    "peak memory, 200 entries",
    "peak memory, 200 entries, 3 s later",
    "refresh 2 × 5, empty library, entries listable",
    "refresh 2 × 5, empty library, everything derived",
    "refresh 2 × 5, same bytes again (no 304)",
    "refresh 2 × 5, all 304",
    "daily refresh: 2 feeds, 1 new items each on 5 known",
    "query `model +ai`, 200 entries",
    "open an entry, 200 entries",
    "bookmark toggle, 200 entries",
    "tag add, 200 entries",
    "save 500 new entries, 200 entries",
    "ingest 10 digest files",
    "derive related + stories after that ingest, CPU per entry",
)


@pytest.mark.timeout(420)
def test_bench_smoke_prints_the_table(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench", "--smoke", "--work-dir", str(tmp_path / "work")]
    args += ["--json", str(tmp_path / "results.json")]
    if shutil.which("tmux") is None:
        args.append("--no-tmux")
    out = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=400)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[0].startswith("| figure | digest-tui | newsboat | ratio | target |")
    assert lines[0].endswith("| spread: digest-tui; newsboat |")
    figures = [ln.split("|")[1].strip() for ln in lines if ln.startswith("| ")]
    for row in EXPECTED_ROWS:
        assert row in figures, f"missing row {row!r} in:\n{out.stdout}"
    assert "Machine:" in out.stdout and "Command: python -m bench" in out.stdout
    results = json.loads((tmp_path / "results.json").read_text())
    by_name = {r["figure"]: r for r in results["results"]}
    # the library-level figures need nothing but store/: they must have numbers
    for row in (
        "bookmark toggle, 200 entries",
        "tag add, 200 entries",
        "open an entry, 200 entries",
        "save 500 new entries, 200 entries",
        "derive related + stories after that ingest, CPU per entry",
    ):
        assert by_name[row]["ours_median"] is not None, out.stdout
        assert by_name[row]["ours_spread"] is not None, out.stdout
    assert "no content or index file rewritten" in out.stdout
    assert "the cached library changed" not in out.stdout
    # 500 new entries on 200 (one shard of 256 not full): that shard filled, two new
    # ones, library.json; no other file, whatever the library held
    save = by_name["save 500 new entries, 200 entries"]
    assert any("written per save 4-4" in n for n in save["notes"]), save
    # refresh is in every checkout: the daily refresh must have run, and counted
    daily = by_name["daily refresh: 2 feeds, 1 new items each on 5 known"]
    assert daily["ours_median"] is not None, out.stdout
    assert any("2 new entries" in n for n in daily["notes"]), daily  # today's items, not none
    if shutil.which("tmux") is not None:
        assert "first screen at 200 vs ours at 20 (growth)" in figures, out.stdout
        # both memory readings, the later one never below the first (a high-water mark)
        first, later = (by_name[f"peak memory, 200 entries{s}"] for s in ("", ", 3 s later"))
        assert first["ours_median"] is not None and later["ours_median"] is not None, out.stdout
        assert later["ours_median"] >= first["ours_median"], (first, later)


def test_bench_generated_data_is_deterministic() -> None:
    from bench.data import TextPool, digest_text, feed_documents, make_item

    assert feed_documents(3, 2, 4) == feed_documents(3, 2, 4)
    pool = TextPool(3)
    it = make_item(pool, 12, 0)
    assert it.title.startswith("Story #000012: ")
    assert "Key Points:" in digest_text(pool, 1)


def test_bench_library_built_by_workers_is_the_one_built_in_process(tmp_path: Path) -> None:
    """The 500k library is built by worker processes: it must hold what one process builds."""
    from bench.data import build_library
    from store.index.query import run_query
    from store.storage.library import Library

    build_library(tmp_path / "pool", 30, 3, n_feeds=4, batch=10)  # 3 jobs: worker processes
    build_library(tmp_path / "one", 30, 3, n_feeds=4, batch=100)  # one job: in process
    pool, one = Library.open(tmp_path / "pool"), Library.open(tmp_path / "one")
    assert [r.id for r in pool.rows()] == [r.id for r in one.rows()]
    assert len(pool.rows()) == 30
    assert pool.all_marks() == one.all_marks()
    for q in ("model", "Story", "+ai"):
        assert [r.id for r in run_query(pool, q)] == [r.id for r in run_query(one, q)], q
    assert run_query(pool, "model")


def test_the_bench_compiles_the_checkout_before_timing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timed runs find every module compiled, as in an installed copy, even where
    PYTHONDONTWRITEBYTECODE is set (CI sets it): no run pays the compile."""
    from bench import ours

    for pkg in ("store", "tui"):
        (tmp_path / pkg / "sub").mkdir(parents=True)
        (tmp_path / pkg / "sub" / "mod.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(ours, "REPO", tmp_path)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    assert ours.compile_checkout() is None
    for pkg in ("store", "tui"):
        assert list((tmp_path / pkg / "sub" / "__pycache__").glob("mod.*.pyc")), pkg
