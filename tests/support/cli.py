"""Run the real `digest-tui` command in a child process, as a user's shell would.

``run_cli_in_process`` runs the same ``main`` in this process, for loops of
commands whose test is about their output, not the process boundary (a child
costs half a second of CPU in imports alone); each such test keeps at least
one real child for the command it loops over.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from tests.support import forkcli
from tests.support.shared import SHARED  # noqa: F401 - one locator for all tests

REPO = Path(__file__).resolve().parents[2]


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("DIGEST_TUI_DATA_DIR", None)
    env.pop("DIGEST_TUI_CONFIG", None)
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def run_cli(
    data_dir: Path, *args: str, timeout: float = 120, check: bool = False, **extra: str
) -> subprocess.CompletedProcess[str]:
    """``digest-tui --data-dir DATA_DIR ARGS`` in a child (forked: tests/support/forkcli.py)."""
    argv = ["-m", "tui.cli", "--data-dir", str(data_dir), *args]
    if forkcli.enabled():
        proc = forkcli.run_forked(argv, cli_env(**extra), timeout)
    else:
        proc = subprocess.run(
            [sys.executable, *argv],
            capture_output=True,
            text=True,
            errors="surrogateescape",
            env=cli_env(**extra),
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    if check and proc.returncode != 0:
        raise AssertionError(f"digest-tui {args} failed: {proc.stderr}")
    return proc


def run_cli_in_process(
    data_dir: Path, *args: str, **extra: str
) -> subprocess.CompletedProcess[str]:
    """``run_cli`` without the child: the same argv, environment and captured streams."""
    from tui.cli import main

    argv = ["--data-dir", str(data_dir), *args]
    env = cli_env(**extra)
    saved = dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.clear()
        os.environ.update(env)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(["digest-tui", *argv], code, out.getvalue(), err.getvalue())


def sigint_default() -> None:
    """``preexec_fn`` for a child that must see Ctrl-C.

    Why: a shell starts background jobs (``cmd &``, ``nohup``, CI runners) with
    SIGINT ignored, children inherit that, and Python then installs no
    KeyboardInterrupt handler: a Ctrl-C test would test nothing. The child
    gets the default disposition back before it execs.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def assert_sigint_reaches(pid: int) -> None:
    """Fail (never skip) when the child ignores SIGINT: the test could not do its job."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return  # not Linux, or already gone: the exit code will tell
    for line in status.read_text().splitlines():
        if line.startswith("SigIgn:"):
            ignored = int(line.split()[1], 16)
            assert not ignored & (1 << 1), (
                f"process {pid} ignores SIGINT, so Ctrl-C cannot be tested; "
                "start it with preexec_fn=sigint_default"
            )
