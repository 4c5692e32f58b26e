"""Local digest files → :class:`store.models.ParsedDocument`.

``parse_document`` sniffs the *content* (the file name is only a hint) and hands
the text to one parser per format family. It is total: any input either parses
or raises :class:`ParseError`, never anything else, so ``ingest`` can report a
bad file in one line and go on.
"""

from __future__ import annotations

import re

from store.models import ParsedDocument
from store.parse.refusal import ParseError
from store.text import clean_text, decode_bytes, repaired_text

__all__ = ["MAX_BYTES", "ParseError", "looks_like_feed", "parse_document"]

MAX_BYTES = 20 * 1024 * 1024


_FEED_RE = re.compile(rb"<(?:[A-Za-z0-9_-]{1,20}:)?(?:rss|feed|RDF)[\s>/]")
_PROLOG_RE = re.compile(
    rb"\s*(?:<\?[^>]{0,2000}\?>|<!--.{0,4000}?-->|<!DOCTYPE[^>]{0,4000}>|\s)*", re.S
)


def looks_like_feed(data: bytes) -> bool:
    """Cheap sniff: does the document start (after BOM/prolog/comments) with a feed root?"""
    try:
        head = bytes(data[:8192])
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) > 3 and head[1:2] == b"\x00"):
            head = decode_bytes(head).encode("utf-8", "replace")
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        m = _PROLOG_RE.match(head)
        rest = head[m.end() if m else 0 :]
        return bool(_FEED_RE.match(rest[:200]))
    except Exception:
        return False


# controls other than \t \n \r \f, and U+FFFD (what undecodable bytes became)
_BINARY_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _looks_binary(data: bytes, text: str) -> bool:
    head = text[:8192]
    if not head:
        return False
    # findall of one character class: ~15x faster than str.translate with a
    # deletion table on non-ASCII text
    bad = len(_BINARY_RE.findall(head))
    return bad > max(len(head) * 0.1, 8) or (bad > 2 and bad > len(head) * 0.3)


def parse_document(data: bytes, *, name: str, mtime: float | None = None) -> ParsedDocument:
    """Parse a local file's bytes; raise :class:`ParseError` for refused input only."""
    try:
        if data is None:
            raise ParseError("empty")
        if len(data) > MAX_BYTES:
            raise ParseError(f"too large ({len(data)} bytes; limit {MAX_BYTES})")
        data = bytes(data)
        if not data.strip() or data in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
            raise ParseError("empty")
        text = decode_bytes(data)
        if not text.strip("\ufeff \t\r\n\x00"):
            raise ParseError("empty")
        if _looks_binary(data, text):
            raise ParseError("not a text document (binary data)")
        text = clean_text(text).replace("\t", "    ")
        if not text.strip():
            raise ParseError("empty")
        from store.parse.detect import dispatch

        with repaired_text():
            doc = dispatch(text, name=name or "", mtime=mtime)
        if not doc.entries:
            raise ParseError("no entries found")
        return doc
    except ParseError:
        raise
    except RecursionError as exc:  # pragma: no cover - parsers are iterative
        raise ParseError("document too deeply nested") from exc
    except Exception as exc:
        raise ParseError(f"could not parse: {type(exc).__name__}: {exc}"[:300]) from exc
