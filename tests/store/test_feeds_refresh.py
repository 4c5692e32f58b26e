"""refresh() against a real HTTP server on 127.0.0.1 (tests/support/feedserver.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from store.config import Config, FeedConfig, RefreshSettings
from store.storage.library import Library
from store.sync.feeds import FeedResult, feed_status, refresh
from tests.support.feedserver import (
    FeedServer,
    Response,
    conditional,
    gzipped,
    hang,
    redirect,
    rss,
)
from tests.support.shared import SHARED

HOSTILE = SHARED / "corpus" / "hostile"
FEEDS = SHARED / "corpus" / "feeds"
RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


def _config(*feeds: FeedConfig, timeout: float = 5, max_bytes: int = 10_000_000) -> Config:
    return Config(
        feeds=tuple(feeds),
        refresh=RefreshSettings(timeout=timeout, concurrency=8, max_bytes=max_bytes),
        path=Path("test-feeds.yaml"),
    )


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    return Library.open(tmp_path / "lib")


def _by_url(report) -> dict[str, FeedResult]:
    return {r.url: r for r in report.results}


def _feed_ids(lib: Library, source_name: str) -> set[str]:
    return {r.id for r in lib.rows() if r.source == source_name}


def test_200_then_304_parses_nothing(lib: Library) -> None:
    with FeedServer({"/f.xml": conditional(rss(3))}) as srv:
        cfg = _config(FeedConfig(srv.url("/f.xml"), "F", ("ai",)))
        seen: list[FeedResult] = []
        rep = refresh(lib, cfg, progress=seen.append)
        r = rep.results[0]
        assert (r.ok, r.status, r.entries_new, r.entries_total) == (True, "new", 3, 3)
        assert seen == rep.results
        assert len(_feed_ids(lib, "F")) == 3
        assert all("ai" in row.auto_tags for row in lib.rows())
        gen = lib.generation
        rep2 = refresh(lib, cfg)
        r2 = rep2.results[0]
        assert (r2.ok, r2.status, r2.entries_new, r2.entries_total) == (True, "not-modified", 0, 3)
        req = srv.requests_for("/f.xml")[-1]
        assert req.header("If-None-Match") == '"v1"'
        assert req.header("If-Modified-Since")
        assert "digest-tui" in (req.header("User-Agent") or "")
        assert lib.generation == gen  # nothing written to the content


def test_same_body_without_validators_is_skipped(lib: Library) -> None:
    with FeedServer({"/f.xml": (200, RSS_TYPE, rss(2))}) as srv:
        cfg = _config(FeedConfig(srv.url("/f.xml")))
        assert refresh(lib, cfg).results[0].status == "new"
        r = refresh(lib, cfg).results[0]
        assert (r.ok, r.status, r.entries_new) == (True, "unchanged", 0)


def test_errors_are_per_feed_and_others_are_stored(lib: Library) -> None:
    routes: dict[str, Response] = {
        "/ok.xml": (200, RSS_TYPE, rss(4)),
        "/404.xml": (404, {}, b"nope"),
        "/500.xml": (500, {}, b"boom"),
        "/html": (200, {"Content-Type": "text/html"}, b"<html><body>hi</body></html>"),
        "/loop": redirect("/loop"),
        "/hang": hang,
    }
    with FeedServer(routes) as srv:
        cfg = _config(*(FeedConfig(srv.url(p), p) for p in routes), timeout=1)
        rep = refresh(lib, cfg)
        res = {r.name: r for r in rep.results}
        assert res["/ok.xml"].ok and res["/ok.xml"].entries_new == 4
        assert "404" in (res["/404.xml"].error or "")
        assert "500" in (res["/500.xml"].error or "")
        assert "not a feed" in (res["/html"].error or "")
        assert "redirect" in (res["/loop"].error or "")
        assert "timed out" in (res["/hang"].error or "")
        assert rep.feeds_ok == 1 and rep.feeds_failed == 5
        assert len(lib) == 4
        status = {s.name: s for s in feed_status(lib, cfg)}
        assert status["/hang"].last_error and status["/hang"].last_fetch
        assert status["/hang"].last_success is None
        assert status["/ok.xml"].entry_count == 4 and status["/ok.xml"].last_error is None


def test_dns_failure_is_a_feed_error(lib: Library) -> None:
    cfg = _config(FeedConfig("http://nonexistent.invalid/feed.xml"), timeout=2)
    r = refresh(lib, cfg).results[0]
    assert not r.ok and r.status == "error" and r.error


def test_gzip_and_redirect_followed(lib: Library) -> None:
    with FeedServer({"/gz": gzipped(rss(5)), "/moved": redirect("/gz", 301)}) as srv:
        cfg = _config(FeedConfig(srv.url("/moved"), "G"))
        r = refresh(lib, cfg).results[0]
        assert r.ok and r.entries_new == 5
        assert "gzip" in (srv.requests_for("/gz")[0].header("Accept-Encoding") or "")


def test_body_larger_than_max_bytes_cut_and_reported(lib: Library) -> None:
    big = rss(400)
    with FeedServer({"/big": (200, RSS_TYPE, big)}) as srv:
        cfg = _config(FeedConfig(srv.url("/big"), "Big"), max_bytes=len(big) // 2)
        r = refresh(lib, cfg).results[0]
        assert not r.ok and "cut off" in (r.error or "")
        assert 0 < r.entries_new < 400  # what arrived was salvaged


def test_truncated_or_empty_response_loses_nothing(lib: Library) -> None:
    full = rss(10)
    with FeedServer({"/f": (200, RSS_TYPE, full)}) as srv:
        cfg = _config(FeedConfig(srv.url("/f"), "F"))
        refresh(lib, cfg)
        before = _feed_ids(lib, "F")
        lib.set_bookmarked([sorted(before)[0]])
        assert len(before) == 10
        for body in (full[: len(full) // 3], "", rss(2), "<rss"):
            srv.routes["/f"] = (200, RSS_TYPE, body)
            refresh(lib, cfg)
            assert _feed_ids(lib, "F") >= before
        assert lib.marks(sorted(before)[0]).bookmarked


def test_names_select_feeds(lib: Library) -> None:
    with FeedServer({"/a": (200, RSS_TYPE, rss(1)), "/b": (200, RSS_TYPE, rss(1))}) as srv:
        cfg = _config(FeedConfig(srv.url("/a"), "Alpha"), FeedConfig(srv.url("/b"), "Beta"))
        rep = refresh(lib, cfg, ["alpha"])
        assert [r.name for r in rep.results] == ["Alpha"]
        assert not srv.requests_for("/b")
        from store.errors import DigestError

        with pytest.raises(DigestError):
            refresh(lib, cfg, ["gamma"])


def test_hanging_feed_cut_off_while_others_stored(lib: Library) -> None:
    with FeedServer({"/hang": hang, "/ok": (200, RSS_TYPE, rss(3))}) as srv:
        cfg = _config(FeedConfig(srv.url("/hang")), FeedConfig(srv.url("/ok"), "Ok"), timeout=1)
        rep = refresh(lib, cfg)
        res = _by_url(rep)
        assert "timed out" in (res[srv.url("/hang")].error or "")
        assert res[srv.url("/ok")].entries_new == 3


def test_refresh_from_a_worker_thread(lib: Library) -> None:
    out: list = []
    with FeedServer({"/f": (200, RSS_TYPE, rss(2))}) as srv:
        cfg = _config(FeedConfig(srv.url("/f")))
        t = threading.Thread(target=lambda: out.append(refresh(lib, cfg)))
        t.start()
        t.join(60)
    assert out and out[0].entries_new == 2


def test_several_large_bodies_parsed_in_worker_processes(lib: Library) -> None:
    # above PARALLEL_MIN_BYTES in total: the process pool path
    big = (FEEDS / "rss-parser/many-links.rss").read_bytes()
    guardian = (FEEDS / "rss-parser/guardian.rss").read_bytes()
    atom = (FEEDS / "miniflux/large_atom.xml").read_bytes()
    routes: dict[str, Response] = {
        "/1": (200, {}, big),
        "/2": (200, {}, guardian),
        "/3": (200, {}, atom),
    }
    with FeedServer(routes) as srv:
        cfg = _config(*(FeedConfig(srv.url(p)) for p in routes))
        rep = refresh(lib, cfg)
    assert all(r.ok for r in rep.results), rep.results
    assert sorted(r.entries_new for r in rep.results) == [25, 25, 55]


def test_every_corpus_feed_ingests_or_stores_an_error(lib: Library) -> None:
    files = sorted(p for p in FEEDS.rglob("*") if p.is_file() and p.suffix != ".md")
    routes: dict[str, Response] = {f"/{i}": (200, {}, p.read_bytes()) for i, p in enumerate(files)}
    with FeedServer(routes) as srv:
        cfg = _config(*(FeedConfig(srv.url(p)) for p in routes))
        rep = refresh(lib, cfg)
        assert len(rep.results) == len(files)
        states = lib.feed_states()
        for r in rep.results:
            assert r.ok or states[r.url]["last_error"]
        assert sum(1 for r in rep.results if r.ok) >= len(files) - 5


def test_worker_job_gives_what_the_library_owner_would_compute(tmp_path: Path) -> None:
    """parse_job (run in a worker) against an independent reading of the same body.

    The oracle is the feed's XML read with the standard library (titles, item
    count) and the effect of what the worker hands over: its stored texts read
    back as the entries, its ``prepared`` tagging exactly as tagging from scratch.
    """
    import json
    import xml.etree.ElementTree as ET

    from bench import data as bench_data
    from store.config import default_topics
    from store.index.topics import tag_entries
    from store.index.vocabulary import merge_topics
    from store.sync.feed_job import parse_job

    body = next(iter(bench_data.feed_documents(5, 1, 12).values()))
    items = ET.fromstring(body).iter("item")
    titles = [(it.findtext("title") or "").strip() for it in items]
    channel_title = (ET.fromstring(body).findtext("channel/title") or "").strip()
    assert len(titles) == 12
    fc = FeedConfig(url="http://127.0.0.1:9/feed.xml", tags=("Space Weather",))
    topics = merge_topics(default_topics(), {"bench": ["story"]})
    res = parse_job(body, fc.url, {}, topics, fc, ("Old title", "label"))
    assert not isinstance(res, str), res
    assert res.name == channel_title  # no configured name: the feed's own title
    assert [e.title for e in res.entries] == titles
    assert len({e.id for e in res.entries}) == 12, "ids are not one per item"
    assert all(e.source.kind == "feed" and e.source.location == fc.url for e in res.entries)
    assert all("space-weather" in e.auto_tags for e in res.entries)  # the feed's tags
    again = parse_job(body, fc.url, {}, topics, fc, ("Old title", "label"))
    assert not isinstance(again, str) and [e.id for e in again.entries] == [
        e.id for e in res.entries
    ], "ids are not a function of the content"
    fc2 = FeedConfig(url="http://127.0.0.1:9/other.xml")
    other = parse_job(body, fc2.url, {}, topics, fc2, (None, "x"))
    assert not isinstance(other, str)
    # identity follows the item (its guid within its channel), not the URL it came from
    assert [e.id for e in other.entries] == [e.id for e in res.entries], "ids follow the URL"
    for e, text in zip(res.entries, res.texts, strict=True):
        record = json.loads(text)
        assert record["id"] == e.id and record["title"] == e.title
    assert res.doc.entries == () and res.doc.source_name == channel_title
    # the worker's prepare changes where tagging runs, never its result
    fresh = tag_entries(res.entries, Library.open(tmp_path / "a"), topics)
    worked = tag_entries(res.entries, Library.open(tmp_path / "b"), topics, res.prepared)
    assert [e.auto_tags for e in worked] == [e.auto_tags for e in fresh]
    assert any(len(e.auto_tags) > 1 for e in fresh)  # tagging found something to agree on
    assert isinstance(parse_job(b"not a feed", fc.url, {}, None, fc, (None, "x")), str)


def test_an_error_in_the_result_handler_is_raised_not_retried() -> None:
    """WorkerPool: a failure while merging a result (a library error, say) must reach
    the caller once, not make every feed be parsed again in this process."""
    from bench import data as bench_data
    from store.sync.feed_job import parse_job
    from store.sync.pool import WorkerPool

    docs = bench_data.feed_documents(6, 2, 200)  # > PARALLEL_MIN_BYTES: the pool path
    jobs: list[tuple[str, tuple[object, ...], int]] = []
    for path, body in docs.items():
        fc = FeedConfig(url="http://127.0.0.1:9" + path)
        jobs.append((fc.url, (body, fc.url, {}, None, fc, (None, "x")), len(body)))
    calls: list[str] = []

    def on_done(url: str, res: object) -> None:
        calls.append(url)
        raise RuntimeError("merge failed")

    pool = WorkerPool(parse_job, on_done, eager=False)
    try:
        with pytest.raises(RuntimeError, match="merge failed"):
            for url, args, size in jobs:
                pool.submit(url, args, size)
            pool.finish()
    finally:
        pool.close()
    assert len(calls) == 1


def test_a_pool_that_cannot_start_leaves_no_worker_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second worker fails to fork (EAGAIN): no pool, and the first worker must not
    outlive the call (an orphan kept the CLI from exiting)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from store.sync.pool import start_workers

    real = ProcessPoolExecutor._spawn_process  # type: ignore[attr-defined]
    calls: list[int] = []
    started: list[multiprocessing.Process] = []  # this test's workers only (not other tests')

    def flaky(self: ProcessPoolExecutor) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(11, "Resource temporarily unavailable")
        before = set(self._processes)  # type: ignore[attr-defined]
        real(self)
        started.extend(p for pid, p in self._processes.items() if pid not in before)  # type: ignore[attr-defined]

    monkeypatch.setattr(ProcessPoolExecutor, "_spawn_process", flaky)
    assert start_workers("fork") is None
    assert len(calls) == 2 and len(started) == 1
    started[0].join(10)
    assert not started[0].is_alive()


def test_fetch_all_stops_downloading_when_a_callback_fails() -> None:
    """An error while merging a result (or Ctrl-C) drops the queued requests
    instead of downloading every remaining feed before it surfaces."""
    from store.config import RefreshSettings
    from store.sync.fetch import FetchRequest, fetch_all

    paths = [f"/f{i}" for i in range(12)]
    with FeedServer({p: (200, {}, rss(1)) for p in paths}) as srv:
        reqs = [FetchRequest(srv.url(p)) for p in paths]

        def boom(_res: object) -> None:
            raise RuntimeError("merge failed")

        with pytest.raises(RuntimeError, match="merge failed"):
            fetch_all(reqs, RefreshSettings(timeout=10, concurrency=1), boom)
        assert len(srv.requests) < len(paths)
