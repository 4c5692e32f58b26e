"""The first page's marks kept for the next start (``store.storage.markscache``).

A start on the first page reads marks.cache (the page's entries' marks at a
journal offset) and the journal's lines after it instead of the whole journal.
Nothing may differ from a whole replay: every first-page entry has exactly the
marks the journal gives it, whatever was written after the cache (by us or
another process, a transaction half-way), and a cache that is not the one of
this index and this journal's bytes is never used. Anything that asks for more
than the page's marks reads the whole journal first. Chunks are small here
(``CACHE_CHUNK``) so a few dozen entries have a first page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import api
from store.models import EMPTY_MARKS, Marks
from store.storage import markscache
from store.storage import rows as index_file
from store.storage.library import Library
from store.storage.marks import JOURNAL_NAME, MarksJournal
from store.views import Selection
from tests.support.library import numbered_entries

CHUNK = 7
N = 30


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(index_file, "CACHE_CHUNK", CHUNK)
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))


def _build(d: Path) -> list[str]:
    """A library of N entries, newest first in the returned ids, some marked."""
    lib = Library.open(d)
    lib.save_entries(numbered_entries(N))
    ids = [r.id for r in lib.rows()]
    lib.set_read(ids[::2], True)
    lib.set_bookmarked(ids[1:10:3], True)
    lib.add_tags([ids[0], ids[5], ids[20]], ["mine"])
    return ids


def _start(d: Path) -> Library:
    """A start as the UI's: open on the first page, list, then load every row."""
    lib = Library.open(d, first_page=True)
    api.list_view(lib, Selection("all"), "")
    lib.complete()
    return lib


def _page(lib: Library) -> dict[str, Marks] | None:
    """The page's marks while only they are read, else None."""
    got = lib._marks.page_marks()
    return got[0] if got is not None else None


def _page_ids(d: Path) -> list[str]:
    first = Library.open(d, first_page=True).first_page()
    assert first is not None
    return [r.id for r in first.rows]


def _counted(d: Path) -> None:
    """List as the UI does after every change of marks: the counts are kept for them."""
    api.list_view(Library.open(d), Selection("all"), "")


def _whole(d: Path) -> dict[str, Marks]:
    j = MarksJournal(d)
    j.catch_up()
    return {k: v for k, v in j.all().items() if v != EMPTY_MARKS}


def _same_as_whole(d: Path, marks: dict[str, Marks], page: list[str]) -> None:
    """Every first-page entry has the marks a whole replay of the journal gives it."""
    whole = _whole(d)
    for i in page:
        assert marks.get(i, EMPTY_MARKS) == whole.get(i, EMPTY_MARKS), i


def _page_listing_marks(d: Path) -> tuple[Library, dict[str, Marks], list[str]]:
    lib = Library.open(d, first_page=True)
    listing = api.list_view(lib, Selection("all"), "")
    assert listing.partial and listing.rows is not None
    return lib, listing.marks, [r.id for r in listing.rows]


def test_a_start_keeps_the_page_marks_and_the_next_reads_only_them(tmp_path: Path) -> None:
    ids = _build(tmp_path)
    _start(tmp_path)
    assert (tmp_path / markscache.CACHE_NAME).exists()
    lib, marks, page = _page_listing_marks(tmp_path)
    assert page == ids[:CHUNK]
    # only the page's marks were read: entries past the page are not in them
    assert _page(lib) is marks
    assert not set(marks) - set(page)
    whole = _whole(tmp_path)
    assert {i: marks.get(i, EMPTY_MARKS) for i in page} == {
        i: whole.get(i, EMPTY_MARKS) for i in page
    }
    # asking for more reads the whole journal: every entry's marks, as a replay gives
    assert lib.marks(ids[-2]) == whole.get(ids[-2], EMPTY_MARKS)
    assert _page(lib) is None
    assert {k: v for k, v in lib.all_marks().items() if v != EMPTY_MARKS} == whole


def test_marks_written_after_the_cache_are_read_from_the_journal_tail(tmp_path: Path) -> None:
    ids = _build(tmp_path)
    _start(tmp_path)
    other = Library.open(tmp_path)  # another process, after the cache was kept
    other.set_read([ids[0], ids[2]], False)
    other.set_read([ids[1]], True)
    other.remove_tags([ids[0]], ["mine"])
    other.add_tags([ids[3]], ["later"])
    _counted(tmp_path)
    lib, marks, page = _page_listing_marks(tmp_path)
    assert _page(lib) is marks  # the cache was used, with the tail
    _same_as_whole(tmp_path, marks, page)
    assert marks[ids[3]].user_tags == ("later",)
    assert lib.marks_stamp == other.marks_stamp  # read to the same end


def test_a_transaction_across_the_cache_offset_applies_only_when_it_ends(
    tmp_path: Path,
) -> None:
    ids = _build(tmp_path)
    path = tmp_path / JOURNAL_NAME
    with path.open("a") as f:  # a bulk change half-way when the cache is kept
        f.write(json.dumps({"#t": "abc", "#-": [ids[0], ids[2]]}) + "\n")
    _start(tmp_path)
    lib, marks, _ = _page_listing_marks(tmp_path)
    assert _page(lib) is marks
    assert marks[ids[0]].read and marks[ids[2]].read  # not ended: not applied
    with path.open("a") as f:
        f.write(json.dumps({"#t": "abc", "#end": 1, "#b": [ids[4]]}) + "\n")
    _counted(tmp_path)
    lib, marks, page = _page_listing_marks(tmp_path)
    assert _page(lib) is marks
    whole = _whole(tmp_path)
    assert ids[0] not in whole and not marks.get(ids[0], EMPTY_MARKS).read
    assert marks[ids[4]] == whole[ids[4]] == Marks(bookmarked=True)
    for i in page:
        assert marks.get(i, EMPTY_MARKS) == whole.get(i, EMPTY_MARKS), i


