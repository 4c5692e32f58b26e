"""Shared fixtures: a small, fixed library in tmp_path (no Textual here).

The entries live in tests/support/library.py, so tests import helpers, never this file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.models import short_hash
from tests.support.library import build_library


@pytest.fixture
def lib_dir(tmp_path: Path) -> Path:
    """A data dir with the five sample entries; the post is already read."""
    directory = tmp_path / "library"
    lib = build_library(directory)
    lib.set_read([short_hash("post")], True)
    return directory
