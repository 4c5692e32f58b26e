"""Fetching feed bodies: one HTTP client, bounded in time, size and fan-out.

feedparser's own fetching has no timeout and is going away, so bytes are
fetched here and only handed to the parser afterwards. Every request is
bounded: a connect/read timeout plus a deadline for the whole body (a server
that trickles one byte at a time is cut off too), a redirect limit, and a
size cap applied to the *decoded* body (so a gzip bomb stops at ``max_bytes``
as well). Nothing here raises for a network problem: failures come back as a
:class:`FetchResult` with ``error`` set, because one broken feed must never
stop the others.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import httpx

from store.config import RefreshSettings
from store.sync.tls import LazyTrustContext

MAX_REDIRECTS = 5
PER_HOST = 2  # requests in flight to one host, whatever the concurrency
IDLE_POLL = 0.05  # seconds between on_idle calls while requests are out
CHUNK = 64 * 1024


def user_agent() -> str:
    """Names the app (and where to find it) so feed owners can tell who we are."""
    from store import __version__

    return f"digest-tui/{__version__} (terminal feed reader; +https://pypi.org/project/digest-tui/)"


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """What to fetch, with the validators from the last good fetch."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one request. ``body`` is None for 304s and errors."""

    url: str
    final_url: str
    status: int | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    not_modified: bool = False
    truncated: bool = False  # body cut off at max_bytes
    error: str | None = None
    # the body's sha256, taken in the fetch thread (hashlib lets go of the GIL
    # there: 37 MB of a daily refresh's feeds no longer hashed in the thread
    # that parses results and saves); None: the caller hashes
    sha256: str | None = None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def make_client(settings: RefreshSettings) -> httpx.Client:
    """An httpx client with the app's limits; thread-safe, share it across workers."""
    t = float(settings.timeout)
    return httpx.Client(
        verify=LazyTrustContext.client(),  # certifi's bundle, loaded by the first https request
        timeout=httpx.Timeout(t, connect=t, read=t, write=t, pool=max(t, 1.0) * 4),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        limits=httpx.Limits(
            max_connections=max(1, settings.concurrency),
            max_keepalive_connections=max(1, settings.concurrency),
        ),
        headers={
            "User-Agent": user_agent(),
            "Accept": "application/rss+xml, application/atom+xml, application/rdf+xml, "
            "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        },
        trust_env=False,  # no proxy/netrc surprises; a feed reader talks to the feed
    )


def _describe(exc: BaseException, timeout: float) -> str:
    """One readable line for a network failure."""
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (more than {MAX_REDIRECTS})"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"unsupported URL or redirect target ({exc})"
    if isinstance(exc, httpx.ConnectError):
        msg = str(exc) or "connection failed"
        if "Name or service not known" in msg or "nodename nor servname" in msg:
            return "host not found (DNS)"
        if "getaddrinfo" in msg or "Temporary failure in name resolution" in msg:
            return "host not found (DNS or no network)"
        return f"cannot connect: {msg}"
    if isinstance(exc, httpx.DecodingError):
        return "the response's compressed data is damaged"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke the HTTP protocol ({exc})"
    if isinstance(exc, httpx.HTTPError):
        return f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__
    return f"{exc.__class__.__name__}: {exc}"


def fetch_file(req: FetchRequest, max_bytes: int) -> FetchResult:
    """A file:// feed: read at most max_bytes (+1 to tell a cut-off)."""
    parts = urlsplit(req.url)
    path = Path(url2pathname(unquote(parts.path)))
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        return FetchResult(req.url, req.url, error=f"cannot read {path}: {exc.strerror or exc}")
    truncated = len(data) > max_bytes
    return FetchResult(
        req.url,
        req.url,
        status=200,
        body=data[:max_bytes],
        truncated=truncated,
        error=f"larger than {max_bytes} bytes: cut off" if truncated else None,
    )


def fetch_one(client: httpx.Client, req: FetchRequest, settings: RefreshSettings) -> FetchResult:
    """GET one URL with conditional headers; never raises for network trouble."""
    if urlsplit(req.url).scheme.lower() == "file":
        return fetch_file(req, settings.max_bytes)
    headers: dict[str, str] = {}
    if req.etag:
        headers["If-None-Match"] = req.etag
    if req.last_modified:
        headers["If-Modified-Since"] = req.last_modified
    timeout = float(settings.timeout)
    deadline = time.monotonic() + timeout
    try:
        with client.stream("GET", req.url, headers=headers) as resp:
            final = str(resp.url)
            hdrs = {k.lower(): v for k, v in resp.headers.items()}
            if resp.status_code == 304:
                return FetchResult(req.url, final, 304, None, hdrs, not_modified=True)
            if resp.status_code >= 400:
                reason = resp.reason_phrase or ""
                return FetchResult(
                    req.url, final, resp.status_code, None, hdrs,
                    error=f"HTTP {resp.status_code} {reason}".strip(),
                )  # fmt: skip
            if resp.status_code >= 300:
                return FetchResult(
                    req.url, final, resp.status_code, None, hdrs,
                    error=f"HTTP {resp.status_code}: redirect without a usable Location",
                )  # fmt: skip
            chunks: list[bytes] = []
            size = 0
            truncated = False
            for chunk in resp.iter_bytes(CHUNK):
                chunks.append(chunk)
                size += len(chunk)
                if size > settings.max_bytes:
                    truncated = True
                    break
                if time.monotonic() > deadline:
                    return FetchResult(
                        req.url, final, resp.status_code, None, hdrs,
                        error=f"timed out after {timeout:g} s (body still arriving)",
                    )  # fmt: skip
            body = b"".join(chunks)[: settings.max_bytes]
            return FetchResult(
                req.url,
                final,
                resp.status_code,
                body,
                hdrs,
                truncated=truncated,
                error=f"larger than {settings.max_bytes} bytes: cut off" if truncated else None,
                sha256=hashlib.sha256(body).hexdigest(),
            )
    except Exception as exc:  # network, protocol, decoding: all become data
        return FetchResult(req.url, req.url, error=_describe(exc, timeout))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _interleave(reqs: Sequence[FetchRequest]) -> list[FetchRequest]:
    """Round-robin over hosts, so workers do not all queue behind one host's limit."""
    by_host: dict[str, list[FetchRequest]] = {}
    for r in reqs:
        by_host.setdefault(_host(r.url), []).append(r)
    out: list[FetchRequest] = []
    queues = list(by_host.values())
    i = 0
    while len(out) < len(reqs):
        q = queues[i % len(queues)]
        if q:
            out.append(q.pop(0))
        i += 1
    return out


def fetch_all(
    reqs: Sequence[FetchRequest],
    settings: RefreshSettings,
    on_result: Callable[[FetchResult], None] | None = None,
    *,
    client: httpx.Client | None = None,
    on_idle: Callable[[], None] | None = None,
) -> dict[str, FetchResult]:
    """Fetch many URLs in worker threads: ``concurrency`` overall, PER_HOST per host.

    Safe to call from any thread (no signals, no event loop). ``on_result`` is
    called in the calling thread as each request finishes, and ``on_idle``
    every IDLE_POLL seconds while requests are still out (refresh merges the
    feeds parsed meanwhile).
    """
    results: dict[str, FetchResult] = {}
    if not reqs:
        return results
    own = client is None
    cl = client or make_client(settings)
    host_locks: dict[str, threading.Semaphore] = {}
    guard = threading.Lock()

    def run(req: FetchRequest) -> FetchResult:
        host = _host(req.url)
        with guard:
            sem = host_locks.setdefault(host, threading.Semaphore(PER_HOST))
        with sem:
            try:
                return fetch_one(cl, req, settings)
            except Exception as exc:  # belt and braces: a bug here is one feed's error
                return FetchResult(req.url, req.url, error=f"internal error: {exc!r}")

    try:
        workers = max(1, min(settings.concurrency, len(reqs)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="digest-fetch") as pool:
            futures = {pool.submit(run, r): r for r in _interleave(reqs)}
            pending = set(futures)
            try:
                while pending:
                    done, pending = wait(
                        pending, timeout=IDLE_POLL if on_idle else None, return_when=FIRST_COMPLETED
                    )
                    for fut in done:
                        res = fut.result()
                        results[futures[fut].url] = res
                        if on_result is not None:
                            on_result(res)
                    if on_idle is not None:
                        on_idle()
            except BaseException:
                # a callback failed or Ctrl-C: drop the queued requests and cut
                # the ones in flight short instead of downloading everything first
                for fut in pending:
                    fut.cancel()
                if own:
                    cl.close()
                raise
    finally:
        if own:
            cl.close()
    return results
