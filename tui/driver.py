"""The terminal driver: Textual's LinuxDriver, whose input thread stops as soon as it is told.

Why: LinuxDriver's input thread waits on the terminal with ``select(0.1)``,
looks at its exit flag between waits, and after the flag is set waits once
more with nothing registered before it ends; stopping the app (quitting,
or suspending it) joins that thread. So every quit waited ~0.2 s for it
(``disable_input`` took 0.19-0.20 s of a 0.22 s quit, measured on the 10k
bench library), against newsboat's 0.03 s. Here the exit flag, when set,
also writes to a pipe the thread waits on beside the terminal, so the wait
ends at once, and the last, empty wait is left out (it only slept: what it
did after, the parser's pending ticks, is done without it).

``run_input_thread`` is Textual 8.2.8's loop (the version pyproject pins
exactly) with that pipe; nothing else of the driver changes.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
from codecs import getincrementaldecoder
from typing import TYPE_CHECKING

from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["QuickStopDriver"]

WAIT = 0.1  # seconds the input thread waits at most before it looks at its flag again


class _WakingEvent(threading.Event):
    """The input thread's exit flag, which also ends the thread's wait when set."""

    def __init__(self) -> None:
        super().__init__()
        self._wake_fd: int | None = None
        self._fd_lock = threading.Lock()  # a set() never writes to an fd closed meanwhile

    def wake_with(self, fd: int | None, *, only_if: int | None = None) -> None:
        """Write to ``fd`` when set from now on (None: no more). ``only_if``: only
        if the fd written to now is that one (an ending thread never clears the fd of
        a newer one, which Textual's SIGTSTP handling can start meanwhile)."""
        with self._fd_lock:
            if only_if is None or self._wake_fd == only_if:
                self._wake_fd = fd

    def set(self) -> None:
        super().set()
        with self._fd_lock:
            if self._wake_fd is not None:
                with contextlib.suppress(BlockingIOError):  # full: woken already
                    os.write(self._wake_fd, b"\0")


class QuickStopDriver(LinuxDriver):
    """LinuxDriver whose input thread ends when asked, not up to 0.2 s later."""

    def __init__(
        self,
        app: App[object],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self.exit_event = _WakingEvent()

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual's loop, woken by the exit flag)."""
        flag = self.exit_event
        fileno = self.fileno
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        wake_r, wake_w = os.pipe()
        selector = selectors.SelectSelector()

        def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for last, (key, mask) in loop_last(events):
                if key.fd == wake_r:
                    with contextlib.suppress(OSError):
                        os.read(wake_r, 64)
                    continue
                if mask & selectors.EVENT_READ:
                    data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not data:
                        break  # stdin is piped and at its end
                    for event in parser.feed(data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            os.set_blocking(wake_r, False)
            os.set_blocking(wake_w, False)
            if isinstance(flag, _WakingEvent):
                flag.wake_with(wake_w)
            selector.register(fileno, selectors.EVENT_READ)
            selector.register(wake_r, selectors.EVENT_READ)
            while not flag.is_set():
                process(selector.select(WAIT))
            process([], final=True)
        finally:
            if isinstance(flag, _WakingEvent):
                flag.wake_with(None, only_if=wake_w)
            selector.close()
            for fd in (wake_r, wake_w):
                with contextlib.suppress(OSError):
                    os.close(fd)
            with contextlib.suppress(EOFError, ParseError):
                for _event in parser.feed(""):
                    pass
