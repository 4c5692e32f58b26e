"""Upgrades lose nothing: a library written by an older release opens whole.

The fixture in tests/fixtures/library-72fde32 was written by the release of
commit 72fde32 (``python -m tests.support.make_upgrade_fixture``) and holds every
file a data directory held then. Whatever file format changes later, opening it
with the code of the day must keep every mark, tag, bookmark, removed tag, feed
state, UI setting and the first-run flag, and still find its words.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from store.config import Config, FeedConfig, RefreshSettings
from store.samples import sample_paths
from store.storage.library import Library
from store.sync.feeds import refresh
from store.sync.firstrun import ensure_samples, mark_samples_offered, samples_offered
from store.sync.ingest import ingest_paths
from tests.support.cli import run_cli
from tests.support.feedserver import FeedServer
from tests.support.make_upgrade_fixture import (
    FEED_STATES,
    UI_STATE,
    assert_marks_as_in,
    feed_entries,
    fixture_marks,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "library-72fde32"


@pytest.fixture
def old_dir(tmp_path: Path) -> Path:
    d = tmp_path / "old"
    shutil.copytree(FIXTURE, d)
    return d


def _old_rows() -> list[list[Any]]:
    rows: list[list[Any]] = json.loads((FIXTURE / "library.json").read_text("utf-8"))["rows"]
    return rows


def _assert_everything_kept(lib: Library) -> None:
    _assert_everything_kept_but_ui(lib)
    assert lib.ui_state() == UI_STATE
    assert samples_offered(lib)


def _assert_everything_kept_but_ui(lib: Library) -> None:
    old = _old_rows()
    assert [r.id for r in lib.rows()] == [r[0] for r in old]
    for r in old:
        row = lib.row(r[0])
        assert (row.title, list(row.auto_tags)) == (r[1], r[9])
        assert lib.get(r[0]).title == r[1]
    expected = fixture_marks(FIXTURE)
    assert {i for i, m in lib.all_marks().items() if m != m.__class__()} == set(expected)
    assert_marks_as_in(lib, FIXTURE)
    assert lib.feed_states() == {u: {**s, "url": u} for u, s in FEED_STATES.items()}


def test_the_fixture_holds_every_kind_of_file() -> None:
    names = {str(p.relative_to(FIXTURE)) for p in FIXTURE.rglob("*") if p.is_file()}
    for name in (
        "library.json",
        "library.json.bak",
        "library.cache",
        "marks.jsonl",
        "feeds.json",
        "ui.json",
        "state.json",
        "topics.json",
        "words/manifest.json",
    ):
        assert name in names
    assert any(n.startswith("content/") for n in names)
    marks = fixture_marks(FIXTURE)
    assert any(m.get("b") for m in marks.values()) and any(m.get("r") for m in marks.values())
    assert any(m.get("u") for m in marks.values()) and any(m.get("x") for m in marks.values())
    assert len({r[3] for r in _old_rows()}) >= 2  # a couple of sources


def test_opening_an_old_library_keeps_everything(old_dir: Path) -> None:
    _assert_everything_kept(Library.open(old_dir))


def test_the_samples_flag_survives_the_upgrade(old_dir: Path) -> None:
    lib = Library.open(old_dir)
    n = len(lib)
    lib.set_bookmarked([r.id for r in lib.rows()], False)  # even a library emptied of marks
    assert ensure_samples(lib) is None
    assert len(Library.open(old_dir)) == n


def test_writing_to_an_old_library_keeps_everything_else(old_dir: Path) -> None:
    lib = Library.open(old_dir)
    first = lib.rows()[0].id
    before = lib.marks(first)
    lib.toggle_bookmark(first)
    lib.toggle_bookmark(first)
    lib.save_feed_states({"https://new.example/feed": {"etag": "n"}})
    assert lib.marks(first) == before
    reopened = Library.open(old_dir)
    assert reopened.feed_states().pop("https://new.example/feed") == {
        "etag": "n",
        "url": "https://new.example/feed",
    }
    states = reopened.feed_states()
    del states["https://new.example/feed"]
    assert states == {u: {**s, "url": u} for u, s in FEED_STATES.items()}
    assert reopened.ui_state() == UI_STATE
    assert samples_offered(reopened)


def test_ui_settings_and_the_samples_flag_move_into_their_tables(old_dir: Path) -> None:
    """The first write of each moves its old side file's keys into tables.json."""
    lib = Library.open(old_dir)
    lib.update_ui_state(lambda s: {**s, "theme": "dracula"})
    assert not (old_dir / "ui.json").exists()
    assert (old_dir / "state.json").exists()  # the flags were not written yet
    mark_samples_offered(lib)
    assert not (old_dir / "state.json").exists()
    reopened = Library.open(old_dir)
    assert reopened.ui_state() == {**UI_STATE, "theme": "dracula"}
    assert samples_offered(reopened)
    assert ensure_samples(reopened) is None
    tables = json.loads((old_dir / "tables.json").read_text("utf-8"))
    assert sorted(tables) == ["flags", "ui"]
    _assert_everything_kept_but_ui(reopened)
    doctor = run_cli(old_dir, "doctor", "--json", check=True)
    assert json.loads(doctor.stdout)["healthy"] is True


