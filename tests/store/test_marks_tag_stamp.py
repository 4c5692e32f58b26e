"""The marks journal's tag stamp moves exactly when some entry's tags change.

Why: the tag postings of a large library are rebuilt when ``tag_stamp`` moves
and kept when it does not. A stamp that misses a change (a tag removed by a
state written as a plain id list) shows stale tags; one that moves on every
read mark rebuilds the postings after each entry opened. The oracle is the
definition: compare each entry's tags before and after a write, in the
writer and in a second reader that catches up line by line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.models import EMPTY_MARKS, Marks
from store.storage.marks import MarksJournal

IDS = [f"{i:012x}" for i in range(6)]

states = st.builds(
    Marks,
    read=st.booleans(),
    bookmarked=st.booleans(),
    user_tags=st.sampled_from([(), ("x",), ("x", "y")]),
    removed_auto=st.sampled_from([(), ("gone",)]),
)
writes = st.lists(st.dictionaries(st.sampled_from(IDS), states, min_size=1), max_size=12)


def _tags(m: Marks) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (m.user_tags, m.removed_auto)


def _set(marks: dict[str, Marks]) -> dict[str, Marks]:
    return {k: v for k, v in marks.items() if v != EMPTY_MARKS and k in IDS}


@settings(max_examples=150, deadline=None)
@given(writes=writes)
def test_tag_stamp_moves_iff_a_tag_changed(
    tmp_path_factory: pytest.TempPathFactory, writes: list[dict[str, Marks]]
) -> None:
    d = tmp_path_factory.mktemp("stamp")
    writer, reader = MarksJournal(d), MarksJournal(d)
    writer.catch_up()
    writer.set_many({"ffffffffffff": Marks(read=True)})  # the file exists: its inode is stable
    reader.catch_up()
    now: dict[str, Marks] = {}
    for new in writes:
        changed = any(_tags(m) != _tags(now.get(k, EMPTY_MARKS)) for k, m in new.items())
        before_w, before_r = writer.tag_stamp, reader.tag_stamp
        writer.set_many(new)
        reader.catch_up()
        now.update(new)
        assert (writer.tag_stamp != before_w) == changed
        assert (reader.tag_stamp != before_r) == changed
        assert _set(reader.all()) == _set(now) == _set(writer.all())


def test_a_tag_removed_by_a_plain_state_moves_the_stamp_and_a_later_read_does_not(
    tmp_path: Path,
) -> None:
    j = MarksJournal(tmp_path)
    j.catch_up()
    eid = IDS[0]
    j.set_many({eid: Marks(user_tags=("x",))})
    s1 = j.tag_stamp
    j.set_many({eid: Marks(read=True)})  # tags gone: written as a plain id list
    s2 = j.tag_stamp
    assert s2 != s1
    j.set_many({eid: Marks(read=False)})  # no tag to lose any more
    assert j.tag_stamp == s2
    fresh = MarksJournal(tmp_path)
    fresh.catch_up()
    assert fresh.get(eid) == EMPTY_MARKS
