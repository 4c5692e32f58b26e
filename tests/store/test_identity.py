"""Identity follows the item, not the path (issue 15, items 1 and 9).

The same item through a file, another folder, a URL, a second URL or a
redirect is one entry whose marks stay; a no-op ingest or refresh changes
nothing; of two copies that differ only in damage the better one is kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.config import Config, FeedConfig, RefreshSettings
from store.models import Entry
from store.storage.identity import fold_text, norm_link
from store.storage.library import Library
from store.sync.feeds import refresh
from store.sync.ingest import IngestReport, ingest_paths
from tests.support.feedserver import FeedServer, redirect, rss
from tests.support.seeds import SEEDS

RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not beside the repo")


def _config(*feeds: FeedConfig) -> Config:
    return Config(
        feeds=tuple(feeds),
        refresh=RefreshSettings(timeout=5, concurrency=4, max_bytes=10_000_000),
        path=Path("test-feeds.yaml"),
    )


def _counts(rep: IngestReport) -> tuple[int, int, int, int]:
    return rep.entries_new, rep.entries_known, rep.entries_updated, rep.duplicates_folded


def _state(lib: Library) -> dict[str, tuple[object, ...]]:
    """What a no-op must leave alone: every row's tags and content hash."""
    return {r.id: (r.auto_tags, r.chash, r.title, r.source) for r in lib.rows()}


def _damaged(text: str) -> str:
    """The second half of a text as UTF-8 read as cp1252 (mojibake, U+FFFD, lost emoji)."""
    half = len(text) // 2
    return text[:half] + text[half:].encode("utf-8").decode("cp1252", errors="replace")


# -- the keys themselves ---------------------------------------------------------


def test_folded_text_ignores_what_damage_does() -> None:
    clean = "Men Aren’t Seen As Having Problems — 🧠 naïve café, “quoted”"
    assert fold_text(_damaged(clean)) == fold_text(clean)
    assert fold_text(clean.replace("’", "\ufffd")) == fold_text(clean)
    assert fold_text(clean) != fold_text(clean.replace("Problems", "Solutions"))


def test_folded_text_of_other_scripts_keeps_their_letters() -> None:
    a, b = "Υπερόπλο πολλών τρισεκατομμυρίων", "Άλλος τίτλος εντελώς διαφορετικός"
    assert fold_text(a) and fold_text(a) != fold_text(b)
    assert fold_text(a + "\ufffd🚀") == fold_text(a)


def test_links_as_keys_ignore_scheme_case_www_and_slash() -> None:
    assert norm_link("https://WWW.Example.org/a/") == norm_link("http://example.org/a")
    assert norm_link("http://example.org/a?p=1") != norm_link("http://example.org/a?p=2")
    assert norm_link("file:///tmp/x.xml") == norm_link("/relative") == ""


# -- local documents --------------------------------------------------------------


@needs_seeds
def test_the_same_folder_copied_elsewhere_adds_nothing(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "a")
    shutil.copytree(SEEDS, tmp_path / "b" / "other-name")
    lib = Library.open(tmp_path / "lib")
    first = ingest_paths(lib, [tmp_path / "a"])
    assert first.entries_new >= 5
    before = _state(lib)
    again = ingest_paths(lib, [tmp_path / "b"])
    assert _counts(again) == (0, first.entries_new, 0, 0)
    assert _state(lib) == before


def _icons(e: Entry) -> int:
    return sum(1 for s in e.sections if s.icon)


def _digest_files(tmp_path: Path) -> tuple[Path, Path, list[Entry]]:
    """A seed digest with section icons, clean and damaged, in two folders; its clean entries."""
    seed = next(p for p in sorted(SEEDS.glob("*.txt")) if "🧠" in p.read_text("utf-8"))
    raw = seed.read_text("utf-8")
    (tmp_path / "clean").mkdir()
    (tmp_path / "damaged").mkdir()
    (tmp_path / "clean" / seed.name).write_text(raw, "utf-8")
    (tmp_path / "damaged" / seed.name).write_text(_damaged(raw), "utf-8")
    ref = Library.open(tmp_path / "ref")
    ingest_paths(ref, [tmp_path / "clean"])
    clean = ref.get_many([r.id for r in ref.rows()])
    return tmp_path / "clean", tmp_path / "damaged", clean


