"""Code run in a fresh interpreter: only this checkout on the path, nothing imported yet.

For tests of what a process imports or loads before its first use (a daily
refresh's main process, the vocabulary's compile). The test session's own
cache directory is passed on, so nothing is written into the user's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_fresh(code: str, stdin: bytes | None = None, args: Sequence[str] = ()) -> str:
    """``code``'s standard output (a failure raises, with its stderr); ``args`` are its
    ``sys.argv[1:]``."""
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    if "DIGEST_TUI_CACHE" in os.environ:
        env["DIGEST_TUI_CACHE"] = os.environ["DIGEST_TUI_CACHE"]
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        cwd=REPO,
        env=env,
        capture_output=True,
        check=True,
    )
    return out.stdout.decode("utf-8")
