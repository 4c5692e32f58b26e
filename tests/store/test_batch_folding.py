"""One item, one entry, however its copies arrive (``store.sync.batch``), in-process.

Why: mutation testing of ``store/sync/batch.py`` (docs/testing.md) found the
folding paths that ``test_identity.py`` never takes alive: two versions of an
item in one run, two new versions of a stored item in one run, a
stored copy this run already met and then a worse one, a small correction of a
stored item, and content lost from disk. The rules are the module's: the
later-published of two versions wins, a correction is an update, the result
does not depend on the order the copies arrive in, marks stay.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.storage.library import Library
from store.sync import ingest
from store.sync.ingest import IngestReport, ingest_paths

LONG = (
    "The harbour authority approved the new breakwater after a long public hearing. "
    "Fishing crews asked for a wider channel, the council asked for lower costs, and "
    "the engineers proposed a design that keeps the old lighthouse in place."
)


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def _item(guid: str, title: str, text: str, day: int) -> str:
    return (
        f"<item><title>{title}</title><guid>{guid}</guid>"
        f"<link>https://harbour.example/{guid}</link><description>{text}</description>"
        f"<pubDate>Mon, {day:02d} Jan 2025 10:00:00 GMT</pubDate></item>"
    )


def _feed(path: Path, *items: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>Harbour News</title><link>https://harbour.example/</link>"
        "<description>d</description>" + "".join(items) + "</channel></rss>",
        encoding="utf-8",
    )
    return path


def _counts(rep: IngestReport) -> tuple[int, int, int, int]:
    return rep.entries_new, rep.entries_known, rep.entries_updated, rep.duplicates_folded


def _texts(lib: Library) -> list[str]:
    return [e.summary + e.body for e in lib.get_many([r.id for r in lib.rows()])]


OLD = _item("g1", "Breakwater vote", "Old version: the vote is postponed to spring.", 6)
NEW = _item("g1", "Breakwater approved", "New version: " + LONG, 9)


def _two_files(tmp_path: Path, order: str) -> list[Path]:
    """OLD and NEW in two files of one run (a feed file keeps one item per guid itself)."""
    old, new = _feed(tmp_path / "o" / "f.xml", OLD), _feed(tmp_path / "n" / "f.xml", NEW)
    return [old, new] if order == "old first" else [new, old]


@pytest.mark.parametrize("chunk", [500, 1])
@pytest.mark.parametrize("order", ["old first", "new first"])
def test_two_versions_in_one_run_give_the_later_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: str, chunk: int
) -> None:
    """chunk 1: the first copy is tagged before the second arrives (a run past TAG_CHUNK)."""
    monkeypatch.setattr(ingest, "TAG_CHUNK", chunk)
    lib = Library.open(tmp_path / "lib")
    rep = ingest_paths(lib, _two_files(tmp_path, order))
    assert _counts(rep) == (1, 0, 0, 1)
    (text,) = _texts(lib)
    assert "New version" in text and "Old version" not in text


@pytest.mark.parametrize("order", ["old first", "new first"])
def test_two_new_versions_of_a_stored_item_in_one_run_update_it_once(
    tmp_path: Path, order: str
) -> None:
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [_feed(tmp_path / "a" / "f.xml", _item("g1", "Vote", "First text.", 2))])
    (eid,) = [r.id for r in lib.rows()]
    lib.set_bookmarked([eid])
    lib.add_tags([eid], ["mine"])
    rep = ingest_paths(lib, _two_files(tmp_path, order))
    assert _counts(rep) == (0, 0, 1, 1)
    assert [r.id for r in lib.rows()] == [eid]
    (text,) = _texts(lib)
    assert "New version" in text and "First text" not in text
    assert lib.marks(eid).bookmarked and lib.marks(eid).user_tags == ("mine",)


def test_an_older_version_after_the_stored_copy_in_the_same_run_changes_nothing(
    tmp_path: Path,
) -> None:
    lib = Library.open(tmp_path / "lib")
    current = _feed(tmp_path / "a" / "f.xml", NEW)
    ingest_paths(lib, [current])
    before = [(r.id, r.chash, r.title) for r in lib.rows()]
    older = _feed(tmp_path / "b" / "f.xml", OLD)
    rep = ingest_paths(lib, [current, older])
    assert rep.entries_new == 0 and rep.entries_updated == 0
    assert [(r.id, r.chash, r.title) for r in lib.rows()] == before


def test_a_corrected_word_in_a_stored_item_is_an_update(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [_feed(tmp_path / "a" / "f.xml", _item("g1", "Harbour", LONG, 6))])
    (eid,) = [r.id for r in lib.rows()]
    fixed = LONG.replace("lighthouse", "light tower")
    rep = ingest_paths(lib, [_feed(tmp_path / "b" / "f.xml", _item("g1", "Harbour", fixed, 6))])
    assert _counts(rep) == (0, 0, 1, 0)
    assert [r.id for r in lib.rows()] == [eid]
    (text,) = _texts(lib)
    assert "light tower" in text and "lighthouse" not in text


def test_content_lost_from_disk_is_restored_by_ingesting_the_file_again(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    feed = _feed(tmp_path / "a" / "f.xml", NEW)
    ingest_paths(lib, [feed])
    (eid,) = [r.id for r in lib.rows()]
    lib.set_read([eid])
    shutil.rmtree(lib.dir / "content")
    lib = Library.open(lib.dir)
    ingest_paths(lib, [_feed(tmp_path / "b" / "f.xml", NEW.replace("New version", "Restored"))])
    assert [r.id for r in lib.rows()] == [eid]
    (text,) = _texts(lib)
    assert "Restored" in text
    assert lib.marks(eid).read


FIXED = LONG.replace("lighthouse", "light tower")


@pytest.mark.parametrize("chunk", [500, 1])
@pytest.mark.parametrize(
    ("one", "two"),
    [
        # two versions of one date: neither is later, the content hash decides
        (_item("g1", "Vote", "Postponed to spring, the council said.", 6), NEW.replace("09", "06")),
        # a correction (similar texts): the same copy wins whichever came first
        (_item("g1", "Harbour", LONG, 6), _item("g1", "Harbour", FIXED, 6)),
    ],
    ids=["same date", "similar"],
)
def test_which_copy_wins_does_not_depend_on_the_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, one: str, two: str
) -> None:
    monkeypatch.setattr(ingest, "TAG_CHUNK", chunk)
    kept = []
    for order, items in (("ab", (one, two)), ("ba", (two, one))):
        lib = Library.open(tmp_path / order / "lib")
        files = [_feed(tmp_path / order / str(n) / "f.xml", it) for n, it in enumerate(items)]
        rep = ingest_paths(lib, files)
        assert _counts(rep) == (1, 0, 0, 1)
        (text,) = _texts(lib)
        kept.append(text)
    assert kept[0] == kept[1]
