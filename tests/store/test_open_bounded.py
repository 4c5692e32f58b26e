"""Opening an entry of a library still catching up: the opened entry only, nothing written.

Why: an open on a library whose signatures are behind (a previous release's,
500k entries the bench generated, a refresh the warm-up has not reached) used
to sign 30 more entries and write the signatures and the stories' state each
time: 0.1-0.3 s at 500k. It now answers from what is signed, says how many
entries are not compared yet, and leaves the rest (and every write) to the
warm-up; with few entries behind it still signs them all and answers exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store import api
from store.index import simstore
from store.index.stories import STATE_NAME
from store.models import Entry, Source
from store.storage.library import Library

NAMES = ["Quorvath", "Belmissa", "Tandrel", "Oskivar", "Pruneth", "Calvendor", "Myrrhane"]


def _library(tmp_path: Path, n: int) -> Library:
    """Pairs of entries from two sources about one made-up event each (so related exists)."""

    def text(i: int) -> str:
        name, other = NAMES[(i // 2) % len(NAMES)], NAMES[(i // 2 + 3) % len(NAMES)]
        return (
            f"{name} Labs and {other} Systems signed a {10 + i // 2} million euro accord "
            f"on orbital freight in Tallinn; {name} said the {other} deal opens a route."
        )

    lib = Library.open(tmp_path / "lib")
    lib.save_entries(
        [
            Entry(
                id=f"e{i:05d}",
                source=Source("feed", f"Feed {i % 2}", f"https://f{i % 2}.example"),
                title=f"Accord {i // 2}: {NAMES[(i // 2) % len(NAMES)]} and partners",
                summary=text(i),
                key_points=(text(i),),
                published=f"2025-03-{1 + (i // 2) % 20:02d}",
            )
            for i in range(n)
        ]
    )
    return lib


def _derived(lib: Library) -> dict[str, tuple[int, int]]:
    files = [*lib.dir.glob(f"{simstore.DIR_NAME}/*"), lib.dir / STATE_NAME]
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists()}


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def test_an_open_far_behind_signs_itself_in_memory_and_writes_nothing(tmp_path: Path) -> None:
    n = simstore.OPENING * 2
    lib = _library(tmp_path, n)
    eid = lib.rows()[n // 2].id
    before = _derived(lib)
    opened = api.open_entry(lib, eid)
    assert _derived(lib) == before  # no signature segment, no stories state
    assert lib.marks(eid).read  # the user's mark is written, as always
    assert list(simstore.index(lib).doc) == [eid]
    assert opened.related == [] and opened.story is None  # nothing else compared yet...
    assert n - 1 <= opened.unsigned <= n  # ...and the reader says so
    # the warm-up signs and writes the rest: the next open is complete and says nothing
    api.warm_topics(lib)
    assert _derived(lib) != before
    again = api.open_entry(lib, eid)
    assert again.unsigned == 0 and again.related
    fresh = Library.open(tmp_path / "lib")  # another process, from the files alone
    assert [r.id for r in again.related] == [r.id for r in api.related(fresh, eid, complete=True)]


def test_an_open_with_few_behind_signs_them_all_and_answers_exactly(tmp_path: Path) -> None:
    lib = _library(tmp_path, simstore.OPENING)
    eid = lib.rows()[3].id
    opened = api.open_entry(lib, eid)
    assert opened.unsigned == 0 and opened.related
    assert len(simstore.index(lib).doc) == simstore.OPENING
    assert (lib.dir / STATE_NAME).exists()  # placed and written in one go
    fresh = Library.open(tmp_path / "lib")
    assert [r.id for r in opened.related] == [r.id for r in api.related(fresh, eid, complete=True)]
    assert opened.story == api.story_of(fresh, eid)


def test_show_is_complete_however_far_behind(tmp_path: Path) -> None:
    lib = _library(tmp_path, simstore.OPENING * 2)
    eid = lib.rows()[5].id
    shown = api.show_entry(lib, eid)
    assert shown.unsigned == 0 and shown.related
    assert len(simstore.index(lib).doc) == simstore.OPENING * 2
