"""Seed helpers (shared by the topic and related tests): ingest the four seeds, name entries."""

from __future__ import annotations

from pathlib import Path

from store.models import Row
from store.storage.library import Library
from tests.support.shared import SHARED

SEEDS = SHARED / "seeds"


def seed_library(tmp_path: Path) -> tuple[Library, dict[str, Row]]:
    from store.sync.ingest import ingest_paths

    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [SEEDS])
    by: dict[str, Row] = {}
    for r in lib.rows():
        t = r.title.lower()
        if "deepseek" in t:
            by["deepseek"] = r
        elif "being the problem" in t:
            by["williamson"] = r
        elif "ai index" in t:
            by["post"] = r
        elif "uneven landscape" in t:
            by["article"] = r
        elif "not hardware" in t:
            by["chapter"] = r
    assert set(by) == {"deepseek", "williamson", "post", "article", "chapter"}, by
    return lib, by
