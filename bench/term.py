"""Drive a program in a real terminal (tmux, fixed size) and time its first screen.

Both readers are measured the same way: the clock starts just before
``tmux new-session`` launches the program (the tmux server is already up), the
pane is captured every ~15 ms, and the clock stops when a line matching the
entry-title pattern is on screen. Peak memory is the program's ``VmHWM``
(the kernel's high-water mark of its resident set, the figure ``/usr/bin/time
-v`` reports as "maximum resident set size"), read after a short settle, and
on request read again later (``later``): a program that only put its loading
off past the first read shows it there.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 160, 48


@dataclass
class ScreenResult:
    """One first-screen run."""

    seconds: float | None  # None: the pattern never appeared before the timeout
    peak_rss_mb: float | None
    screen: str  # the last capture, for error reports
    later_rss_mb: float | None = None  # VmHWM ``later`` seconds after the first read
    quit_seconds: float | None = None  # from the quit keys to the program's exit


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM of a live process, in MB (None if it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Tmux:
    """A private tmux server (own socket) for one benchmark session."""

    def __init__(self, name: str) -> None:
        self.socket = f"digest-bench-{name}-{os.getpid()}"
        self._n = 0
        self._run("-f", "/dev/null", "new-session", "-d", "-s", "keeper", "sleep 100000")
        self._run("set-option", "-g", "default-terminal", "screen-256color")

    def _run(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        if out.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {out.stderr.strip()}")
        return out.stdout

    def capture(self, target: str) -> str:
        return self._run("capture-pane", "-p", "-t", target)

    def close(self) -> None:
        path = subprocess.run(
            ["tmux", "-L", self.socket, "display-message", "-p", "#{socket_path}"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        if path:  # a killed server leaves its socket file behind
            with contextlib.suppress(OSError):
                os.unlink(path)

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def first_screen(
        self,
        argv: Sequence[str],
        pattern: str,
        *,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        before: tuple[str, str] | None = None,
        fail: str | None = r"cannot be opened|Traceback \(most recent",
        timeout: float = 120.0,
        settle: float = 0.5,
        later: float | None = None,
        quit_keys: Sequence[str] = (),
    ) -> ScreenResult:
        """Launch ``argv``; time until ``pattern`` shows.

        ``before=(regex, key)``: when ``regex`` first shows, press ``key`` (how
        newsboat gets from its feed list to the entries of the first feed).
        ``fail``: a screen matching it ends the run at once, unmeasured.
        ``later``: read VmHWM again this many seconds after the first reading.
        ``quit_keys``: then press these keys (in one ``send-keys``) and time until
        the program has exited (``quit_seconds``; None if it is still there after 30 s).
        """
        self._n += 1
        target = f"run{self._n}"
        envs = " ".join(f"{k}={_q(v)}" for k, v in (env or {}).items())
        cmd = " ".join(_q(a) for a in argv)
        shell = f"cd {_q(cwd or os.getcwd())} && exec env {envs} {cmd}"
        rx = re.compile(pattern)
        pre = re.compile(before[0]) if before else None
        bad = re.compile(fail) if fail else None
        screen = ""
        t0 = time.perf_counter()
        pid = int(
            self._run(
                "new-session",
                "-d",
                "-s",
                target,
                "-x",
                str(WIDTH),
                "-y",
                str(HEIGHT),
                "-P",
                "-F",
                "#{pane_pid}",
                shell,
            ).strip()
        )
        seconds: float | None = None
        try:
            while time.perf_counter() - t0 < timeout:
                try:
                    screen = self.capture(target)
                except RuntimeError:  # the program exited and took the pane with it
                    break
                if pre is not None and before is not None and pre.search(screen):
                    self._run("send-keys", "-t", target, before[1])
                    pre = None
                    continue
                if rx.search(screen):
                    seconds = time.perf_counter() - t0
                    break
                if bad is not None and bad.search(screen):
                    break
                time.sleep(0.015)
            time.sleep(settle)
            peak = peak_rss_mb(pid)
            then = None
            if later is not None and seconds is not None:
                time.sleep(later)
                then = peak_rss_mb(pid)
            quit_seconds = None
            if quit_keys and seconds is not None:
                t1 = time.perf_counter()
                self._run("send-keys", "-t", target, *quit_keys)
                if _wait_gone(pid, timeout=30.0, kill=False):
                    quit_seconds = time.perf_counter() - t1
        finally:
            subprocess.run(
                ["tmux", "-L", self.socket, "kill-session", "-t", target], capture_output=True
            )
            _wait_gone(pid)
        return ScreenResult(seconds, peak, screen, then, quit_seconds)


def _wait_gone(pid: int, timeout: float = 10.0, *, kill: bool = True) -> bool:
    """Wait for a program to exit (so runs never overlap); True if it did. Past the
    timeout, SIGKILL it (``kill``) or leave it to the caller's kill."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not os.path.exists(f"/proc/{pid}") or _zombie(pid):
            return True
        time.sleep(0.005)
    if kill:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    return False


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _q(s: str) -> str:
    import shlex

    return shlex.quote(s)
