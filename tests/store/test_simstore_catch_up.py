"""Bounded signature catch-up: every row signed once, whatever else happens meanwhile.

Why: a library written by another age (or the bench's 500k) catches up its
content signatures a bounded number of rows per call, and the rows still
behind are kept between calls instead of scanned again (``simstore._behind``).
Kept state can go stale: another process signs rows, an entry's content
changes. The oracle is the definition: after enough calls every row has a
signature of its current content, and no call redoes a row already signed at
that content.
"""

from __future__ import annotations

from pathlib import Path

from store.index import simstore
from store.models import Entry, Source
from store.storage.library import Library

WORDS = [
    "harbour",
    "tariff",
    "glacier",
    "orchard",
    "ferry",
    "copper",
    "quarry",
    "lantern",
    "meadow",
    "turbine",
]


def _entry(i: int, extra: str = "") -> Entry:
    w = [WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7)]
    return Entry(
        id=f"s{i:04d}",
        source=Source("feed", f"Feed {i % 4}", f"https://f{i % 4}.example"),
        title=f"The {w[0]} report number {i} {extra}".strip(),
        summary=f"A note about the {w[1]} and the {w[2]} in district {i}. {extra}",
        key_points=(f"The {w[0]} changed in district {i}.",),
        published=f"2025-04-{1 + i % 28:02d}",
    )


def _library(tmp_path: Path, n: int = 45) -> Library:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries([_entry(i) for i in range(n)])
    return lib


def _current(lib: Library) -> set[str]:
    """Ids whose signature is of the row's current content."""
    ix = simstore.index(lib)
    return {r.id for r in lib.rows() if r.id in ix.doc and ix.chash[ix.doc[r.id]] == r.chash}


def _until_done(lib: Library, limit: int, most: int = 100) -> list[list[str]]:
    calls = []
    for _ in range(most):
        ix, done = simstore.catch_up(lib, limit)
        calls.append(done)
        if ix.checked == lib.generation:
            return calls
    raise AssertionError(f"catch-up did not finish in {most} calls: {calls}")


def test_bounded_calls_sign_every_row_once_newest_first(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    calls = _until_done(lib, 7)
    flat = [i for c in calls for i in c]
    assert all(len(c) <= 7 for c in calls)
    assert sorted(flat) == sorted(r.id for r in lib.rows())  # each exactly once
    assert _current(lib) == {r.id for r in lib.rows()}
    first = {r.id for r in lib.rows()[:7]}  # the newest come first
    assert set(calls[0]) <= {r.id for r in lib.rows()[: 7 * simstore.WINDOW]}
    assert first & set(calls[0])
    assert simstore.catch_up(lib, 7)[1] == []  # nothing left, nothing redone


def test_the_opened_entry_is_signed_first_even_when_oldest(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    simstore.catch_up(lib, 5)
    oldest = lib.rows()[-1].id
    _ix, done = simstore.catch_up(lib, 5, first=[oldest])
    assert done[0] == oldest and len(done) <= 5
    rest = [i for c in _until_done(lib, 5) for i in c]
    assert oldest not in rest and len(set(rest)) == len(rest)


def test_rows_another_process_signed_meanwhile_are_not_signed_again(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    assert len(simstore.catch_up(lib, 6)[1]) == 6  # the rows still behind are kept
    other = Library.open(tmp_path / "lib")
    simstore.catch_up(other, None)  # another process signs everything
    assert _current(other) == {r.id for r in other.rows()}
    redone = [i for c in _until_done(lib, 6) for i in c]
    assert redone == []
    assert _current(lib) == {r.id for r in lib.rows()}


def test_a_changed_entry_is_signed_again_at_its_new_content(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    simstore.catch_up(lib, 8)
    signed = _current(lib)
    changed = sorted(signed)[0]
    lib.save_entries([_entry(int(changed[1:]), extra="with a dredger and a new paragraph")])
    assert changed not in _current(lib)  # its signature is of the old content now
    again = [i for c in _until_done(lib, 8) for i in c]
    assert changed in again
    assert not (set(again) & (signed - {changed}))  # the others are not redone
    assert _current(lib) == {r.id for r in lib.rows()}


def test_new_rows_after_a_bounded_call_are_caught_up(tmp_path: Path) -> None:
    lib = _library(tmp_path, n=30)
    simstore.catch_up(lib, 4)
    lib.save_entries([_entry(i) for i in range(30, 38)])  # a refresh: new rows
    _until_done(lib, 4)
    assert _current(lib) == {r.id for r in lib.rows()}


def test_a_stopped_bounded_call_leaves_the_rest_behind_for_later_calls(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    asks = [0]

    def stop() -> bool:  # the UI quits after three entries
        asks[0] += 1
        return asks[0] > 3

    _ix, done = simstore.catch_up(lib, 7, stop=stop)
    assert len(done) == 3 and _current(lib) == set(done)
    rest = [i for c in _until_done(lib, 7) for i in c]
    assert sorted(done + rest) == sorted(r.id for r in lib.rows())  # each exactly once
