"""The feed client's TLS context: httpx's default trust, loaded at the first TLS connection."""

from __future__ import annotations

import socket
import ssl
import threading

import certifi

from store.config import RefreshSettings
from store.sync.fetch import make_client
from store.sync.tls import LazyTrustContext


def _default() -> ssl.SSLContext:
    """What httpx builds itself for ``verify=True`` (without SSL_CERT_FILE)."""
    return ssl.create_default_context(cafile=certifi.where())


def test_the_client_uses_it_and_a_plain_http_client_loads_nothing() -> None:
    client = make_client(RefreshSettings())
    try:
        ctx = client._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert isinstance(ctx, LazyTrustContext)
        assert not ctx.loaded
        assert ctx.cert_store_stats()["x509_ca"] == 0
    finally:
        client.close()


def test_it_verifies_as_the_default_context_does() -> None:
    ctx, default = LazyTrustContext.client(), _default()
    assert ctx.verify_mode is ssl.CERT_REQUIRED and ctx.check_hostname
    assert (ctx.protocol, ctx.options, ctx.verify_flags) == (
        default.protocol,
        default.options,
        default.verify_flags,
    )
    assert (ctx.minimum_version, ctx.maximum_version) == (
        default.minimum_version,
        default.maximum_version,
    )


def test_the_first_wrap_loads_the_bundle_before_any_handshake() -> None:
    ctx = LazyTrustContext.client()
    a, b = socket.socketpair()
    try:
        wrapped = ctx.wrap_socket(a, server_hostname="example.org", do_handshake_on_connect=False)
        assert ctx.loaded
        assert ctx.cert_store_stats() == _default().cert_store_stats()
        assert ctx.get_ca_certs() == _default().get_ca_certs()
        wrapped.close()
    finally:
        a.close()
        b.close()
    bio = LazyTrustContext.client()
    bio.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="example.org")
    assert bio.loaded and bio.cert_store_stats()["x509_ca"] > 0


def test_threads_wrapping_at_once_load_it_once() -> None:
    ctx = LazyTrustContext.client()
    loads = []
    real = ctx.load_verify_locations

    def counted(*args: object, **kwargs: object) -> None:
        loads.append(1)
        real(*args, **kwargs)  # type: ignore[arg-type]

    ctx.load_verify_locations = counted  # type: ignore[method-assign]
    start = threading.Barrier(4)

    def wrap() -> None:
        start.wait()
        ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="example.org")

    threads = [threading.Thread(target=wrap) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert loads == [1]
    assert ctx.cert_store_stats() == _default().cert_store_stats()
