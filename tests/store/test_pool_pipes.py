"""The parse pool's pipes hold a whole feed body and a whole result (``pool.widen_pipes``).

Through the default 64 kB pipe a body of hundreds of kB crossed in a dozen
hand-offs, each waiting for the parent's GIL: the workers idled between feeds.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from store.sync.pool import PIPE_BYTES, WorkerPool, start_workers, stop_pool

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="F_SETPIPE_SZ is Linux's")


def _size(conn: object) -> int:
    import fcntl

    return int(fcntl.fcntl(conn.fileno(), fcntl.F_GETPIPE_SZ))  # type: ignore[attr-defined]


def _echo(body: bytes) -> bytes:
    return body[::-1]


def test_a_started_pool_has_room_for_a_body_and_a_result_in_each_pipe() -> None:
    pool = start_workers("fork")
    assert pool is not None
    try:
        queues: list[Any] = [pool._call_queue, pool._result_queue]  # type: ignore[attr-defined]
        for queue in queues:
            assert _size(queue._writer) >= PIPE_BYTES
            assert _size(queue._reader) >= PIPE_BYTES  # one pipe: both ends see its size
    finally:
        stop_pool(pool)


def test_bodies_larger_than_the_pipe_still_cross_whole() -> None:
    """Jobs and results over the pipe's size, several at once: each arrives intact."""
    done: dict[str, bytes | str] = {}
    pool: WorkerPool[bytes] = WorkerPool(_echo, done.__setitem__, eager=True)
    bodies = {f"b{n}": bytes([n]) * (PIPE_BYTES + 4096 * n) for n in range(5)}
    try:
        for key, body in bodies.items():
            pool.submit(key, (body,), len(body))
        pool.finish()
    finally:
        pool.close()
    assert done == {k: b[::-1] for k, b in bodies.items()}
