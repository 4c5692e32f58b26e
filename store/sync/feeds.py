"""The configured feeds: refresh (fetch, parse what changed, derive, commit once) and status.

The pipeline, one feed at a time as its response arrives:

1. fetch (``store.sync.fetch``, in threads): conditional GET with the stored
   validators;
2. skip what did not change (HTTP 304, or a body whose hash equals the last
   one) and record failures;
3. parse the rest (``store.sync.feed_job`` in the worker pool, or here);
4. derive: each feed's new state and result, and its entries, tagged in chunks
   while the workers parse the rest;
5. commit: the last tags, the entries, the word index and every feed state in
   one library write session.

A failing feed is a result with an error, never an exception; the library
only ever gains or updates entries, so an empty or truncated response loses
nothing. Per-feed fetch state (validators, body hash, errors, counts) lives in
the library's feed table, keyed by URL; ``feed_status`` reads it back.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from store.config import Config, FeedConfig, default_topics
from store.errors import DigestError
from store.index.vocabulary import merge_topics
from store.models import short_hash
from store.storage.library import Library
from store.sync.batch import EntryBatch
from store.sync.entries import feed_name
from store.sync.fetch import FetchRequest, FetchResult, fetch_all
from store.sync.ingest import IngestReport, ingest_paths

if TYPE_CHECKING:
    from store.sync.batch import FeedParse
    from store.sync.pool import WorkerPool

__all__ = [
    "FeedResult",
    "FeedStatus",
    "RefreshReport",
    "feed_status",
    "refresh",
    "select_feeds",
]

TAG_CHUNK = 1000  # entries tagged at a time while parsing goes on (one index segment each)


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What refresh did to one feed, reported as soon as that feed is done.

    ``status``: "new" (parsed), "unchanged" (same body as last time, not
    parsed), "not-modified" (HTTP 304), "error". An error may still come with
    salvaged entries (a truncated body): ``ok`` is False and ``entries_new``
    counts what was saved.
    """

    name: str
    url: str
    ok: bool
    status: str
    error: str | None
    entries_new: int
    entries_total: int
    warning: str | None = None


