"""Worker processes for CPU-bound jobs (parsing), with the failure modes of a CLI in mind.

Refresh and ingest both parse in worker processes. What they share lives here:
workers that ignore Ctrl-C (the parent handles it) and die with their parent,
a pool that never leaves a half-started worker behind, and ``WorkerPool``, which
runs one job function (passed in) on bodies as they arrive.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FuturesTimeout
from typing import Any, Generic, TypeVar

try:
    import fcntl
except ImportError:  # not on Windows: the pipes keep their size there
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "WorkerPool",
    "die_with_parent",
    "start_workers",
    "stop_pool",
    "widen_pipes",
    "worker_init",
]

R = TypeVar("R")

WORKERS = 2
PARALLEL_MIN_BYTES = 512 * 1024  # below this, starting worker processes costs more than it saves
JOB_TIMEOUT = 120.0  # seconds for one job in a worker process
CLOSE_SETTLE = 30.0  # seconds close() waits for the job in hand to end
PIPE_BYTES = 1 << 20  # room in each pool pipe (see ``widen_pipes``): Linux's default cap


def worker_init(parent_pid: int | None = None, warm: Callable[[], None] | None = None) -> None:
    """Pool initializer: Ctrl-C is the parent's to handle, and the worker dies with it.

    The workers share the terminal's process group, so a Ctrl-C reaches them
    too; without this each printed a KeyboardInterrupt traceback while the
    parent stopped them anyway. ``warm`` (picklable, for ``spawn``) readies the
    worker before its first job arrives: the imports of a fork made before they
    were loaded, done by each worker while the parent still fetches.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # held during the fork (``start_workers``)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    die_with_parent(parent_pid)
    if warm is not None:
        warm()


