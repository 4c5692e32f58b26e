"""Text hygiene: bytes to text, mojibake repair, HTML leftovers, controls, safe URLs.

Everything a parser or a feed yields passes through here before it is stored or
shown, because the terminal is an attack surface (ESC sequences, bidi tricks),
real digests arrive mis-decoded (UTF-8 read through Windows code pages) and
feeds leave entities and tags in their text (``store.text.leftovers``).
All functions are total: they never raise, whatever they are given, and they
run in linear time (no backtracking regexes over unbounded input).
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from store.mojibake import repair_mojibake, repair_with_ftfy
from store.text.decode import decode_bytes
from store.text.leftovers import decode_leftovers, decode_neutral, maybe_leftover

__all__ = [
    "clean_line",
    "clean_text",
    "decode_bytes",
    "decode_leftovers",
    "repaired_text",
    "safe_url",
    "screen_line",
    "screen_text",
    "split_label",
    "strip_escapes",
]

# --------------------------------------------------------------------------
# clean_text / clean_line
# --------------------------------------------------------------------------


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


# what clean_text does with HTML leftovers (see store.text.leftovers)
_NEUTRAL, _PLAIN, _KEEP = 0, 1, 2


def clean_text(s: str, *, plain: bool = False) -> str:
    """Repair mojibake and remove everything unsafe for a terminal; keep \\n and \\t.

    Entities that mean the same in markup and in text are decoded and HTML
    comments dropped, since callers pass markup still to be parsed too (a
    document, an HTML fragment). ``plain``: ``s`` is a text field, never
    parsed again, so every leftover goes as in :func:`clean_line` (entities,
    double escapes, stray tags). Never raises. Newlines are normalised to LF.
    """
    return _clean_text(s, _PLAIN if plain else _NEUTRAL)


def _clean_text(s: str, leftovers: int) -> str:
    try:
        if s is None:
            return ""
        if not isinstance(s, str):
            s = str(s)
        if not s:
            return s
        if leftovers != _KEEP and ("&" in s or "<" in s):
            s = decode_leftovers(s) if leftovers == _PLAIN else decode_neutral(s)
        if _NEWLINES_ANY_RE.search(s):
            s = _NEWLINES_RE.sub("\n", s)
        s = strip_escapes(s)
        if s.isascii() or _ALREADY_REPAIRED.get():  # nothing to repair
            s = _DROP_RE.sub("", s)
            return _trailing_ws(s)
        s = _PRE_DROP_RE.sub("", s)
        s = repair_mojibake(s)
        s = repair_with_ftfy(s)
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
    """One display line: cleaned, HTML leftovers decoded, whitespace collapsed. Never raises.

    A line is plain text by definition (a title, an author, a bullet): entities
    (double escapes too), stray tags and comments go, see ``store.text.leftovers``.
    """
    try:
        if not s:
            return ""
        if s.isascii():
            # the common case, hundreds of thousands of times per refresh:
            # str methods instead of four regex passes (isprintable: no
            # control character at all, ESC neither, nothing to translate away)
            if s.isprintable():
                if ("&" not in s and "<" not in s) or not maybe_leftover(s):
                    return " ".join(s.split())
            elif "\x1b" not in s and "&" not in s and "<" not in s:
                return " ".join(s.translate(_ASCII_CONTROLS).split())
        return _line(s, True)
    except Exception:
        return ""


def _line(s: str, leftovers: bool) -> str:
    """clean_line past its ASCII fast path; ``leftovers``: decode HTML leftovers first."""
    try:
        if not s:
            return ""
        if leftovers and ("&" in s or "<" in s):
            s = decode_leftovers(s)
        if s.isascii() and "\x1b" not in s:
            if s.isprintable():
                return " ".join(s.split())
            return " ".join(s.translate(_ASCII_CONTROLS).split())
        return _WS_RE.sub(" ", _clean_text(s, _KEEP)).strip()
    except Exception:
        return ""


def screen_line(s: str) -> str:
    """``clean_line`` for text on its way out (the screen, the CLI): hygiene, no repair.

    What is shown was repaired and decoded once, when it came in; repairing
    again on every paint costs ~30 µs a non-ASCII title (ftfy), and decoding
    again could show other text than the library stores and searches (a
    stored "&amp;" that was "&amp;amp;"). Escapes, controls and bidi tricks
    still go.
    """
    with repaired_text():
        return _line(s, False)


def screen_text(s: str) -> str:
    """``clean_text`` for text on its way out, newlines kept (see ``screen_line``)."""
    with repaired_text():
        return _clean_text(s, _KEEP)


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
