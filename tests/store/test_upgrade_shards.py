"""Upgrades lose nothing: a library of schema 2 (content keyed by id prefix) opens whole.

The fixture in tests/fixtures/library-b9f9a53 was written by the release of
commit b9f9a53, the last one that put every entry in the content shard of its
id's prefix (``python -m tests.support.make_upgrade_fixture DIR`` with that
release checked out). Schema 3 names each entry's shard in its row and puts new
entries in arrival shards; the old shards must stay readable, untouched by a
save that does not change their entries, and every mark must survive.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from store.models import Entry, Source
from store.storage import shards
from store.storage.library import Library
from store.storage.rows import SCHEMA_VERSION
from tests.support.cli import run_cli
from tests.support.make_upgrade_fixture import (
    FEED_STATES,
    UI_STATE,
    assert_marks_as_in,
    fixture_marks,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "library-b9f9a53"


@pytest.fixture
def old_dir(tmp_path: Path) -> Path:
    d = tmp_path / "old"
    shutil.copytree(FIXTURE, d)
    return d


def _old_rows() -> list[list[Any]]:
    data = json.loads((FIXTURE / "library.json").read_text("utf-8"))
    assert data["schema"] == 2  # the fixture is what it says it is
    rows: list[list[Any]] = data["rows"]
    return rows


def _content_bytes(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((d / "content").glob("*.json"))}


def _assert_everything_kept(lib: Library) -> None:
    old = _old_rows()
    assert [r.id for r in lib.rows()] == [r[0] for r in old]
    for r in old:
        row = lib.row(r[0])
        assert (row.title, list(row.auto_tags), row.ikey) == (r[1], r[9], r[11])
        assert lib.get(r[0]).title == r[1]
    expected = fixture_marks(FIXTURE)
    assert expected, "the fixture holds marks"
    assert {i for i, m in lib.all_marks().items() if m != m.__class__()} == set(expected)
    assert_marks_as_in(lib, FIXTURE)
    assert lib.feed_states() == {u: {**s, "url": u} for u, s in FEED_STATES.items()}
    assert lib.ui_state() == UI_STATE


def test_a_schema_2_library_opens_with_every_entry_and_mark(old_dir: Path) -> None:
    lib = Library.open(old_dir)
    _assert_everything_kept(lib)
    # each old row reads from the shard of its id's prefix
    assert all(shards.shard_of(r) == r.id[:2] for r in lib.rows())


def test_a_new_entry_goes_to_an_arrival_shard_and_the_old_shards_stay_as_they_were(
    old_dir: Path,
) -> None:
    before = _content_bytes(old_dir)
    lib = Library.open(old_dir)
    new = Entry(id="0123456789ab", source=Source("file", "New", "/new.md"), title="A new one")
    lib.save_entries([new])
    after = _content_bytes(old_dir)
    arrivals = sorted(set(after) - set(before))
    assert arrivals == ["n000001.json"]
    assert {k: after[k] for k in before} == before  # no old shard rewritten
    assert json.loads((old_dir / "library.json").read_text("utf-8"))["schema"] == SCHEMA_VERSION
    reopened = Library.open(old_dir)
    assert reopened.row(new.id).shard == "n000001"
    assert reopened.get(new.id).title == "A new one"
    assert not (old_dir / "content" / "01.json").exists()  # not where its prefix says
    reopened_old = [r for r in reopened.rows() if r.id != new.id]
    assert all(r.shard == "" for r in reopened_old)
    _assert_everything_kept_but_the_new_row(reopened, new.id)
    doctor = run_cli(old_dir, "doctor", "--json", check=True)
    assert json.loads(doctor.stdout)["healthy"] is True


def _assert_everything_kept_but_the_new_row(lib: Library, new_id: str) -> None:
    old = _old_rows()
    assert [r.id for r in lib.rows() if r.id != new_id] == [r[0] for r in old]
    for r in old:
        assert lib.get(r[0]).title == r[1]
    assert_marks_as_in(lib, FIXTURE)


def test_a_changed_old_entry_is_rewritten_in_its_old_shard(old_dir: Path) -> None:
    lib = Library.open(old_dir)
    first = lib.rows()[0]
    before = _content_bytes(old_dir)
    lib.save_entries([lib.get(first.id).with_(title="Retitled")])
    after = _content_bytes(old_dir)
    assert set(after) == set(before)  # no arrival shard for an entry already stored
    changed = {k for k in before if after[k] != before[k]}
    assert changed == {f"{first.id[:2]}.json"}
    reopened = Library.open(old_dir)
    assert reopened.get(first.id).title == "Retitled"
    assert reopened.marks(first.id) == lib.marks(first.id)
