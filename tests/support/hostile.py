"""The hostile library shared by a session's reliability tests (see tests/reliability/conftest.py)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class HostileLibrary:
    """A pristine library: real digests with marks (``hostile_library``: the corpus too)."""

    path: Path
    ids: list[str]  # the digests' ids: 4 bookmarked, the 5th tagged "precious"
    outputs: list[tuple[str, str]]  # (what ran, its stdout + stderr)

    def copy(self, to: Path) -> Path:
        shutil.copytree(self.path, to, ignore=shutil.ignore_patterns("*.lock"))
        return to
