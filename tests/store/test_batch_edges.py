"""Folding copies that reach one item under different identity keys (``store.sync.batch``).

Why: mutation testing of ``batch.py`` (docs/testing.md) left these paths
alive, because a guid feed's copies all carry the same keys. A feed renamed or
moved, or a mirror, gives copies that share one key and bring others: every
key must stay with the entry (a later copy finds it by any of them), a new
entry is named by its winning copy, a stored entry keeps its id and marks, the
result does not depend on the order the copies arrive in, and every entry
saved is tagged. ``EntryBatch`` is driven directly, so that keys, ids, dates
and automatic tags are exactly the ones each case needs.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from store.models import Entry, Source
from store.storage.library import Library
from store.storage.pending import read_pending
from store.storage.shards import content_text
from store.sync.batch import EntryBatch

FILE = Source("feed", "Harbour News", "/feeds/a/harbour.xml")
URL = Source("feed", "Harbour News", "https://harbour.example/feed.xml")

TEXTS = {
    "old": "The vote on the breakwater is postponed to spring, the council said on Monday.",
    "new": "The harbour authority approved the new breakwater after a long public hearing; "
    "fishing crews asked for a wider channel and the engineers kept the lighthouse.",
    "later": "Construction of the breakwater starts in March: barges bring granite from the "
    "northern quarry and the channel stays open to the fishing fleet at night.",
    "other": "The funicular line reopens after the funicular bridge repairs; buses replace the funicular "
    "until the weekend and the funicular timetable changes again in the summer.",
    "other2": "The funicular line reopens a week late: the funicular bridge inspection found rust and "
    "the city asks funicular riders to take the ferry meanwhile.",
}


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def _e(
    eid: str,
    ikey: str,
    text: str,
    day: int | None,
    src: Source = FILE,
    tags: tuple[str, ...] = (),
) -> Entry:
    return Entry(
        id=eid,
        source=src,
        title="Funicular line" if text.startswith("other") else "Harbour breakwater",
        summary=TEXTS.get(text, text),
        published=f"2025-01-{day:02d}" if day else None,
        ikey=ikey,
        auto_tags=tags,
    )


def _run(lib: Library, *docs: Sequence[Entry], chunked: bool = False) -> EntryBatch:
    """One run: each doc one ``add`` (one parsed file); ``chunked``: tagged after each."""
    batch = EntryBatch(lib, {})
    for doc in docs:
        batch.add(list(doc), [content_text(e) for e in doc])
        if chunked:
            batch.tag()
    batch.save()
    return batch


def _stored(lib: Library) -> dict[str, Entry]:
    ids = [r.id for r in lib.rows()]
    return dict(zip(ids, lib.get_many(ids), strict=True))


def _summaries(lib: Library) -> dict[str, str]:
    return {i: e.summary for i, e in _stored(lib).items()}


ORDERS = ["winner last", "winner first"]


def _ordered(order: str, loser: Entry, winner: Entry) -> list[list[Entry]]:
    return [[loser], [winner]] if order == "winner last" else [[winner], [loser]]


@pytest.mark.parametrize("order", ORDERS)
def test_two_copies_in_one_run_keep_both_keys_for_later_runs(tmp_path: Path, order: str) -> None:
    """A renamed feed's copy and the old one: next week's copy finds the entry by either key."""
    lib = Library.open(tmp_path / "lib")
    loser, winner = _e("a", "kA kS", "old", 6), _e("b", "kB kS", "new", 9)
    _run(lib, *_ordered(order, loser, winner))
    assert _summaries(lib) == {"b": TEXTS["new"]}  # named by its winning copy
    lib = Library.open(lib.dir)  # the keys as stored, not as this process remembers them
    for n, key in enumerate(("kA", "kB")):
        _run(lib, [_e(f"z{n}", key, "later", 20 + n)])
        assert _summaries(lib) == {"b": TEXTS["later"]}, key


@pytest.mark.parametrize("order", ORDERS)
def test_a_third_copy_in_the_same_run_finds_the_item_by_a_key_of_either_copy(
    tmp_path: Path, order: str
) -> None:
    lib = Library.open(tmp_path / "lib")
    other = _e("p", "kP", "other", 3)
    loser, winner = _e("a", "kA kS", "old", 6), _e("b", "kB kS", "new", 9)
    docs = [[other], *_ordered(order, loser, winner)]
    # a late copy of each, known only by the key its first copy brought
    docs += [[_e("c", "kA", "old", 7)], [_e("d", "kB", "old", 8)], [_e("q", "kP", "other2", 4)]]
    _run(lib, *docs)
    assert _summaries(lib) == {"q": TEXTS["other2"], "b": TEXTS["new"]}
    # and every entry of the run was tagged (none lost its place in the queue)
    assert all(r.auto_tags for r in lib.rows())


def test_a_loser_that_brings_a_key_still_lets_a_later_winner_be_tagged(tmp_path: Path) -> None:
    """Chunked tagging: the first copy is tagged, a worse copy adds its key, a newer one wins."""
    lib = Library.open(tmp_path / "lib")
    _run(
        lib,
        [_e("p", "kP kS", "new", 9)],
        [_e("q", "kQ kS", "old", 6)],
        [_e("p", "kQ", "later", 12)],
        chunked=True,
    )
    (row,) = lib.rows()
    assert row.id == "p" and row.auto_tags
    assert _summaries(lib) == {"p": TEXTS["later"]}


@pytest.mark.parametrize("order", ORDERS)
def test_the_subscribed_feeds_source_wins_whichever_copy_is_kept(
    tmp_path: Path, order: str
) -> None:
    lib = Library.open(tmp_path / "lib")
    subscribed, file_copy = _e("a", "kA", "old", 6, URL), _e("a", "kA", "new", 9, FILE)
    _run(lib, *_ordered(order, subscribed, file_copy))
    (e,) = _stored(lib).values()
    assert e.summary == TEXTS["new"] and e.source == URL


@pytest.mark.parametrize("order", ORDERS)
def test_a_dated_version_beats_an_undated_one(tmp_path: Path, order: str) -> None:
    lib = Library.open(tmp_path / "lib")
    _run(lib, *_ordered(order, _e("a", "kA", "old", None), _e("a", "kA", "new", 2)))
    assert _summaries(lib) == {"a": TEXTS["new"]}


def test_two_undated_versions_give_one_result_in_either_order(tmp_path: Path) -> None:
    results = []
    for n, order in enumerate(ORDERS):
        lib = Library.open(tmp_path / f"lib{n}")
        _run(lib, *_ordered(order, _e("a", "kA", "old", None), _e("a", "kA", "new", None)))
        results.append(_summaries(lib))
    assert results[0] == results[1]


def test_new_versions_of_a_stored_entry_under_other_ids_keep_its_id_and_marks(
    tmp_path: Path,
) -> None:
    lib = Library.open(tmp_path / "lib")
    _run(lib, [_e("s", "kS", "old", 2)])
    lib.set_bookmarked(["s"])
    batch = _run(lib, [_e("x1", "kS", "new", 6)], [_e("x2", "kS", "later", 9)])
    assert (batch.entries_new, batch.entries_updated) == (0, 1)
    assert _summaries(lib) == {"s": TEXTS["later"]}
    assert lib.marks("s").bookmarked


def test_a_copy_carrying_a_stored_id_never_overwrites_that_entry(tmp_path: Path) -> None:
    """Its key names a new item of this run: it joins that item, under the new item's id."""
    lib = Library.open(tmp_path / "lib")
    _run(lib, [_e("s", "kS", "other", 1)])
    _run(lib, [_e("n", "kN", "old", 5)], [_e("s", "kN", "new", 8)])
    assert _summaries(lib) == {"s": TEXTS["other"], "n": TEXTS["new"]}


