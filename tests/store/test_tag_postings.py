"""The tag postings (tag -> entries) against their definition, for any rows and user edits.

Why: the automatic postings are tuples (a set per tag held ~42 bytes an id,
10.5 MB at 100k entries) built from each row's tags, and the user's removed
tags are taken out of only the tags they touch. A row whose tags name one tag
twice, a tag the user removed from some of its entries or all of them, a
removed tag added back: each must give exactly the entries the row tags and
the marks say, each once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.index.tagindex import _df, tag_postings
from store.models import Entry, Source
from store.storage.library import Library

TAGS = st.sampled_from(["ai", "energy", "china", "chips", "policy"])
EDITS = st.lists(st.tuples(st.booleans(), st.lists(TAGS, min_size=1, max_size=2)), max_size=3)
ROWS = st.lists(st.tuples(st.lists(TAGS, max_size=4), EDITS), min_size=1, max_size=10)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=ROWS)
def test_postings_are_the_rows_tags_less_removed_plus_the_users(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[list[str], list]]
) -> None:
    lib = Library.open(Path(tmp_path_factory.mktemp("lib")))
    src = Source("feed", "Feed", "http://example.org/feed")
    lib.save_entries(
        [
            Entry(id=f"e{n}", source=src, title=f"Entry {n}", body="Text.", auto_tags=tuple(tags))
            for n, (tags, _edits) in enumerate(rows)
        ]
    )
    for n, (_tags, edits) in enumerate(rows):
        for add, tags in edits:
            (lib.add_tags if add else lib.remove_tags)([f"e{n}"], tags)
    auto, user = tag_postings(lib)
    marks = lib.all_marks()
    want_auto: dict[str, set[str]] = {}
    for r in lib.rows():
        removed = marks[r.id].removed_auto if r.id in marks else ()
        for t in r.auto_tags:
            if t not in removed:
                want_auto.setdefault(t, set()).add(r.id)
    want_user: dict[str, set[str]] = {}
    for eid, m in marks.items():
        for t in m.user_tags:
            want_user.setdefault(t, set()).add(eid)
    assert {t: set(ids) for t, ids in auto.items()} == want_auto
    assert all(len(ids) == len(set(ids)) for ids in auto.values()), "an entry twice under a tag"
    assert user == want_user
    for t in {*want_auto, *want_user}:  # a tag's entries, as related entries weigh it
        assert _df(t, auto, user) == len(want_auto.get(t, set()) | want_user.get(t, set()))
