"""The terminal driver's input thread (``tui.driver.QuickStopDriver``).

Textual's own waited up to 0.1 s for input, looked at its exit flag, then
waited 0.1 s more with nothing to wait for: every quit of the UI joined it
~0.2 s. Ours must read keys as Textual's does, and end when its flag is set
however long its wait: here the wait is made longer than the test may last,
so only the wake-up can end it.
"""

from __future__ import annotations

import os
import threading
import time
import tty
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.drivers.linux_driver import LinuxDriver

import tui.driver
from tui.app import DigestApp
from tui.driver import QuickStopDriver


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class _App:
    """What the driver asks of its app from the input thread: nothing but to be named."""


def _wait_for(what: Any, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if what():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.anyio
async def test_keys_are_read_and_the_thread_ends_when_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tui.driver, "WAIT", 3600.0)  # only the wake-up can end a wait
    master, slave = os.openpty()
    tty.setraw(slave)  # keys as a terminal app gets them: at once, not by line
    try:
        driver = QuickStopDriver(_App())  # type: ignore[arg-type]
        driver.fileno = slave
        got: list[object] = []
        monkeypatch.setattr(driver, "process_message", got.append)
        thread = threading.Thread(target=driver.run_input_thread, daemon=True)
        thread.start()
        os.write(master, b"q")
        assert _wait_for(lambda: any(isinstance(m, events.Key) for m in got))
        keys = [m for m in got if isinstance(m, events.Key)]
        assert keys[0].key == "q"
        driver.exit_event.set()
        thread.join(timeout=20.0)
        assert not thread.is_alive()
        # set again (a second stop): the pipe is closed and forgotten, nothing is written
        driver.exit_event.set()
    finally:
        os.close(master)
        os.close(slave)


def test_the_app_runs_on_it_where_textual_would_use_its_linux_driver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    app = DigestApp(tmp_path / "lib")
    assert issubclass(QuickStopDriver, LinuxDriver)
    assert app.driver_class is QuickStopDriver


def test_a_driver_named_by_textual_driver_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual import constants

    monkeypatch.setattr(constants, "DRIVER", "textual.drivers.linux_driver:LinuxDriver")
    assert DigestApp(tmp_path / "lib").driver_class is LinuxDriver
