"""A real HTTP server on 127.0.0.1 for tests: serve canned or computed responses.

Usage::

    with FeedServer({"/feed.xml": (200, {"Content-Type": "application/rss+xml"}, body)}) as srv:
        url = srv.url("/feed.xml")
        ...
        assert srv.requests_for("/feed.xml")[-1].headers.get("If-None-Match") == '"v1"'

A route is ``path -> Response`` where Response is either a tuple
``(status, headers, body)`` (body: bytes or str) or a callable
``handler(request: Request) -> (status, headers, body)``. Routes can be
changed while the server runs (``srv.routes[path] = ...``). Helpers below
build the common cases: conditional GET, a server that never answers, a
redirect loop, gzip. The server binds port 0 (a free port), runs in a daemon
thread, records every request, and on exit releases handlers that are
deliberately hanging.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Body = bytes | str
Triple = tuple[int, Mapping[str, str], Body]
Response = Triple | Callable[["Request"], Triple]


@dataclass(frozen=True)
class Request:
    """One request as the server saw it (header names as sent; lookups are case-blind)."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        low = name.lower()
        for k, v in self.headers.items():
            if k.lower() == low:
                return v
        return None


class FeedServer:
    """Threaded HTTP server on 127.0.0.1:0 serving ``routes``; a context manager."""

    def __init__(self, routes: Mapping[str, Response] | None = None) -> None:
        self.routes: dict[str, Response] = dict(routes or {})
        self.requests: list[Request] = []
        self.release = threading.Event()  # set on stop: hanging handlers return
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> FeedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?", 1)[0]
                req = Request("GET", self.path, {k: v for k, v in self.headers.items()})
                with server._lock:
                    server.requests.append(req)
                route = server.routes.get(path)
                status: int
                headers: Mapping[str, str]
                body: Body
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                else:
                    try:
                        status, headers, body = route(req) if callable(route) else route
                    except _Hang:
                        server.release.wait(30)
                        return
                data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
                try:
                    self.send_response(status)
                    lower = {k.lower() for k in headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    if "content-length" not in lower:
                        self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if status != 304:
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- queries ---------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]


class _Hang(Exception):
    """Raised by a handler to hold the connection open without answering."""


# -- ready-made responses ------------------------------------------------------


def hang(_req: Request) -> Triple:
    """A server that accepts the request and never answers (until the server stops)."""
    raise _Hang


def conditional(
    body: Body,
    *,
    etag: str = '"v1"',
    last_modified: str = "Mon, 06 Jan 2025 10:00:00 GMT",
    content_type: str = "application/rss+xml; charset=utf-8",
) -> Callable[[Request], Triple]:
    """200 with ETag/Last-Modified, then 304 whenever the client sends them back."""

    def handler(req: Request) -> Triple:
        if req.header("If-None-Match") == etag or req.header("If-Modified-Since") == last_modified:
            return 304, {"ETag": etag}, b""
        return (
            200,
            {"Content-Type": content_type, "ETag": etag, "Last-Modified": last_modified},
            body,
        )

    return handler


def gzipped(body: Body, content_type: str = "application/rss+xml") -> Triple:
    """A body sent with Content-Encoding: gzip."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return 200, {"Content-Type": content_type, "Content-Encoding": "gzip"}, gzip.compress(data)


def redirect(to: str, status: int = 302) -> Triple:
    return status, {"Location": to}, b""


def rss(items: int, *, title: str = "Test feed", prefix: str = "item", extra: str = "") -> str:
    """A small valid RSS 2.0 document with ``items`` items (guids prefix-N)."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://example.org/</link><description>d</description>",
    ]
    for i in range(items):
        parts.append(
            f"<item><title>{prefix} {i}</title><guid>{prefix}-{i}</guid>"
            f"<link>https://example.org/{prefix}/{i}</link>"
            f"<description>&lt;p&gt;Body of {prefix} {i}. Second sentence.&lt;/p&gt;</description>"
            f"<pubDate>Mon, 06 Jan 2025 10:{i % 60:02d}:00 GMT</pubDate>{extra}</item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts)
