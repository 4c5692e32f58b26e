"""Shared fixtures: a small, fixed library in tmp_path; the realworld corpus ingested once (no Textual here).

The entries live in tests/support/library.py, so tests import helpers, never this file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from store.models import short_hash
from store.storage.library import Library
from store.sync.ingest import ingest_paths
from tests.support.library import build_library
from tests.support.realworld import REALWORLD, RealworldLibrary

# CI draws the same examples every run (derandomize): a landing is judged by the
# change it carries, not by which new corner a random draw found that day. Runs
# elsewhere keep exploring; what they find is fixed and pinned as an @example.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> object:
    """Derived caches (the word-frequency files) in a temp dir, never the user's; the
    environment so the CLI and UI processes tests start use it too."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DIGEST_TUI_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture
def lib_dir(tmp_path: Path) -> Path:
    """A data dir with the five sample entries; the post is already read."""
    directory = tmp_path / "library"
    lib = build_library(directory)
    lib.set_read([short_hash("post")], True)
    return directory


@pytest.fixture(scope="session")
def realworld_library(tmp_path_factory: pytest.TempPathFactory) -> RealworldLibrary:
    """The realworld corpus ingested once per session (per xdist worker); read it or copy it.

    No user config: the default vocabulary, whatever the machine's feeds.yaml says.
    """
    if not REALWORLD.is_dir():
        pytest.fail(f"the shared realworld corpus is missing: expected it at {REALWORLD}")
    directory = tmp_path_factory.mktemp("realworld") / "lib"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DIGEST_TUI_CONFIG", str(directory.parent / "absent-feeds.yaml"))
        report = ingest_paths(Library.open(directory), [REALWORLD])
    return RealworldLibrary(directory, report)