def _same_as_clean(lib: Library, clean: list[Entry]) -> None:
    got = sorted(lib.get_many([r.id for r in lib.rows()]), key=lambda e: e.sections[0].title)
    want = sorted(clean, key=lambda e: e.sections[0].title)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert (g.title, g.summary, g.key_points, g.sections) == (
            w.title,
            w.summary,
            w.key_points,
            w.sections,
        )
        assert _icons(g) == _icons(w) > 0


@needs_seeds
def test_a_damaged_copy_after_the_clean_one_changes_nothing(tmp_path: Path) -> None:
    clean_dir, damaged_dir, clean = _digest_files(tmp_path)
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [clean_dir])
    before = _state(lib)
    rep = ingest_paths(lib, [damaged_dir])
    assert _counts(rep) == (0, len(clean), 0, 0)
    assert _state(lib) == before
    _same_as_clean(lib, clean)


@needs_seeds
def test_a_clean_copy_after_the_damaged_one_wins_and_keeps_the_marks(tmp_path: Path) -> None:
    clean_dir, damaged_dir, clean = _digest_files(tmp_path)
    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [damaged_dir])
    ids = [r.id for r in lib.rows()]
    lib.set_bookmarked(ids[:1])
    lib.add_tags(ids, ["mine"])
    rep = ingest_paths(lib, [clean_dir])
    assert rep.entries_new == 0 and rep.entries_updated >= 1
    assert sorted(r.id for r in lib.rows()) == sorted(ids)
    _same_as_clean(lib, clean)
    assert lib.marks(ids[0]).bookmarked
    assert all(lib.marks(i).user_tags == ("mine",) for i in ids)


@needs_seeds
@pytest.mark.parametrize("order", ["damaged first", "clean first"])
def test_both_copies_at_once_give_the_clean_entry_and_say_so(tmp_path: Path, order: str) -> None:
    clean_dir, damaged_dir, clean = _digest_files(tmp_path)
    lib = Library.open(tmp_path / "lib")
    dirs = [damaged_dir, clean_dir] if order == "damaged first" else [clean_dir, damaged_dir]
    rep = ingest_paths(lib, dirs)
    assert _counts(rep) == (len(clean), 0, 0, len(clean))
    _same_as_clean(lib, clean)
    assert sorted(r.id for r in lib.rows()) == sorted(e.id for e in clean)


# -- feeds: files, URLs, redirects ------------------------------------------------


def test_a_feed_file_then_its_url_is_one_entry_under_the_subscription(tmp_path: Path) -> None:
    body = rss(4, title="Channel One")
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "saved.xml").write_text(body, "utf-8")
    lib = Library.open(tmp_path / "lib")
    assert ingest_paths(lib, [tmp_path / "feeds"]).entries_new == 4
    ids = sorted(r.id for r in lib.rows())
    lib.set_bookmarked(ids[:2])
    with FeedServer({"/f.xml": (200, RSS_TYPE, body)}) as srv:
        url = srv.url("/f.xml")
        rep = refresh(lib, _config(FeedConfig(url, "My subscription")))
    assert rep.entries_new == 0 and rep.results[0].entries_new == 0
    assert sorted(r.id for r in lib.rows()) == ids
    assert {r.source for r in lib.rows()} == {"My subscription"}
    assert {e.source.location for e in lib.get_many(ids)} == {url}
    assert [lib.marks(i).bookmarked for i in ids] == [True, True, False, False]
    # and the file again later: the subscription keeps its entries
    before = _state(lib)
    assert _counts(ingest_paths(lib, [tmp_path / "feeds"])) == (0, 4, 0, 0)
    assert _state(lib) == before


def test_a_url_then_the_same_bytes_as_a_file_adds_nothing(tmp_path: Path) -> None:
    body = rss(3, title="Channel Two", prefix="post")
    lib = Library.open(tmp_path / "lib")
    with FeedServer({"/f.xml": (200, RSS_TYPE, body)}) as srv:
        assert refresh(lib, _config(FeedConfig(srv.url("/f.xml")))).entries_new == 3
    before = _state(lib)
    (tmp_path / "copy.xml").write_text(body, "utf-8")
    assert _counts(ingest_paths(lib, [tmp_path / "copy.xml"])) == (0, 3, 0, 0)
    assert _state(lib) == before


