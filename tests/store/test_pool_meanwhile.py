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


_WARMED: list[int] = []


def _warm() -> None:
    _WARMED.append(1)


def _warmed(_body: bytes) -> int:
    """Job: how many times this worker ran its warm-up before the job."""
    return len(_WARMED)


def test_eager_workers_warm_up_once_before_their_first_job() -> None:
    """``warm`` runs in each worker as it starts (a refresh imports the parsers
    there while it still fetches), once, and never in this process."""
    done: dict[str, object] = {}
    pool: WorkerPool[int] = WorkerPool(
        _warmed, lambda k, r: done.__setitem__(k, r), eager=True, warm=_warm
    )
    try:
        assert pool.pool is not None
        for n in range(6):
            pool.submit(f"job{n}", (b"x",), PARALLEL_MIN_BYTES)
        pool.finish()
    finally:
        pool.close()
    assert done == {f"job{n}": 1 for n in range(6)}
    assert _WARMED == []