def die_with_parent(parent_pid: int | None = None) -> None:
    """Pool initializer: a worker dies when the process that started it does.

    Without it, a killed `ingest` leaves forked workers parsing on, holding its
    stdout open (so `digest-tui ingest … | cat` never ends). Linux only;
    elsewhere the pool's own shutdown is all there is. The parent may already
    be gone before the worker got here: then the worker leaves at once.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)


def start_workers(
    method: str, workers: int = WORKERS, warm: Callable[[], None] | None = None
) -> ProcessPoolExecutor | None:
    """A process pool (``fork`` or ``spawn``) whose workers run ``worker_init``; None
    if it cannot start. With ``fork`` the workers are forked now, while the caller
    is still the only thread. A worker that did start is killed if a later one
    fails: it must not outlive us (an orphan kept the CLI from exiting)."""
    pool = None
    try:
        with _ctrl_c_held():
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context(method),
                initializer=worker_init,
                initargs=(os.getpid(), warm),
            )
            widen_pipes(pool)
            if method == "fork":
                pool.submit(os.getpid)  # forks the workers now, while no other thread runs
        return pool
    except KeyboardInterrupt:  # the Ctrl-C held during the fork: the workers just started go
        if pool is not None:
            # waited for (idle workers that ignore SIGINT: quick), so the pool's
            # manager thread has closed its wakeup pipe before exit; unwaited, the
            # interpreter's exit hook raced it ("Exception ignored … Bad file
            # descriptor" after "interrupted", CPython 3.11)
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    except Exception:
        if pool is not None:
            kill_workers(pool)
            with contextlib.suppress(Exception):
                pool.shutdown(wait=False, cancel_futures=True)
        return None


def widen_pipes(pool: ProcessPoolExecutor, size: int = PIPE_BYTES) -> None:
    """Give the pool's job and result pipes room for a whole body and a whole result.

    A job carries a feed's body (hundreds of kB), a result its parsed entries;
    through a 64 kB pipe each crossed in a dozen hand-offs between a worker and
    this process's feeder or reader thread, each waiting for this process's GIL,
    so a worker done with one feed waited ~4 ms for the next (daily refresh,
    interleaved medians of 12: 1.065 -> 1.017 s). Linux only (``F_SETPIPE_SZ``,
    up to /proc/sys/fs/pipe-max-size); elsewhere, or refused, the pipes stay
    as they are. Done before the workers start: they share the pipes.
    """
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setpipe is None:
        return
    # the executor's own queues (CPython 3.8+): a job queue, a result queue
    for queue in (getattr(pool, "_call_queue", None), getattr(pool, "_result_queue", None)):
        writer = getattr(queue, "_writer", None)
        with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
            fcntl.fcntl(writer.fileno(), setpipe, size)  # type: ignore[union-attr]


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold SIGINT while the pool forks, and deliver it after.

    A signal's Python handler runs at the next bytecode; during a fork that is
    inside the at-fork hooks (logging's ``_releaseLock``), where an exception
    is printed as "Exception ignored" and dropped: the Ctrl-C was lost and the
    ingest ran on to exit 0. Held, it stays pending and raises here, after the
    fork. The workers inherit the mask; ``worker_init`` ignores SIGINT, then
    unblocks it.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def kill_workers(pool: ProcessPoolExecutor | None) -> None:
    """Terminate a pool's workers: only for workers stuck past their time, never on
    Ctrl-C (a worker killed while sending its result leaves a torn message that
    the pool's reader thread then waits on for ever)."""
    procs = getattr(pool, "_processes", None) or {}  # the executor's own, not ours
    for p in list(procs.values()):
        with contextlib.suppress(Exception):
            p.terminate()


def stop_pool(pool: ProcessPoolExecutor, settle: float = CLOSE_SETTLE) -> None:
    """Drop the jobs not started and let each worker (deaf to Ctrl-C) end the one
    in hand, waiting up to ``settle`` seconds for the pool's manager thread.

    That thread closes its wakeup pipe as it ends; still running at exit, it
    raced the interpreter's exit hook, which wrote to that pipe ("Exception
    ignored … Bad file descriptor" after "interrupted", CPython 3.11).
    """
    manager = getattr(pool, "_executor_manager_thread", None)  # the executor's own
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    if settle and manager is not None:
        manager.join(settle)


class WorkerPool(Generic[R]):
    """Run ``job(*args)`` on bodies as they arrive, in two worker processes or here.

    ``eager`` (the CLI, where this is the only thread): the workers are forked
    now, before any fetch thread exists, and each body is parsed while the
    others are still downloading, so a slow feed no longer holds up the
    parsing of the fast ones.
    Otherwise (known feeds, mostly 304s and unchanged bodies; or a UI worker
    thread, where ``fork`` would copy locks held by other threads) jobs are
    queued, and ``finish`` runs them in workers (forked when this is the only
    thread, else spawned) when they hold PARALLEL_MIN_BYTES or more.

    ``job`` must be a module-level function (workers get it by name); a job
    should return its own errors. ``on_done(key, result)`` runs in the calling
    thread (from ``submit``, ``poll`` or ``finish``); an error it raises is the
    caller's and propagates. A worker that crashes fails the jobs it held with
    an error text; a pool that cannot start or breaks leaves the rest to this
    process; jobs still unfinished JOB_TIMEOUT per two jobs after ``finish``
    began are skipped with an error text.
    """

    def __init__(
        self,
        job: Callable[..., R],
        on_done: Callable[[str, R | str], None],
        *,
        eager: bool,
        warm: Callable[[], None] | None = None,
    ) -> None:
        self.job = job
        self.on_done = on_done
        self.queued: list[tuple[str, tuple[Any, ...], int]] = []
        self.futs: dict[Future[R], str] = {}
        self.broken = False  # a pool broke: the rest runs here, no new pool
        self.pool = start_workers("fork", warm=warm) if eager else None

    def submit(self, key: str, args: tuple[Any, ...], size: int) -> None:
        """Run one job (``size``: its input's bytes); merge whatever is ready."""
        if self.pool is not None:
            try:
                self.futs[self.pool.submit(self.job, *args)] = key
            except Exception:  # the pool broke: this job and the rest run here
                self._drop_pool()
                self.queued.append((key, args, size))
            self.poll()
        else:
            self.queued.append((key, args, size))

    def poll(self) -> None:
        """Merge the results that are ready, without waiting."""
        for fut in [f for f in self.futs if f.done()]:
            self._deliver(fut)

    def _deliver(self, fut: Future[R]) -> None:
        key = self.futs.pop(fut)
        res: R | str
        try:
            res = fut.result()
        except Exception as exc:
            res = f"parser crashed ({exc.__class__.__name__})"
        self.on_done(key, res)

    def finish(self, meanwhile: Callable[[], None] | None = None) -> None:
        """Wait for every job submitted; run what is queued.

        ``meanwhile`` runs here once the workers hold the jobs, before the wait:
        work of this process that does not need their results (an import the
        caller needs after) overlaps their parsing instead of following it.
        """
        big = len(self.queued) >= 2 and sum(q[2] for q in self.queued) >= PARALLEL_MIN_BYTES
        if self.pool is None and not self.broken and big:
            alone = threading.active_count() == 1 and os.name == "posix"
            self.pool = start_workers("fork" if alone else "spawn")
            queued, self.queued = self.queued, []
            for key, args, size in queued:
                self.submit(key, args, size)
        if meanwhile is not None and self.futs:
            meanwhile()
            self.poll()
        if self.futs:
            try:
                timeout = JOB_TIMEOUT * max(1, len(self.futs) / 2)
                for fut in as_completed(list(self.futs), timeout=timeout):
                    self._deliver(fut)
            except FuturesTimeout:
                kill_workers(self.pool)
                for fut in list(self.futs):
                    self.on_done(self.futs.pop(fut), "parsing took too long; skipped")
        while self.queued:
            key, args, _size = self.queued.pop(0)
            self.on_done(key, self.job(*args))

    def _drop_pool(self, settle: float = 0.0) -> None:
        if self.pool is not None:
            stop_pool(self.pool, settle)
            self.pool = None
            self.broken = True

    def close(self) -> None:
        """Stop the workers: jobs not started are dropped, and each worker (deaf
        to Ctrl-C) exits after the job in hand, which is waited for up to
        CLOSE_SETTLE seconds. Not terminate() (see ``kill_workers``). Idempotent."""
        self._drop_pool(settle=CLOSE_SETTLE)