def test_three_urls_and_a_redirect_serving_one_feed_give_one_copy(tmp_path: Path) -> None:
    body = rss(5, title="Shared Channel")
    lib = Library.open(tmp_path / "lib")
    routes = {"/a.xml": (200, RSS_TYPE, body), "/b.rss": (200, RSS_TYPE, body)}
    with FeedServer(routes) as srv:
        srv.routes["/c"] = redirect(srv.url("/a.xml"))
        srv.routes["/d.xml"] = (200, RSS_TYPE, body.replace("<channel>", "<channel>\n "))
        feeds = [FeedConfig(srv.url(p)) for p in ("/a.xml", "/b.rss", "/c", "/d.xml")]
        rep = refresh(lib, _config(*feeds))
        assert all(r.ok for r in rep.results)
        assert rep.entries_new == 5 == len(lib)
        before = _state(lib)
        srv.routes["/b.rss"] = (200, RSS_TYPE, body + "\n")  # a new body, the same items
        rep2 = refresh(lib, _config(*feeds))
    assert rep2.entries_new == 0 and len(lib) == 5
    assert _state(lib) == before


def test_new_text_under_the_same_guid_updates_the_entry(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    body = rss(2, title="Updating Channel")
    with FeedServer({"/f.xml": (200, RSS_TYPE, body)}) as srv:
        cfg = _config(FeedConfig(srv.url("/f.xml")))
        refresh(lib, cfg)
        ids = sorted(r.id for r in lib.rows())
        lib.set_read(ids)
        srv.routes["/f.xml"] = (200, RSS_TYPE, body.replace("Body of item 1.", "Corrected text."))
        refresh(lib, cfg)
    assert sorted(r.id for r in lib.rows()) == ids
    assert any("Corrected text." in e.summary + e.body for e in lib.get_many(ids))
    assert all(lib.marks(i).read for i in ids)


def test_a_feed_stored_by_the_previous_release_is_found_again(tmp_path: Path) -> None:
    """Rows without identity keys (schema 1): their keys come from the stored content."""
    body = rss(3, title="Old Channel")
    (tmp_path / "f.xml").write_text(body, "utf-8")
    scratch = Library.open(tmp_path / "scratch")
    ingest_paths(scratch, [tmp_path / "f.xml"])
    old = [
        e.with_(id=f"0ld{n:09d}", ikey="")  # the old release's ids, no keys
        for n, e in enumerate(scratch.get_many([r.id for r in scratch.rows()]))
    ]
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(old)
    lib.set_bookmarked([old[0].id])
    rep = ingest_paths(lib, [tmp_path / "f.xml"])
    assert _counts(rep) == (0, 3, 0, 0)
    assert sorted(r.id for r in lib.rows()) == sorted(e.id for e in old)
    assert lib.marks(old[0].id).bookmarked
    assert all(r.ikey for r in Library.open(tmp_path / "lib").rows())


def test_guids_on_the_feeds_own_host_give_the_same_ids_from_a_file_and_a_url(
    tmp_path: Path,
) -> None:
    """A blog's feed served from its own host: a whole guid there is one id either way."""
    lib = Library.open(tmp_path / "lib")
    with FeedServer() as srv:
        host = srv.url("")
        body = rss(3, title="Own Host").replace("<guid>item-", f"<guid>{host}/?p=")
        srv.routes["/feed/"] = (200, RSS_TYPE, body)
        (tmp_path / "saved.xml").write_text(body, "utf-8")
        ref = Library.open(tmp_path / "ref")
        ingest_paths(ref, [tmp_path / "saved.xml"])
        assert refresh(lib, _config(FeedConfig(srv.url("/feed/")))).entries_new == 3
    assert sorted(r.id for r in lib.rows()) == sorted(r.id for r in ref.rows())
    assert _counts(ingest_paths(lib, [tmp_path / "saved.xml"])) == (0, 3, 0, 0)
