"""Run the real `digest-tui` command in a child process, as a user's shell would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--data-dir", str(data_dir), *args],
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
