"""The realworld corpus ingested once per session, for the tests that need a library of it.

Why: one ingest of ``../shared/corpus/realworld`` (1000+ entries, tagging
included) is 15-30 s of CPU on the shared 2-core machine; the tag and the
identity tests each did it again. The session fixture (``tests/conftest.py``)
ingests once with no user config and keeps the report; a test that changes
the library works on ``copy_library`` of it, so none sees another's writes.
Tests using it carry ``xdist_group(GROUP)`` so they share one worker's ingest.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from store.sync.ingest import IngestReport
from tests.support.shared import CORPUS

REALWORLD = CORPUS / "realworld"
GROUP = "realworld-library"


@dataclass(frozen=True)
class RealworldLibrary:
    """A data dir holding the ingested corpus, and what that first ingest reported."""

    directory: Path
    report: IngestReport


def copy_library(src: Path, dest: Path) -> Path:
    """A private copy of a data dir (the lock file is not copied: the copy takes its own)."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".write.lock"))
    return dest
