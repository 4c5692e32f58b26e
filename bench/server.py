"""A local feed server on 127.0.0.1 with switchable conditional-GET behaviour.

Modes:

* ``plain`` — 200 with the body every time, no ``ETag`` / ``Last-Modified``
  header, so a client cannot ask for a 304 (the "same bytes again" case);
* ``conditional`` — sends ``ETag`` and ``Last-Modified`` and answers 304 when
  ``If-None-Match`` or ``If-Modified-Since`` matches (the "all 304" case).
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from bench.data import BASE_TIME


class FeedServer:
    """Serve ``{path: bytes}`` from a daemon thread; use as a context manager."""

    def __init__(self, docs: dict[str, bytes], mode: str = "plain", port: int = 0) -> None:
        self.docs = dict(docs)
        self.mode = mode
        self.counts: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def set_docs(self, docs: dict[str, bytes]) -> None:
        self.docs = dict(docs)

    def reset_counts(self) -> None:
        with self._lock:
            self.counts.clear()

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _count(self, status: int) -> None:
        with self._lock:
            self.counts[status] += 1

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self
        last_modified = format_datetime(BASE_TIME, usegmt=True)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            etags: ClassVar[dict[str, str]] = {}

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                body = server.docs.get(self.path.split("?", 1)[0])
                if body is None:
                    server._count(404)
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if server.mode == "conditional":
                    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    inm = self.headers.get("If-None-Match")
                    ims = self.headers.get("If-Modified-Since")
                    fresh = inm is not None and etag in [t.strip() for t in inm.split(",")]
                    if not fresh and inm is None and ims:
                        try:
                            fresh = parsedate_to_datetime(ims) >= BASE_TIME
                        except (TypeError, ValueError):
                            fresh = False
                    if fresh:
                        server._count(304)
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.send_header("Last-Modified", last_modified)
                        self.end_headers()
                        return
                server._count(200)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                if server.mode == "conditional":
                    self.send_header("ETag", '"' + hashlib.sha1(body).hexdigest()[:16] + '"')
                    self.send_header("Last-Modified", last_modified)
                self.end_headers()
                self.wfile.write(body)

        return Handler
