"""Bytes to text: BOM, UTF-16 by its NULs, UTF-8, the declared charset, a guess.

The only decoder of outside bytes (files, feed bodies). charset_normalizer is
imported on first use: most bytes are UTF-8, and its import costs ~23 ms of
every command's start.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from collections.abc import Sequence

__all__ = ["decode_bytes"]


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_TAG_BYTES_RE = re.compile(rb"<[^<>]{0,2000}>")
# what the guess for markup chooses from (cp1252 wins a tie, see _guess_markup)
_MARKUP_CODECS = [
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "koi8_r", "iso8859_2",
    "cp1255", "cp1256", "cp874", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
]  # fmt: skip


def _sniff_utf16(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from where the NUL bytes sit (ASCII-heavy text)."""
    head = data[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) / 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


def _codec(name: str | None) -> str | None:
    """A Python codec for a declared charset, or None if unknown or unsafe to trust.

    UTF-16/32 are trusted only with a BOM or a NUL pattern (checked before).
    """
    if not name:
        return None
    try:
        c = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return None if c.startswith(("utf-16", "utf-32")) else c


def _unicode(data: bytes) -> str | None:
    """The bytes as Unicode when they say so (BOM, NUL pattern, UTF-8), else None."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            if enc.startswith("utf-16") and b"\x00" not in body[:200]:
                # a UTF-16 BOM in front of a UTF-8 body: believe the body if it reads so
                with contextlib.suppress(UnicodeDecodeError):
                    return body.decode("utf-8")
            return body.decode(enc, errors="replace")
    enc16 = _sniff_utf16(data)
    if enc16:
        return data.decode(enc16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            # one multi-byte character cut at the very end: drop it, keep UTF-8
            return data[: exc.start].decode("utf-8", errors="replace")
    # Mostly UTF-8 with a few broken bytes: keep UTF-8, lose only the bad bytes.
    high = sum(1 for b in data[:65536] if b >= 0x80)
    good = sum(len(m.group()) for m in _UTF8_SEQ.finditer(data[:65536]))
    if high and good >= high * 0.6:
        return data.decode("utf-8", errors="replace")
    return None


def _guess_text(data: bytes) -> str:
    """Legacy bytes of a text file: charset_normalizer's best guess, else cp1252."""
    with contextlib.suppress(Exception):
        from charset_normalizer import from_bytes as cn_from_bytes

        best = cn_from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            enc = best.encoding
            return data.decode("cp1252" if enc in ("ascii", "utf_8") else enc, errors="replace")
    return data.decode("cp1252", errors="replace")


def _guess_markup(data: bytes) -> str:
    """Undeclared legacy markup: guess from the text between tags, cp1252 on a tie.

    Markup is ASCII and dilutes the signal, so the guess looks at text only;
    cp1250/cp1257 score the same as cp1252 on most Western text, and cp1252
    is by far the commoner, so it wins when its score is as good.
    """
    with contextlib.suppress(Exception):
        from charset_normalizer import from_bytes as cn_from_bytes

        sample = _TAG_BYTES_RE.sub(b" ", data[:400_000])
        results = list(cn_from_bytes(sample, cp_isolation=_MARKUP_CODECS))
        if results:
            best = min(results, key=lambda r: r.chaos)
            enc = best.encoding
            for r in results:
                if r.encoding == "cp1252" and r.chaos <= best.chaos + 0.01:
                    enc = "cp1252"
            return data.decode(enc, errors="replace")
    return data.decode("cp1252", errors="replace")


def decode_bytes(data: bytes, declared: Sequence[str | None] = (), *, markup: bool = False) -> str:
    """Decode outside bytes: BOM, UTF-16 by its NULs, UTF-8, the declared charset, a guess.

    Valid UTF-8 beats a declaration because a document declared latin-1 (or
    UTF-16) whose bytes are valid multi-byte UTF-8 is, in practice, UTF-8; and
    a real latin-1 text almost never validates as UTF-8. ``declared`` are the
    charsets the bytes claim, first the most authoritative (HTTP header, then
    XML declaration): the first known one is used; latin-1 and ASCII are read
    as cp1252, as every browser does (it keeps “smart quotes”).
    ``markup``: a feed, whose legacy code page is guessed from the text between
    its tags. NULs near the start mean UTF-16/32 or binary: then the
    declaration and the markup guess are not trusted.

    Never raises: undecodable bytes become U+FFFD, which :func:`clean_text`
    later drops.
    """
    try:
        if not isinstance(data, bytes | bytearray | memoryview):
            return str(data)
        data = bytes(data)
        text = _unicode(data)
        if text is not None:
            return text
        if b"\x00" in data[:512]:
            declared, markup = (), False
        enc = next((c for c in map(_codec, declared) if c), None)
        if enc and enc != "utf-8":
            if enc in ("latin-1", "iso8859-1", "ascii"):
                enc = "cp1252"
            return data.decode(enc, errors="replace")
        return _guess_markup(data) if markup else _guess_text(data)
    except Exception:
        try:
            return bytes(data).decode("utf-8", errors="replace")
        except Exception:
            return ""