def test_a_compacted_journal_is_not_read_through_the_cache(tmp_path: Path) -> None:
    ids = _build(tmp_path)
    _start(tmp_path)
    lib = Library.open(tmp_path)
    lib.set_read([ids[0]], False)
    lib._marks.compact()  # the same state in other bytes (and another inode)
    _counted(tmp_path)
    lib2, marks, page = _page_listing_marks(tmp_path)
    assert _page(lib2) is None  # whole journal read: the cache was stale
    _same_as_whole(tmp_path, marks, page)


def test_a_cache_of_another_index_is_not_used(tmp_path: Path) -> None:
    _build(tmp_path)
    _start(tmp_path)
    lib = Library.open(tmp_path)
    lib.save_entries(numbered_entries(N + 5)[N:])  # a new library.json
    _counted(tmp_path)
    lib2, marks, page = _page_listing_marks(tmp_path)
    assert _page(lib2) is None
    _same_as_whole(tmp_path, marks, page)


def test_a_cache_of_another_first_page_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same library.json paged otherwise (a release with another chunk size):
    the kept marks cover other entries, so they are not the page's."""
    _build(tmp_path)
    _start(tmp_path)
    monkeypatch.setattr(index_file, "CACHE_CHUNK", CHUNK + 3)
    stamp = index_file.index_stamp(tmp_path / "library.json")
    index_file.write_cache(tmp_path, stamp, Library.open(tmp_path).rows())  # paged anew
    lib, marks, page = _page_listing_marks(tmp_path)
    assert len(page) == CHUNK + 3
    assert _page(lib) is None
    _same_as_whole(tmp_path, marks, page)


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", b"digest-tui marks\n\x00\x01", None],
    ids=["empty", "garbage", "bad-marshal", "truncated"],
)
def test_a_damaged_cache_is_a_miss(tmp_path: Path, damage: bytes | None) -> None:
    _build(tmp_path)
    _start(tmp_path)
    cache = tmp_path / markscache.CACHE_NAME
    raw = cache.read_bytes()
    cache.write_bytes(raw[: len(raw) // 2] if damage is None else damage)
    lib, marks, page = _page_listing_marks(tmp_path)
    assert _page(lib) is None
    _same_as_whole(tmp_path, marks, page)
    lib.complete()  # and the start keeps a good one again
    assert markscache.load_view(tmp_path, lib._index_stamp, _page_ids(tmp_path)) is not None


def test_a_long_tail_is_kept_again_and_a_short_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(markscache, "TAIL_LINES", 2)
    ids = _build(tmp_path)
    _start(tmp_path)
    cache = tmp_path / markscache.CACHE_NAME
    kept = cache.read_bytes()
    Library.open(tmp_path).set_read([ids[1]], True)  # one line: short
    _start(tmp_path)
    assert cache.read_bytes() == kept
    other = Library.open(tmp_path)
    for i in ids[3:6]:  # three lines: long
        other.set_read([i], True)
    _start(tmp_path)
    assert cache.read_bytes() != kept
    stamp = index_file.index_stamp(tmp_path / "library.json")
    view = markscache.load_view(tmp_path, stamp, _page_ids(tmp_path))
    assert view is not None and view.tail_lines == 0


def test_a_write_while_only_the_page_marks_are_read_reads_the_whole_journal(
    tmp_path: Path,
) -> None:
    ids = _build(tmp_path)
    _start(tmp_path)
    lib, _, _ = _page_listing_marks(tmp_path)
    lib.set_bookmarked([ids[-1]], True)  # an entry past the page
    whole = _whole(tmp_path)
    assert whole[ids[-1]].bookmarked and whole[ids[-1]].read == (ids.index(ids[-1]) % 2 == 0)
    assert {k: v for k, v in lib.all_marks().items() if v != EMPTY_MARKS} == whole


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["read", "unread", "bookmark", "tag", "untag"]),
        st.sets(st.integers(0, N - 1), min_size=1, max_size=6),
    ),
    max_size=6,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=_OPS, after=_OPS)
def test_page_marks_equal_a_whole_replay(
    tmp_path_factory: pytest.TempPathFactory,
    before: list[tuple[str, set[int]]],
    after: list[tuple[str, set[int]]],
) -> None:
    d = tmp_path_factory.mktemp("lib")
    lib = Library.open(d)
    lib.save_entries(numbered_entries(N))
    ids = [r.id for r in lib.rows()]

    def run(ops: list[tuple[str, set[int]]]) -> None:
        for op, which in ops:
            chosen = [ids[i] for i in sorted(which)]
            if op in ("read", "unread"):
                lib.set_read(chosen, op == "read")
            elif op == "bookmark":
                lib.set_bookmarked(chosen, True)
            elif op == "tag":
                lib.add_tags(chosen, ["t"])
            else:
                lib.remove_tags(chosen, ["t", "auto"])

    run(before)
    _start(d)
    run(after)
    _counted(d)
    got, marks, page = _page_listing_marks(d)
    assert _page(got) is marks
    _same_as_whole(d, marks, page)
