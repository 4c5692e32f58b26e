"""The TLS context of the feed client, its trust store loaded at the first TLS connection.

httpx builds ``ssl.create_default_context(cafile=certifi.where())`` when a
client is made, and loading that bundle (~150 certificates) took 40-50 ms,
0.12-0.16 s while the parse workers warmed up on both cores: every refresh
paid it before its first request, though a refresh of plain-http feeds (a
local server, many self-hosted feeds, every 304) never does a handshake.
:class:`LazyTrustContext` is the same context (same protocol, options,
verification and hostname check: ``create_default_context`` with a ``cafile``
is ``SSLContext(PROTOCOL_TLS_CLIENT)`` plus ``load_verify_locations``) whose
bundle is loaded, once and under a lock, by the first ``wrap_socket`` or
``wrap_bio``, the two ways httpcore starts TLS. Nothing is ever verified
against an empty store: a handshake cannot begin before the load returns.
"""

from __future__ import annotations

import ssl
import threading
from typing import Any


class LazyTrustContext(ssl.SSLContext):
    """An ``SSLContext`` verifying against certifi's bundle, loaded when first needed."""

    # ``SSLContext.__new__`` takes the protocol; attributes are set after it
    _lock: threading.Lock
    _loaded: bool

    @classmethod
    def client(cls) -> LazyTrustContext:
        """A client context: certificates and host names verified, bundle not loaded yet."""
        ctx = cls(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED and check_hostname, as the default
        ctx._lock = threading.Lock()
        ctx._loaded = False
        return ctx

    @property
    def loaded(self) -> bool:
        """Whether the trust store is loaded (the first TLS connection loads it)."""
        return self._loaded

    def load_trust(self) -> None:
        """Load certifi's bundle into this context, once (any thread)."""
        if self._loaded:
            return
        with self._lock:
            if not self._loaded:
                import certifi  # httpx's own dependency: the bundle httpx would load

                self.load_verify_locations(cafile=certifi.where())
                self._loaded = True

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        self.load_trust()
        return super().wrap_socket(*args, **kwargs)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        self.load_trust()
        return super().wrap_bio(*args, **kwargs)
