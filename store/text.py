"""Text hygiene: bytes to text, mojibake repair, control stripping, safe URLs.

Everything a parser or a feed yields passes through here before it is stored or
shown, because the terminal is an attack surface (ESC sequences, bidi tricks)
and real digests arrive mis-decoded (UTF-8 read through Windows code pages).
All functions are total: they never raise, whatever they are given, and they
run in linear time (no backtracking regexes over unbounded input).
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from charset_normalizer import from_bytes as cn_from_bytes

from store.mojibake import repair_mojibake

__all__ = [
    "clean_line",
    "clean_text",
    "decode_bytes",
    "safe_url",
    "split_label",
    "strip_escapes",
]

# --------------------------------------------------------------------------
# decode_bytes
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# clean_text / clean_line
# --------------------------------------------------------------------------

_FTFY: list[tuple[Any, Any, Any]] = []  # filled on first use


# UTF-8 read through a legacy code page always shows a lead byte 0xC2-0xF4 as
# one of these: Latin-1 letters (cp1252/latin-1), Greek (cp1253) or Cyrillic
# (cp1251). Text without any (emoji, typographic quotes, CJK) cannot be that
# mojibake, and ftfy's own badness test costs ~1 ms per 6 kB.
_MOJIBAKE_LEAD_RE = re.compile("[\u00c0-\u00ff\u0370-\u03ff\u0400-\u04ff]")


def _ftfy() -> tuple[Any, Any, Any]:
    """ftfy, its badness test and our config, imported on first non-ASCII text.

    Importing ftfy costs ~30 ms; commands that only print ASCII (a 304 refresh,
    `list`) should not pay it.
    """
    if not _FTFY:
        import ftfy
        from ftfy.badness import is_bad

        config = ftfy.TextFixerConfig(
            unescape_html=False,
            uncurl_quotes=False,
            fix_character_width=False,
            fix_latin_ligatures=False,
            explain=False,
        )
        _FTFY.append((ftfy.fix_text, is_bad, config))
    return _FTFY[0]


def _escape_re(stop: str, c1_strings: str, c1_end: str) -> re.Pattern[str]:
    """Terminal escape sequences (CSI, OSC, DCS/SOS/PM/APC, 7- and 8-bit), each bounded.

    ``stop``: characters that end a string sequence early; ``c1_strings``: the
    8-bit introducers of string sequences; ``c1_end``: "?" when their
    terminator is optional.
    """
    return re.compile(
        "\x1b\\[[0-?]{0,64}[ -/]{0,16}[@-~]"  # CSI
        f"|\x1b\\][^\x07\x1b{stop}]{{0,2048}}(?:\x07|\x1b\\\\)?"  # OSC
        f"|\x1b[PX^_][^\x1b{stop}]{{0,2048}}(?:\x1b\\\\)?"  # DCS/SOS/PM/APC
        "|\x1b[ -/]{0,4}[0-~]?"  # other escapes
        "|\x9b[0-?]{0,64}[ -/]{0,16}[@-~]"  # 8-bit CSI
        f"|[{c1_strings}][^\x07\x9c\x1b{stop}]{{0,2048}}(?:\x07|\x9c){c1_end}"  # 8-bit strings
    )


# In text, only a terminated 8-bit OSC goes: a lone C1 byte is usually mojibake
# (UTF-8 read as latin-1) that the repair below turns back into a character.
_ESCAPE_RE = _escape_re("", "\x9d", "")
# In markup (a feed's XML before parsing), '<' and '&' end a string sequence so
# that it can never swallow markup, and every 8-bit string introducer counts.
_MARKUP_ESCAPE_RE = _escape_re("<&", "\x9d\x90\x98\x9e\x9f", "?")


def strip_escapes(s: str, *, markup: bool = False) -> str:
    """Remove terminal escape sequences whole (an ESC dropped alone leaves "[2J" behind).

    ``markup``: ``s`` is XML or HTML not parsed yet, whose tags and entities
    must survive a hostile sequence in front of them.
    """
    if "\x1b" in s or "\x9b" in s or "\x9d" in s:
        return (_MARKUP_ESCAPE_RE if markup else _ESCAPE_RE).sub("", s)
    return s


_LINE_BREAKS = "\u2028\u2029\x85\x0b\x0c"  # besides \r: all become \n
_NEWLINES_RE = re.compile(f"\r\n?|[{_LINE_BREAKS}]")
# Controls, bidi, invisible formatting, tag chars, surrogates, noncharacters, U+FFFD.
_DROP_RE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f"
    "\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\ufeff\u00ad\u180e"
    "\ufff9-\ufffb\ufffd\ufdd0-\ufdef\ufffe\uffff"
    "\ud800-\udfff"
    "\U000e0000-\U000e007f]"
)
_PRE_DROP_RE = re.compile("[\ud800-\udfff\ufffd]")
_ZW_JOIN_RE = re.compile("[\u200c\u200d]")
_VS_RE = re.compile("[\ufe0e\ufe0f]+")
_COMBINING = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_COMBINING_RUN_RE = re.compile(f"({_COMBINING}{{3}}){_COMBINING}+")
_TRAILING_WS_RE = re.compile(r"[ \t]+\n")
# Cheap guards: a one-class search is 3-4x faster than the sub it spares, and
# most text needs none of these repairs.
_NEWLINES_ANY_RE = re.compile(f"[\r{_LINE_BREAKS}]")
_COMBINING_ANY_RE = re.compile(_COMBINING)


def _trailing_ws(s: str) -> str:
    """Drop spaces and tabs before each newline (a sub only when there are some)."""
    if " \n" in s or "\t\n" in s:
        return _TRAILING_WS_RE.sub("\n", s)
    return s


def _fix_joiners(s: str) -> str:
    """Keep ZWJ/ZWNJ only between two non-ASCII characters (emoji, Indic, Persian)."""

    def keep(m: re.Match[str]) -> str:
        i = m.start()
        prev = s[i - 1] if i > 0 else ""
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if (
            prev
            and nxt
            and ord(prev) > 0x7F
            and ord(nxt) > 0x7F
            and not prev.isspace()
            and not nxt.isspace()
        ):
            return m.group()
        return ""

    return _ZW_JOIN_RE.sub(keep, s)


def _fix_selectors(s: str) -> str:
    """Keep one variation selector after a symbol or keycap base; drop orphans."""

    def keep(m: re.Match[str]) -> str:
        i = m.start()
        prev = s[i - 1] if i > 0 else ""
        if prev and (ord(prev) > 0x7F or prev in "0123456789#*") and not prev.isspace():
            return m.group()[-1]
        return ""

    return _VS_RE.sub(keep, s)


# Set while parsing a document whose whole text already went through
# clean_text: repairing each substring again is pure cost (ftfy dominated parse
# time), while dropping controls stays, since it is cheap and parsers join text.
_ALREADY_REPAIRED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "already_repaired", default=False
)


@contextlib.contextmanager
def repaired_text(on: bool = True) -> Iterator[None]:
    """Within this block, clean_text skips mojibake repair (text is repaired)."""
    token = _ALREADY_REPAIRED.set(on)
    try:
        yield
    finally:
        _ALREADY_REPAIRED.reset(token)


def clean_text(s: str) -> str:
    """Repair mojibake and remove everything unsafe for a terminal; keep \\n and \\t.

    Never raises. Newlines are normalised to LF.
    """
    try:
        if s is None:
            return ""
        if not isinstance(s, str):
            s = str(s)
        if not s:
            return s
        if _NEWLINES_ANY_RE.search(s):
            s = _NEWLINES_RE.sub("\n", s)
        s = strip_escapes(s)
        if s.isascii() or _ALREADY_REPAIRED.get():  # nothing to repair
            s = _DROP_RE.sub("", s)
            return _trailing_ws(s)
        s = _PRE_DROP_RE.sub("", s)
        s = repair_mojibake(s)
        with contextlib.suppress(Exception):
            # ftfy works line by line and costs ~1 µs a character; its own
            # badness test is one regex over the text, so ask it first.
            if _MOJIBAKE_LEAD_RE.search(s):
                fix_text, is_bad, config = _ftfy()
                s = fix_text(s, config) if is_bad(s) else unicodedata.normalize("NFC", s)
            else:
                s = unicodedata.normalize("NFC", s)
        if _NEWLINES_ANY_RE.search(s):
            s = _NEWLINES_RE.sub("\n", s)
        s = _DROP_RE.sub("", s)
        if "\u200c" in s or "\u200d" in s:
            s = _fix_joiners(s)
        if "\ufe0e" in s or "\ufe0f" in s:
            s = _fix_selectors(s)
        if _COMBINING_ANY_RE.search(s):
            s = _COMBINING_RUN_RE.sub(r"\1", s)
        return _trailing_ws(s)
    except Exception:
        try:
            return _DROP_RE.sub("", str(s))
        except Exception:
            return ""


_WS_RE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


# ASCII controls other than whitespace; ESC is handled before (sequences go whole)
_ASCII_CONTROLS = {c: None for c in [*range(0, 9), *range(14, 32), 127]}


def clean_line(s: str) -> str:
    """One display line: cleaned, whitespace collapsed, stripped. Never raises."""
    try:
        if not s:
            return ""
        if s.isascii() and "\x1b" not in s:
            # the common case, hundreds of thousands of times per refresh:
            # str methods instead of four regex passes (isprintable: no
            # control character at all, so nothing to translate away)
            if s.isprintable():
                return " ".join(s.split())
            return " ".join(s.translate(_ASCII_CONTROLS).split())
        return _WS_RE.sub(" ", clean_text(s)).strip()
    except Exception:
        return ""


def screen_line(s: str) -> str:
    """``clean_line`` for text on its way out (the screen, the CLI): hygiene, no repair.

    What is shown was repaired once, when it came in; repairing again on every
    paint costs ~30 µs a non-ASCII title (ftfy) and could show other text than
    the library stores and searches. Escapes, controls and bidi tricks still go.
    """
    with repaired_text():
        return clean_line(s)


def screen_text(s: str) -> str:
    """``clean_text`` for text on its way out, newlines kept (see ``screen_line``)."""
    with repaired_text():
        return clean_text(s)


_LABEL_RE = re.compile(r"^([^:]{1,60}):\s+(\S.*)$", re.S)


def split_label(bullet: str) -> tuple[str | None, str]:
    """Split a ``Label: text`` bullet (the stored form of ``**Label**: text``).

    The UI shows the label with emphasis. Returns (None, bullet) when the
    bullet has no short label (at most 8 words, before the first colon).
    """
    m = _LABEL_RE.match(bullet or "")
    if not m or len(m.group(1).split()) > 8 or "http" in m.group(1):
        return None, bullet or ""
    return m.group(1).strip(), m.group(2)


# --------------------------------------------------------------------------
# safe_url
# --------------------------------------------------------------------------

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_URL_DROP_RE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def safe_url(url: str | None, base: str | None = None) -> str | None:
    """Return an absolute http(s)/mailto URL, or None for anything else.

    Controls and whitespace are removed before the scheme is checked, so
    ``java\\tscript:`` cannot slip through; relative URLs resolve against a
    base that is itself safe.
    """
    try:
        if not url or not isinstance(url, str):
            return None
        u = _URL_DROP_RE.sub("", url.strip())
        if not u or len(u) > 8192:
            return None
        scheme = urlsplit(u).scheme.lower() if ":" in u.split("/", 1)[0] else ""
        if not scheme:
            b = safe_url(base) if base else None
            if b and not b.startswith("mailto:"):
                u = urljoin(b, u)
            elif u.startswith("//"):
                u = "https:" + u
            else:
                return None
        parts = urlsplit(u)
        scheme = parts.scheme.lower()
        if scheme not in _SAFE_SCHEMES:
            return None
        if scheme in ("http", "https"):
            if not parts.netloc or not parts.hostname:
                return None
        elif len(u) <= len("mailto:"):
            return None
        return u
    except Exception:
        return None