def test_an_old_library_still_finds_its_words_and_passes_doctor(old_dir: Path) -> None:
    title = next(r[1] for r in _old_rows() if "Bottleneck" in r[1])
    out = run_cli(old_dir, "list", "bottleneck", check=True).stdout
    assert title[:30] in out
    doctor = run_cli(old_dir, "doctor", "--json", check=True)
    assert json.loads(doctor.stdout)["healthy"] is True


def _feed_body() -> str:
    """The fixture's feed items as the podcast's feed would serve them."""
    items = "".join(
        f"<item><title>{e.title}</title><link>{e.link}</link><guid>{e.link}#guid</guid>"
        f"<description>{e.summary}</description></item>"
        for e in feed_entries()
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test Podcast</title><link>https://podcast.example/</link>{items}</channel></rss>"
    )


def test_ingesting_an_old_librarys_sources_again_adds_nothing(old_dir: Path) -> None:
    """Rows of the previous release get identity keys from their stored content, so the
    same samples and the same feed items (whose guid the old release did not keep) are
    found again: no copy, every mark where it was."""
    lib = Library.open(old_dir)
    ids = {r.id for r in lib.rows()}
    rep = ingest_paths(lib, [str(p) for p in sample_paths()])
    assert (rep.entries_new, rep.duplicates_folded) == (0, 0)
    assert rep.entries_known + rep.entries_updated == len(ids) - len(feed_entries())
    with FeedServer(
        {"/feed.xml": (200, {"Content-Type": "application/rss+xml"}, _feed_body())}
    ) as srv:
        cfg = Config(
            feeds=(FeedConfig(srv.url("/feed.xml"), "Test Podcast"),),
            refresh=RefreshSettings(timeout=5, concurrency=2, max_bytes=1_000_000),
            path=Path("test-feeds.yaml"),
        )
        assert refresh(lib, cfg).entries_new == 0
    reopened = Library.open(old_dir)
    assert {r.id for r in reopened.rows()} == ids
    assert all(r.ikey for r in reopened.rows())
    assert json.loads((old_dir / "library.json").read_text("utf-8"))["schema"] == 3
    assert_marks_as_in(reopened, FIXTURE)
    doctor = run_cli(old_dir, "doctor", "--json", check=True)
    assert json.loads(doctor.stdout)["healthy"] is True


def test_reading_an_old_library_writes_nothing(old_dir: Path) -> None:
    """The keys are computed when an ingest or refresh first needs them, not on open."""
    before = (old_dir / "library.json").read_bytes()
    lib = Library.open(old_dir)
    assert [r.ikey for r in lib.rows()] == [""] * len(lib)
    lib.get_many([r.id for r in lib.rows()])
    assert (old_dir / "library.json").read_bytes() == before
    index = lib.identity_index()
    assert {index[k] for r in lib.rows() for k in r.ikey.split()} == {r.id for r in lib.rows()}
    assert all(r.ikey for r in Library.open(old_dir).rows())
