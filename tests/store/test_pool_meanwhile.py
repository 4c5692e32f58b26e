"""``WorkerPool.finish(meanwhile=...)``: this process's own work runs while the
workers hold the jobs (a refresh imports the word index's numpy there), once,
and every result still arrives."""

from __future__ import annotations

from store.sync.pool import PARALLEL_MIN_BYTES, WorkerPool


def test_meanwhile_runs_once_while_the_workers_hold_the_jobs() -> None:
    done: dict[str, object] = {}
    seen: list[tuple[bool, int]] = []
    pool: WorkerPool[int] = WorkerPool(len, lambda k, r: done.__setitem__(k, r), eager=False)
    try:
        for n in range(4):
            pool.submit(f"job{n}", (b"x" * n,), PARALLEL_MIN_BYTES)
        pool.finish(meanwhile=lambda: seen.append((pool.pool is not None, len(pool.futs))))
    finally:
        pool.close()
    assert len(seen) == 1
    in_workers, _held = seen[0]
    assert in_workers  # the workers existed: the work overlapped theirs
    assert done == {f"job{n}": n for n in range(4)}


def test_no_meanwhile_when_the_jobs_run_here() -> None:
    """Small bodies are parsed in this process: nothing to overlap, not called."""
    done: dict[str, object] = {}
    seen: list[int] = []
    pool: WorkerPool[int] = WorkerPool(len, lambda k, r: done.__setitem__(k, r), eager=False)
    try:
        for n in range(3):
            pool.submit(f"job{n}", (b"x" * n,), 10)
        pool.finish(meanwhile=lambda: seen.append(1))
    finally:
        pool.close()
    assert seen == []
    assert done == {f"job{n}": n for n in range(3)}