def test_copies_that_come_back_to_the_stored_one_change_nothing(tmp_path: Path) -> None:
    """An older copy, then the stored one, then the older again: the stored text stays."""
    lib = Library.open(tmp_path / "lib")
    current = _e("s", "kS", "new", 9)
    _run(lib, [current])
    before = [(r.id, r.chash) for r in lib.rows()]
    older = _e("s", "kS", "old", 6)
    batch = _run(lib, [older], [current], [older])
    assert (batch.entries_new, batch.entries_updated, batch.entries_known) == (0, 0, 1)
    assert [(r.id, r.chash) for r in lib.rows()] == before


def test_two_changed_copies_in_one_document_then_another_update(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    _run(lib, [_e("a", "kA", "old", 2), _e("t", "kT", "other", 2)])
    _run(lib, [_e("a1", "kA", "new", 5), _e("a2", "kA", "later", 7), _e("t", "kT", "other2", 3)])
    assert _summaries(lib) == {"a": TEXTS["later"], "t": TEXTS["other2"]}


def test_a_worse_copy_after_a_confirmed_one_does_not_stop_the_document(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    a, t = _e("a", "kA", "new", 9), _e("t", "kT", "other", 2)
    _run(lib, [a, t])
    _run(lib, [a], [_e("a", "kA", "old", 1), _e("t", "kT", "other2", 3)])
    assert _summaries(lib) == {"a": TEXTS["new"], "t": TEXTS["other2"]}


def test_a_confirmed_copy_then_a_corrected_one_give_the_result_of_either_order(
    tmp_path: Path,
) -> None:
    fixed = TEXTS["new"].replace("lighthouse", "light tower")
    results = []
    for n, order in enumerate(ORDERS):
        lib = Library.open(tmp_path / f"lib{n}")
        stored = _e("a", "kA", "new", 9)
        _run(lib, [stored])
        _run(lib, *_ordered(order, stored, _e("a", "kA", fixed, 9)))
        results.append(_summaries(lib))
    assert results[0] == results[1]


@pytest.mark.parametrize("chunked", [False, True])
def test_the_cleaner_of_two_similar_copies_is_kept_and_tagged(
    tmp_path: Path, chunked: bool
) -> None:
    lib = Library.open(tmp_path / "lib")
    clean = TEXTS["new"] + " Café owners welcome it."
    damaged = clean.replace("é", "Ã©")
    _run(lib, [_e("a", "kA", damaged, 9)], [_e("a", "kA", clean, 9)], chunked=chunked)
    (row,) = lib.rows()
    assert row.auto_tags
    assert _summaries(lib) == {"a": clean}


# found by the mutation probe (2026-12-03), fixed: the copy that only adds tags was skipped
def test_a_copy_that_only_adds_automatic_tags_gives_one_result_in_either_order(
    tmp_path: Path,
) -> None:
    results = []
    for n, order in enumerate(ORDERS):
        lib = Library.open(tmp_path / f"lib{n}")
        stored = _e("a", "kA", "new", 9, URL)
        _run(lib, [stored])
        tagged = stored.with_(auto_tags=("shipping",))
        _run(lib, *_ordered(order, stored, tagged))
        results.append([r.auto_tags for r in lib.rows()])
    assert results[0] == results[1]


def test_content_lost_for_two_entries_is_restored_for_both(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    a, t = _e("a", "kA", "new", 9), _e("t", "kT", "other", 2)
    _run(lib, [a, t])
    shutil.rmtree(lib.dir / "content")
    lib = Library.open(lib.dir)
    _run(lib, [a.with_(summary=TEXTS["later"]), t.with_(summary=TEXTS["other2"])])
    assert _summaries(lib) == {"a": TEXTS["later"], "t": TEXTS["other2"]}


def test_an_update_of_a_stored_entry_keeps_the_keys_it_had(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    _run(lib, [_e("s", "kA kS", "old", 2)])
    _run(lib, [_e("b", "kB kS", "new", 6)])
    lib = Library.open(lib.dir)  # the keys as stored, not as this process remembers them
    for n, key in enumerate(("kA", "kB")):
        _run(lib, [_e(f"z{n}", key, "later", 20 + n)])
        assert _summaries(lib) == {"s": TEXTS["later"]}, key


CLEAN = TEXTS["new"] + " Café owners welcome it."
DAMAGED = CLEAN.replace("é", "Ã©")


def test_a_damaged_copy_from_the_subscription_keeps_the_clean_text_and_brings_the_rest(
    tmp_path: Path,
) -> None:
    """The stored copy is cleaner: its text stays; the arrival's key, source and tags join it."""
    lib = Library.open(tmp_path / "lib")
    _run(lib, [_e("s", "kS", CLEAN, 9, FILE)])
    _run(lib, [_e("m", "kM kS", DAMAGED, 9, URL, tags=("shipping",))])
    (e,) = _stored(lib).values()
    (row,) = lib.rows()
    assert e.summary == CLEAN and e.source == URL and "shipping" in row.auto_tags
    lib = Library.open(lib.dir)
    _run(lib, [_e("z", "kM", "later", 20)])
    assert _summaries(lib) == {"s": TEXTS["later"]}


def test_a_detail_changed_copy_does_not_stop_the_document(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    a, t = _e("a", "kA", "new", 9), _e("t", "kT", "other", 2)
    _run(lib, [a, t])
    _run(lib, [a.with_(link="https://harbour.example/a"), t.with_(summary=TEXTS["other2"])])
    assert _summaries(lib) == {"a": TEXTS["new"], "t": TEXTS["other2"]}
    assert _stored(lib)["a"].link == "https://harbour.example/a"


def test_a_detail_changed_copy_keeps_the_stored_automatic_tags(tmp_path: Path) -> None:
    """Same text, another link: its topics stay, so do tags a configured feed once gave it."""
    lib = Library.open(tmp_path / "lib")
    _run(lib, [_e("a", "kA", "new", 9, URL, tags=("shipping",))])
    (before,) = lib.rows()
    _run(lib, [_e("a", "kA", "new", 9, URL).with_(link="https://harbour.example/a")])
    (row,) = lib.rows()
    assert "shipping" in before.auto_tags and row.auto_tags == before.auto_tags
    assert _stored(lib)["a"].link == "https://harbour.example/a"


def test_a_deferred_run_journals_a_new_entry_under_its_winning_copys_id(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    batch = EntryBatch(lib, {})
    batch.defer = True
    for e in (_e("a", "kA kS", "old", 6), _e("b", "kB kS", "new", 9)):
        batch.add([e], [content_text(e)])
    batch.save()
    assert read_pending(lib).new == ["b"]
    assert read_pending(lib).ids == {"b"}


def test_a_damaged_copy_that_brings_a_tag_keeps_the_text_and_adds_the_tag(tmp_path: Path) -> None:
    """Same source, worse text: nothing of its text is taken, its configured tag is."""
    lib = Library.open(tmp_path / "lib")
    t = _e("t", "kT", "other", 2)
    _run(lib, [_e("s", "kS", CLEAN, 9, URL), t])
    _run(lib, [_e("s", "kS", DAMAGED, 9, URL, tags=("shipping",))])
    assert _summaries(lib)["s"] == CLEAN
    assert "shipping" in lib.row("s").auto_tags
    # and a damaged copy that brings nothing does not stop the rest of its document
    _run(lib, [_e("s", "kS", DAMAGED, 9, URL), t.with_(summary=TEXTS["other2"])])
    assert _summaries(lib) == {"s": CLEAN, "t": TEXTS["other2"]}


def test_an_entry_without_automatic_tags_arriving_again_is_known(tmp_path: Path) -> None:
    """Nothing to tag in it: the same copy again is still a no-op, not an update."""
    lib = Library.open(tmp_path / "lib")
    quiet = _e("q", "kQ", "See you on Monday.", 3).with_(title="Note")
    _run(lib, [quiet])
    (before,) = lib.rows()
    batch = _run(lib, [quiet])
    assert before.auto_tags == ()
    assert (batch.entries_known, batch.entries_updated) == (1, 0)
    assert list(lib.rows()) == [before]


def test_a_new_version_after_a_detail_change_in_one_run_is_tagged(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    a = _e("a", "kA", "new", 9, URL)
    _run(lib, [a])
    _run(lib, [a.with_(link="https://harbour.example/a")], [_e("a", "kA", "later", 12, URL)])
    assert _summaries(lib) == {"a": TEXTS["later"]}
    assert lib.row("a").auto_tags


def test_the_batchs_vocabulary_is_the_one_tagging_uses(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    batch = EntryBatch(lib, {"sea-defence": ["breakwater"]})
    e = _e("a", "kA", "new", 9)
    batch.add([e], [content_text(e)])
    batch.save()
    assert "sea-defence" in lib.row("a").auto_tags


def test_copies_that_come_back_to_the_stored_one_beside_a_new_entry(tmp_path: Path) -> None:
    """The folded item leaves the queue: the run still tags and saves the rest."""
    lib = Library.open(tmp_path / "lib")
    current = _e("s", "kS", "new", 9)
    _run(lib, [current])
    before = lib.row("s")
    _run(lib, [_e("s", "kS", "old", 6)], [current], [_e("n", "kN", "later", 3)])
    assert lib.row("s") == before
    assert _summaries(lib)["n"] == TEXTS["later"] and lib.row("n").auto_tags


def test_content_lost_and_a_copy_under_another_id_restores_the_stored_entry(
    tmp_path: Path,
) -> None:
    """The arrival renamed to the stored id is what is written: its text must be the renamed one."""
    lib = Library.open(tmp_path / "lib")
    _run(lib, [_e("s", "kS", "old", 2)])
    shutil.rmtree(lib.dir / "content")
    lib = Library.open(lib.dir)
    _run(lib, [_e("b", "kB kS", "new", 6)])
    lib = Library.open(lib.dir)
    assert _summaries(lib) == {"s": TEXTS["new"]}
    assert content_text(_stored(lib)["s"]) == content_text(_e("s", "kS kB", "new", 6))


def _legacy_library(path: Path, *old: Entry) -> Library:
    """A library of the previous release: rows without identity keys (keyed on first need)."""
    lib = Library.open(path)
    lib.save_entries([e.with_(ikey="") for e in old])
    return Library.open(lib.dir)


def test_linkless_feed_items_of_the_previous_release_are_found_by_their_content(
    tmp_path: Path,
) -> None:
    """A legacy key of a linkless item is its title and summary, else its body."""
    by_summary = _e("old1", "", "old", 2)
    by_body = _e("old2", "", "", 3).with_(title="Funicular line", body=TEXTS["other"])
    lib = _legacy_library(tmp_path / "lib", by_summary, by_body)
    # this release's copies: other ids and keys, the same content
    batch = _run(lib, [_e("n1", "kN1", "old", 2), by_body.with_(id="n2", ikey="kN2")])
    assert (batch.entries_new, batch.entries_known) == (0, 2)
    assert sorted(r.id for r in lib.rows()) == ["old1", "old2"]


def test_a_local_documents_item_is_never_taken_for_a_previous_release_feed_item(
    tmp_path: Path,
) -> None:
    """Only feed arrivals probe legacy keys: a file's item with the same content is its own."""
    lib = _legacy_library(tmp_path / "lib", _e("old1", "", "old", 2))
    doc = _e("f1", "kF1", "old", 2, src=Source("file", "Harbour digests", "/d/2025-01-02.md"))
    batch = _run(lib, [doc])
    assert batch.entries_new == 1
    assert sorted(r.id for r in lib.rows()) == ["f1", "old1"]
