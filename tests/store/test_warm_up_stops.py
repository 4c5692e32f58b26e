"""The topic warm-up stops when asked, keeps what it did, and a later call finishes it.

Why: the UI's warm-up (``store.api.warm_topics``) is bounded per call, but a
bounded call on a library far behind is still seconds (100k entries never
signed: 3-4 s), and quitting the app waited for it (~7 s from ``q`` to the
shell). It now asks ``stop`` before each entry it signs or places. The oracle
for "keeps what it did" is the library on disk read by another process; for
"finishes it", the stories of the same library warmed without a stop.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from store import api
from store.index import simstore, stories
from store.models import Entry, Source
from store.storage.library import Library

EVENTS = [
    ("Varnel", "Ostrow bridge", "Tamsel county"),
    ("Dunmere", "Kelby footbridge", "Pellow village"),
    ("Harlan", "Brisk viaduct", "Osmer district"),
]


def _entries() -> list[Entry]:
    """Three events, each reported by five sources a day or two apart: three stories."""
    out = []
    for k, (river, bridge, place) in enumerate(EVENTS):
        for i in range(5):
            out.append(
                Entry(
                    id=f"e{k}{i}",
                    source=Source("feed", f"Wire {i}", f"https://wire{i}.example"),
                    title=f"{river} flood closes the {bridge} ({i})",
                    summary=f"Flooding on the {river} river closed the {bridge} after "
                    f"{120 + 10 * k} millimetres of rain; {1000 * (k + 2)} homes lost power "
                    f"in {place}.",
                    key_points=(f"The {bridge} is closed for {k + 2} weeks.",),
                    published=f"2025-0{k + 4}-{10 + i % 2:02d}",
                )
            )
    return out


def _library(path: Path) -> Library:
    lib = Library.open(path)
    lib.save_entries(_entries())
    return lib


def _after(asks: int) -> Callable[[], bool]:
    """A stop that answers no ``asks`` times, then yes."""
    count = [0]

    def stop() -> bool:
        count[0] += 1
        return count[0] > asks

    return stop


def _signed(lib: Library) -> set[str]:
    ix = simstore.index(lib)
    return {r.id for r in lib.rows() if r.id in ix.doc and ix.chash[ix.doc[r.id]] == r.chash}


def _story_sets(lib: Library) -> list[list[str]]:
    return sorted(sorted(e.id for e in s.entries) for s in api.stories(lib))


def test_a_stop_while_signing_keeps_the_signed_and_places_nothing(tmp_path: Path) -> None:
    lib = _library(tmp_path / "lib")
    api.warm_topics(lib, stop=_after(4))
    assert len(_signed(lib)) == 4
    assert len(_signed(Library.open(tmp_path / "lib"))) == 4  # written, not only in memory
    assert stories.ensure(Library.open(tmp_path / "lib"), stop=lambda: True).data["done"] == {}


def test_a_stop_while_placing_keeps_a_consistent_part(tmp_path: Path) -> None:
    lib = _library(tmp_path / "lib")
    n = len(lib.rows())
    # every entry signed (n asks), the check after signing (1), then 6 placed
    api.warm_topics(lib, stop=_after(n + 1 + 6))
    assert _signed(lib) == {r.id for r in lib.rows()}
    placed = stories.ensure(Library.open(tmp_path / "lib"), stop=lambda: True).data["done"]
    assert len(placed) == 6


def test_what_a_stopped_warm_up_leaves_a_later_call_finishes_the_same(tmp_path: Path) -> None:
    whole = _library(tmp_path / "whole")
    api.warm_topics(whole)
    expected = _story_sets(whole)
    assert len(expected) == len(EVENTS)  # the data makes the stories the test compares
    for asks in (0, 3, 15, 15 + 1 + 4):
        lib = _library(tmp_path / f"cut-{asks}")
        api.warm_topics(lib, stop=_after(asks))
        api.warm_topics(Library.open(tmp_path / f"cut-{asks}"))  # the next start
        assert _story_sets(Library.open(tmp_path / f"cut-{asks}")) == expected, asks


def test_a_stop_before_anything_writes_nothing(tmp_path: Path) -> None:
    lib = _library(tmp_path / "lib")
    api.warm_topics(lib, stop=lambda: True)  # quit at once
    assert _signed(lib) == set()
    similar = tmp_path / "lib" / simstore.DIR_NAME
    assert not similar.exists() or not any(similar.glob("sig-*"))
