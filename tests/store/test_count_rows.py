"""The navigator's counts (``store.views.count_rows``) against a per-source oracle.

count_rows counts column-wise for speed; the oracle here asks each question
of each source separately, the way a user reads the navigator ("how many of
this source's entries are unread?"), over generated rows, marks and mutes:
marks for ids no longer in the library, muted entries that are read or
bookmarked, sources of one name in two kinds.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from store.models import Marks, Row
from store.views import SourceCount, count_rows

SOURCES = [("Alpha", "file"), ("alpha", "feed"), ("Beta", "feed"), ("Alpha", "feed")]


def _row(i: int, source: tuple[str, str]) -> Row:
    return Row(f"id{i}", f"T{i}", None, source[0], source[1], "", None, None, None, (), "")


rows_st = st.lists(st.sampled_from(SOURCES), max_size=30).map(
    lambda srcs: [_row(i, s) for i, s in enumerate(srcs)]
)
mark_st = st.builds(Marks, read=st.booleans(), bookmarked=st.booleans())


@settings(max_examples=200, deadline=None)
@given(
    rows=rows_st,
    marks=st.dictionaries(st.sampled_from([f"id{i}" for i in range(40)]), mark_st, max_size=40),
    muted=st.frozensets(st.sampled_from([f"id{i}" for i in range(40)]), max_size=10),
    as_list=st.booleans(),
)
def test_counts_are_what_each_source_holds(
    rows: list[Row], marks: dict[str, Marks], muted: frozenset[str], as_list: bool
) -> None:
    got = count_rows(rows if as_list else iter(rows), marks, muted)

    def read(r: Row) -> bool:
        return r.id in marks and marks[r.id].read

    shown = [r for r in rows if r.id not in muted]
    hidden = [r for r in rows if r.id in muted]
    assert got.muted == len(hidden)
    assert got.muted_unread == len([r for r in hidden if not read(r)])
    assert got.total == len(shown)
    assert got.unread == len([r for r in shown if not read(r)])
    bookmarked = [r for r in shown if r.id in marks and marks[r.id].bookmarked]
    assert got.bookmarked == len(bookmarked)
    assert got.bookmarked_unread == len([r for r in bookmarked if not read(r)])
    want = []
    for name, kind in SOURCES:
        mine = [r for r in shown if (r.source, r.source_kind) == (name, kind)]
        if mine:
            want.append(SourceCount(name, kind, len(mine), len([r for r in mine if not read(r)])))
    assert sorted(got.sources, key=repr) == sorted(want, key=repr)
    order = [(s.kind != "file", s.name.lower()) for s in got.sources]
    assert order == sorted(order)


def test_files_come_first_then_feeds_alphabetically() -> None:
    rows = [_row(0, ("zeta", "feed")), _row(1, ("Beta", "feed")), _row(2, ("Zed", "file"))]
    got = count_rows(rows, {"id1": Marks(read=True)})
    assert [(s.name, s.kind, s.total, s.unread) for s in got.sources] == [
        ("Zed", "file", 1, 1),
        ("Beta", "feed", 1, 0),
        ("zeta", "feed", 1, 1),
    ]
