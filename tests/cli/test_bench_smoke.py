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
    "first screen, 200 entries",
    "peak memory, 200 entries",
    "refresh 2 × 5, empty library",
    "refresh 2 × 5, same bytes again (no 304)",
    "refresh 2 × 5, all 304",
    "query `model +ai`, 200 entries",
    "bookmark toggle, 200 entries",
    "tag add, 200 entries",
    "ingest 10 digest files",
)


@pytest.mark.timeout(240)
def test_bench_smoke_prints_the_table(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "bench", "--smoke", "--work-dir", str(tmp_path / "work")]
    args += ["--json", str(tmp_path / "results.json")]
    if shutil.which("tmux") is None:
        args.append("--no-tmux")
    out = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=220)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert lines[0].startswith("| figure | digest-tui | newsboat | ratio | target |")
    figures = [ln.split("|")[1].strip() for ln in lines if ln.startswith("| ")]
    for row in EXPECTED_ROWS:
        assert row in figures, f"missing row {row!r} in:\n{out.stdout}"
    assert "Machine:" in out.stdout and "Command: python -m bench" in out.stdout
    results = json.loads((tmp_path / "results.json").read_text())
    by_name = {r["figure"]: r for r in results["results"]}
    # the library-level figures need nothing but store/: they must have numbers
    for row in ("bookmark toggle, 200 entries", "tag add, 200 entries"):
        assert by_name[row]["ours_median"] is not None, out.stdout
    assert "no content or index file rewritten" in out.stdout


def test_bench_generated_data_is_deterministic() -> None:
    from bench.data import TextPool, digest_text, feed_documents, make_item

    assert feed_documents(3, 2, 4) == feed_documents(3, 2, 4)
    pool = TextPool(3)
    it = make_item(pool, 12, 0)
    assert it.title.startswith("Story #000012: ")
    assert "Key Points:" in digest_text(pool, 1)