@dataclass
class RefreshReport:
    """All feeds' results plus the local paths' ingest report."""

    results: list[FeedResult]
    entries_new: int
    ingest: IngestReport | None = None  # when config paths were ingested

    @property
    def feeds_ok(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def feeds_failed(self) -> int:
        return sum(1 for r in self.results if not r.ok)


def refresh(
    lib: Library,
    config: Config,
    names: Sequence[str] | None = None,
    progress: Callable[[FeedResult], None] | None = None,
    defer: bool = False,
) -> RefreshReport:
    """Fetch, parse and store the configured feeds (all, or those named).

    Callable from any thread: network work runs in a thread pool, parsing in
    worker processes or this thread, and ``progress`` is called in *this*
    thread as each feed finishes. Entries are saved in one batch; nothing
    stored is ever deleted. Local ``paths:`` are ingested too when no names
    are given. ``defer``: entries are stored readable-first and their tags and
    word index are left in the journal for ``store.sync.derive.derive_pending``.
    """
    states = lib.feed_states()
    run = _Refresh(lib, config, select_feeds(config, names, states), states, progress)
    run.batch.defer = defer
    run.fetch_and_parse()
    run.commit()
    report = RefreshReport(run.results, sum(r.entries_new for r in run.results))
    if not names and config.paths:
        report.ingest = ingest_paths(
            lib, [str(p) for p in config.paths], topics=config.topics, defer=defer
        )
        report.entries_new += report.ingest.entries_new
    return report


class _Refresh:
    """One refresh run: the feeds asked for, what the library knew of them before,
    and what this run gathers (results, new feed states, entries) for one commit."""

    def __init__(
        self,
        lib: Library,
        config: Config,
        feeds: list[FeedConfig],
        states: dict[str, dict[str, Any]],
        progress: Callable[[FeedResult], None] | None,
    ) -> None:
        self.lib = lib
        self.config = config
        self.by_url = {f.url: f for f in feeds}
        self.states = states
        self.progress = progress
        self.now = datetime.now(UTC).replace(microsecond=0).isoformat()
        self.vocab = merge_topics(default_topics(), config.topics)
        self.batch = EntryBatch(lib, self.vocab)
        self.results: list[FeedResult] = []
        self.new_states: dict[str, dict[str, Any]] = {}
        self.fetched: dict[str, FetchResult] = {}
        # each body's hash, taken once (a url is fetched once a refresh): compared
        # on arrival, stored once parsed (twice over 37 MB of feeds was 0.07 s)
        self.sums: dict[str, str] = {}
        self.pool: WorkerPool[FeedParse | str] | None = None
        # bodies parsed whole (no item memory): their entries may be many (see warm_for_commit)
        self.whole_bodies = 0

    def old(self, fc: FeedConfig) -> dict[str, Any]:
        return self.states.get(fc.url) or {}

    # -- fetch → parse ---------------------------------------------------------
    def fetch_and_parse(self) -> None:
        """Fetch every feed; parse each changed body as it arrives."""
        reqs = []
        for fc in self.by_url.values():
            old = self.old(fc)
            same_cfg = old.get("cfg") == _cfg_hash(fc)
            reqs.append(
                FetchRequest(
                    fc.url,
                    etag=old.get("etag") if same_cfg else None,
                    last_modified=old.get("last_modified") if same_cfg else None,
                )
            )
        eager = self.fork_early() and threading.active_count() == 1 and os.name == "posix"
        on_idle = self.early_parser().poll if eager else None
        try:
            fetch_all(reqs, self.config.refresh, self.arrived, on_idle=on_idle)
            if self.pool is not None:
                self.pool.finish(meanwhile=None if self.batch.defer else self.warm_for_commit)
        finally:
            if self.pool is not None:
                self.pool.close()

    def fork_early(self) -> bool:
        """Whether bodies for the workers are likely, so they are forked up front.

        Feeds never stored before (two or more); or feeds whose last fetch
        brought a body to parse (a daily refresh: new items on top of known
        ones), two or more, whose bodies then came to enough bytes that the
        workers would parse them (``pool.PARALLEL_MIN_BYTES``). A refresh of
        feeds that were 304s and unchanged bodies, or of small feeds, does not
        pay for the fork: its pool stays lazy (``parser``).
        """
        olds = [self.old(fc) for fc in self.by_url.values()]
        if sum(1 for old in olds if not old.get("sha256")) >= 2:
            return True
        again = [old for old in olds if old.get("status") == "new"]
        if len(again) < 2:
            return False
        from store.sync.pool import PARALLEL_MIN_BYTES

        return sum(int(old.get("bytes") or 0) for old in again) >= PARALLEL_MIN_BYTES

    def parser(self) -> WorkerPool[FeedParse | str]:
        """The parse pool, made for the first body to parse (when not made up front).

        Imported here, not at the top: a refresh of 304s and unchanged bodies
        never loads the parsers and the process pool (~40 ms of a 0.6 s run).
        The vocabulary is compiled before the workers are forked (in
        ``finish``), unless the run stores readable-first (its workers do not
        tag): compiled in each worker instead, it cost each ~0.6 s of a daily
        refresh (wordfreq's table loaded three times, before its English
        table was read without wordfreq).
        """
        if self.pool is None:
            from store.sync.feed_job import warm_for_fork
            from store.sync.pool import WorkerPool

            if not self.batch.defer:
                warm_for_fork(self.vocab)
            self.pool = WorkerPool(_parse_job, self.parsed, eager=False)
        return self.pool

    def early_parser(self) -> WorkerPool[FeedParse | str]:
        """The parse pool forked now, before any fetch thread.

        The parsers are not imported here first: a daily refresh spent ~0.25 s
        importing them and compiling the vocabulary before it forked, and the
        workers then parsed only after the last body arrived. Now each body is
        parsed as it arrives, and each worker imports the parsers and compiles
        the vocabulary as it starts (``_warm_worker``, on both cores, while this
        process still fetches), not with its first job, which waits for the first
        body (daily refresh, interleaved medians of 10 and 12 runs: 2-3 % faster;
        a refresh finding every body unchanged, which closes the pool after its
        fetch: the same 0.59-0.60 s). This process imports the parsers only if it
        parses itself (a pool that broke).
        """
        from store.sync.pool import WorkerPool

        warm = functools.partial(_warm_worker, None if self.batch.defer else self.vocab)
        self.pool = WorkerPool(_parse_job, self.parsed, eager=True, warm=warm)
        return self.pool

    def arrived(self, fr: FetchResult) -> None:
        """One response: a 304, the same body again or a failure end the feed here;
        a changed body goes to the parser."""
        fc = self.by_url[fr.url]
        self.fetched[fr.url] = fr
        old = self.old(fc)
        same_cfg = old.get("cfg") == _cfg_hash(fc)
        if fr.not_modified and same_cfg:
            self.kept(fc, "not-modified", 304)
        elif fr.body is None:
            if fr.not_modified:  # config changed but server says 304: refetch next time
                self.fail(fc, "not modified, but the feed's settings changed: refresh again")
            else:
                self.fail(fc, fr.error or "no response", fr.status)
        elif not fr.truncated and same_cfg and old.get("sha256") == self._sum(fr):
            self.kept(fc, "unchanged", fr.status, fr)
        else:
            base = fr.final_url or fr.url
            # the item memory holds only while what shapes every entry stands
            memory = old.get("items") if same_cfg and old.get("items_from") == base else None
            self.whole_bodies += memory is None
            title = (old.get("title"), fc.label)
            args = (fr.body, base, fr.headers, self.vocab, fc, title, memory, not self.batch.defer)
            self.parser().submit(fr.url, args, len(fr.body))

    def _sum(self, fr: FetchResult) -> str:
        got = self.sums.get(fr.url)
        if got is None:
            got = self.sums[fr.url] = fr.sha256 or _sha256(fr.body or b"")
        return got

    def warm_for_commit(self) -> None:
        """What the commit needs, readied while the workers parse: tagging's
        modules and the vocabulary it compiles (neither loaded before an early
        fork) and, when some body is parsed whole (a first fetch: its entries
        may be thousands), the word index's numpy (~0.08 s to import, a
        twentieth of a daily refresh when it came after the parse). A refresh
        whose every body has an item memory (a daily one: a few new items a
        feed) inverts its few entries' keys without numpy (``invert_packed``),
        and does not import it at all: 0.08-0.15 s of a core the workers use.
        The library's write lock too: filelock is imported by the first write
        (``store.storage.writelock``), which was the commit's, ~15 ms on one core."""
        import filelock  # noqa: F401 (its imports, here)

        from store.index.topics import tag_entries  # noqa: F401 (its imports, here)
        from store.index.vocabulary import vocabulary_for
        from store.index.wordwrite import warm

        vocabulary_for(self.vocab)
        if self.whole_bodies:
            warm()

    # -- derive ----------------------------------------------------------------
    def parsed(self, url: str, res: FeedParse | str) -> None:
        """One body parsed (or the parse error): its entries join the batch."""
        fc = self.by_url[url]
        fr = self.fetched[url]
        if isinstance(res, str):
            self.fail(fc, f"{fr.error}; {res}" if fr.error else res, fr.status)
            return
        new = self.batch.add(res.entries, res.texts, res.prepared)
        if self.batch.pending_untagged >= TAG_CHUNK:
            self.batch.tag()
        st = self.base_state(fc)
        total = int(st.get("entry_count") or 0) + new
        warning = res.doc.warnings[0] if res.doc.warnings else None
        st.update(title=res.doc.source_name, entry_count=total, http_status=fr.status)
        if fr.error:  # truncated: keep what was salvaged, report the error, re-fetch next time
            # a salvaged item may have overwritten its entry: the memory no longer holds
            st.update(last_error=fr.error, status="error", warning=warning, items=None)
            result = FeedResult(res.name, url, False, "error", fr.error, new, total, warning)
            self.finish(result, st)
            return
        st.update(
            last_success=self.now,
            last_error=None,
            status="new",
            warning=warning,
            sha256=self._sum(fr),
            bytes=len(fr.body or b""),  # what ``fork_early`` weighs next time
            cfg=_cfg_hash(fc),
            items=res.items,
            items_from=fr.final_url or fr.url,
        )
        _keep_validators(st, fr)
        self.finish(FeedResult(res.name, url, True, "new", None, new, total, warning), st)

    def base_state(self, fc: FeedConfig) -> dict[str, Any]:
        st = dict(self.old(fc))
        st.update(url=fc.url, last_fetch=self.now)
        if fc.name:
            st["name"] = fc.name
        return st

    def name_of(self, fc: FeedConfig) -> str:
        return feed_name(fc, None, self.old(fc).get("title"), fc.label)

    def kept(
        self, fc: FeedConfig, status: str, http_status: int | None, fr: FetchResult | None = None
    ) -> None:
        """Nothing new to parse: the feed is ok and its stored entries stand."""
        st = self.base_state(fc)
        st.update(last_success=self.now, last_error=None, status=status, http_status=http_status)
        if fr is not None:
            _keep_validators(st, fr)
        total = int(st.get("entry_count") or 0)
        self.finish(FeedResult(self.name_of(fc), fc.url, True, status, None, 0, total), st)

    def fail(self, fc: FeedConfig, error: str, http_status: int | None = None) -> None:
        st = self.base_state(fc)
        st.update(last_error=error, status="error", http_status=http_status)
        total = int(st.get("entry_count") or 0)
        self.finish(FeedResult(self.name_of(fc), fc.url, False, "error", error, 0, total), st)

    def finish(self, result: FeedResult, state: dict[str, Any]) -> None:
        self.results.append(result)
        self.new_states[result.url] = state
        if self.progress is not None:
            # a broken progress display must not break the refresh
            with contextlib.suppress(Exception):
                self.progress(result)

    # -- commit ----------------------------------------------------------------
    def commit(self) -> None:
        """The last tags, the entries, their word index and the feed states, in one
        write session (earlier chunks were tagged and indexed while parsing)."""
        if not (self.new_states or self.batch.pending):
            return  # nothing was asked for: not even the lock is taken
        with self.lib.writing():
            self.batch.save()
            if self.new_states:
                # Pass every stored state, not only the changed ones: Library.save_feed_states
                # (TinyDB 4.9 insert_multiple mixing Documents and plain dicts) can give a
                # kept Document and a new dict the same doc id, losing the other feeds' state.
                self.lib.save_feed_states({**self.lib.feed_states(), **self.new_states})


def _warm_worker(topics: Mapping[str, Sequence[str]] | None) -> None:
    """A worker's warm-up as it starts: the parsers' imports and, when it will
    prepare tagging (``topics`` given), the compiled vocabulary its jobs then find cached."""
    import store.sync.feed_job  # noqa: F401 (its imports, here)
    from store.index.vocabulary import vocabulary_for

    if topics is not None:
        vocabulary_for(topics)


def _parse_job(*args: Any) -> FeedParse | str:
    """``feed_job.parse_job``, named from this module: a worker pool made before
    the parsers are imported can be handed it (a job goes by its module's name)."""
    from store.sync.feed_job import parse_job

    return parse_job(*args)


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _keep_validators(state: dict[str, Any], fr: FetchResult) -> None:
    """Store the validators the server sent now (a server that stopped sending one loses it)."""
    state["etag"] = fr.etag
    state["last_modified"] = fr.last_modified


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A feed as `digest-tui feeds` and the UI show it."""

    name: str
    url: str
    tags: tuple[str, ...]
    title: str | None
    last_fetch: str | None
    last_success: str | None
    last_error: str | None
    entry_count: int
    status: str | None


def feed_status(lib: Library, config: Config) -> list[FeedStatus]:
    """Every configured feed with its last fetch, last success, entry count and error."""
    states = lib.feed_states()
    out: list[FeedStatus] = []
    for fc in config.feeds:
        st = states.get(fc.url) or {}
        out.append(
            FeedStatus(
                name=fc.name or st.get("title") or fc.label,
                url=fc.url,
                tags=fc.tags,
                title=st.get("title"),
                last_fetch=st.get("last_fetch"),
                last_success=st.get("last_success"),
                last_error=st.get("last_error"),
                entry_count=int(st.get("entry_count") or 0),
                status=st.get("status"),
            )
        )
    return out


def _cfg_hash(fc: FeedConfig) -> str:
    """Changes when what we add to entries (name, tags) changes: then re-parse."""
    return short_hash(fc.url, fc.name or "", *fc.tags)


def select_feeds(
    config: Config, names: Sequence[str] | None, states: dict[str, Any]
) -> list[FeedConfig]:
    """The configured feeds matching NAMEs (name, stored title, host or URL; any case)."""
    if not names:
        return list(config.feeds)
    chosen: list[FeedConfig] = []
    missing: list[str] = []
    for n in names:
        key = n.strip().casefold()
        hits = [
            f
            for f in config.feeds
            if key
            in {
                (f.name or "").casefold(),
                f.label.casefold(),
                f.url.casefold(),
                str((states.get(f.url) or {}).get("title") or "").casefold(),
            }
        ]
        if not hits:
            missing.append(n)
        chosen += [h for h in hits if h not in chosen]
    if missing:
        raise DigestError(
            f"no feed named {', '.join(repr(m) for m in missing)} in {config.path} "
            "(see `digest-tui feeds`)"
        )
    return chosen
