"""Related entries survive a tag nobody else has (issue 16.2).

A tag on one entry alone is never shared, yet has the largest IDF there is;
kept in the tag cosine's norm it made an entry unrelated to every other
telling of its story: the keyword rule gives such one-off tags by design (a
subject the title and lead name, before a second source has it), and a user
tag can be one too. Built on the eight-source library of the reader tests,
where the story's own terms are on every entry (so their IDF is small and the
tags carry the relation).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store import api
from store.storage.library import Library
from tests.tui.reader_library import build


@pytest.fixture
def lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))
    build(tmp_path / "lib", tmp_path / "feeds")
    return Library.open(tmp_path / "lib")


def _related(lib: Library, eid: str) -> set[str]:
    return {r.id for r in api.related(lib, eid, complete=True)}


def test_every_telling_relates_to_the_seven_others(lib: Library) -> None:
    ids = [r.id for r in lib.rows()]
    assert len(ids) == 8
    for eid in ids:
        assert _related(lib, eid) == set(ids) - {eid}, eid


def test_a_tag_only_one_entry_has_changes_no_relation(lib: Library) -> None:
    ids = [r.id for r in lib.rows()]
    before = {eid: _related(lib, eid) for eid in ids}
    api.tag(lib, [ids[0]], ["my-own-reading-list"])
    api.tag(lib, [ids[3]], ["another-lonely-tag", "and-one-more"])
    after = {eid: _related(lib, eid) for eid in ids}
    assert after == before
