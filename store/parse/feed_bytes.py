"""A feed's bytes as they came → clean UTF-8 XML that feedparser (or feedfast) can read.

Before a parser sees a document we decode it ourselves (``store.text.decode_bytes``
in markup mode: BOM, valid UTF-8, declared charset, then a guess), drop the
DOCTYPE and every entity declaration (feedparser does not stop a flat entity
referenced thousands of times from becoming a 40-million-character field),
remove character references that make it raise and terminal escapes, and hand
it clean UTF-8 with a declaration that says so.
"""

from __future__ import annotations

import re
import zlib

from store.parse import ParseError
from store.text import decode_bytes, strip_escapes

__all__ = ["MAX_FEED_BYTES", "prepare_xml"]

MAX_FEED_BYTES = 20_000_000  # parse_feed_bytes' own cap (refresh caps at max_bytes first)

_DECL_RE = re.compile(r"^\s*<\?xml[^>]{0,500}\?>", re.I)
_DECL_ENC_RE = re.compile(
    rb"^\s*<\?xml[^>]{0,500}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']"
)
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.I)
_ENTITY_DECL_RE = re.compile(r"<!ENTITY[^>]{0,100000}>?", re.I)
_DOCTYPE_LEFT_RE = re.compile(r"<!DOCTYPE[^>\[]{0,2000}(?:\[[^\]]{0,200000}\]?)?\s*>?", re.I)
_CHARREF_RE = re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,16})|([0-9]{1,20}));?")
_XML_BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# the same characters as bytes, for ASCII text: bytes.translate deletes them ~5x
# faster than the regex scans a feed that has none (nearly every feed)
_XML_BAD_ASCII = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
# literal searches: sre's literal-prefix scan is 2-3x faster than ``in`` here,
# where "&" and "<" occur at every tag and entity of the document
_CHARREF_ANY_RE = re.compile("&#")
_DECL_ANY_RE = re.compile("<!")


def _drop_bad_chars(text: str) -> str:
    """The characters XML forbids, removed (a scan without a copy when there are none)."""
    if text.isascii():
        b = text.encode("ascii")
        if len(b.translate(None, _XML_BAD_ASCII)) == len(b):
            return text
    return _XML_BAD_CHARS_RE.sub("", text)


def _declared(data: bytes, headers: dict[str, str] | None) -> tuple[str | None, str | None]:
    """(the charset of the Content-Type header, the XML declaration's encoding)."""
    header = None
    if headers:
        ct = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
        m = _CHARSET_RE.search(ct)
        header = m.group(1) if m else None
    m2 = _DECL_ENC_RE.match(data[:600])
    return header, m2.group(1).decode("ascii") if m2 else None


def _strip_prolog_doctype(text: str) -> str:
    """Remove a DOCTYPE (with its internal subset) from the prolog, in linear time.

    Walks the prolog token by token (PIs and comments may hide ``<a>`` or
    ``]>``), then skips the DOCTYPE honouring quotes and comments inside the
    internal subset.
    """
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if text.startswith("<?", i):
            j = text.find("?>", i + 2)
            i = n if j < 0 else j + 2
            continue
        if text.startswith("<!--", i):
            j = text.find("-->", i + 4)
            i = n if j < 0 else j + 3
            continue
        if text[i : i + 9].upper() == "<!DOCTYPE":
            return text[:i] + text[_doctype_end(text, i + 9) + 1 :]
        break
    return text


def _doctype_end(text: str, j: int) -> int:
    """Where the DOCTYPE whose body starts at ``j`` ends (its '>'), or len(text)."""
    n = len(text)
    depth = 0
    quote = ""
    while j < n:
        c = text[j]
        if quote:
            if c == quote:
                quote = ""
        elif text.startswith("<!--", j):
            k = text.find("-->", j + 4)
            j = n if k < 0 else k + 3
            continue
        elif c in "\"'":
            quote = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth = max(0, depth - 1)
        elif c == ">" and depth == 0:
            break
        j += 1
    return j


def _fix_charref(m: re.Match[str]) -> str:
    """Keep a character reference only if it names a character XML allows."""
    try:
        cp = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    except ValueError:
        return ""
    if cp < 0x20 and cp not in (0x9, 0xA, 0xD) or 0x7F <= cp <= 0x9F:
        # a control: made raw so the escape sequence it starts is removed whole below
        return chr(cp)
    if cp in (0x9, 0xA, 0xD) or 0x20 <= cp <= 0xD7FF or 0xE000 <= cp <= 0xFFFD:
        return m.group(0) if m.group(0).endswith(";") else m.group(0) + ";"
    if 0x10000 <= cp <= 0x10FFFF:
        return m.group(0) if m.group(0).endswith(";") else m.group(0) + ";"
    return ""


def _maybe_gunzip(data: bytes, cap: int) -> bytes:
    """A gzip body served without Content-Encoding: inflate it, at most ``cap`` bytes."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        return zlib.decompressobj(wbits=47).decompress(data, cap)
    except zlib.error:
        return data


# the controls _looks_binary counts, for an ASCII head (counted in C, not a loop)
_BINARY_ASCII = bytes(c for c in range(32) if chr(c) not in "\n\r\t")


def _looks_binary(text: str) -> bool:
    head = text[:4096]
    if not head:
        return False
    if head.isascii():
        b = head.encode("ascii")
        bad = len(b) - len(b.translate(None, _BINARY_ASCII))
    else:
        bad = sum(1 for c in head if (ord(c) < 32 and c not in "\n\r\t") or c == "\ufffd")
    return bad > max(len(head) * 0.05, 8)


def prepare_xml(data: bytes, headers: dict[str, str] | None = None) -> bytes:
    """Bytes as they came → UTF-8 XML without DOCTYPE, entity declarations or bad refs.

    ``headers`` are the HTTP response headers (a charset in Content-Type is
    honoured when the body is not valid UTF-8). Raises ParseError for input
    that is plainly not a feed (empty, binary).
    """
    data = _maybe_gunzip(bytes(data[:MAX_FEED_BYTES]), MAX_FEED_BYTES)
    text = decode_bytes(data, _declared(data, headers), markup=True)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ParseError("empty document")
    if _looks_binary(text):
        raise ParseError("not a feed (binary data)")
    text = _DECL_RE.sub("", text, count=1)
    text = _strip_prolog_doctype(text)
    if _DECL_ANY_RE.search(text):
        text = _ENTITY_DECL_RE.sub("", text)
        text = _DOCTYPE_LEFT_RE.sub("", text)
    if _CHARREF_ANY_RE.search(text):
        text = _CHARREF_RE.sub(_fix_charref, text)
    text = strip_escapes(text, markup=True)
    text = _drop_bad_chars(text)
    if not text.strip():
        raise ParseError("empty document (only a prolog)")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text.lstrip()).encode(
        "utf-8", errors="replace"
    )
