"""Feeds: bytes → entries (``parse_feed_bytes``) and the refresh engine (``refresh``).

Parsing is feedparser behind a guard. Before feedparser sees a document we
decode it ourselves (BOM, valid UTF-8, declared charset, then a guess), drop
the DOCTYPE and every entity declaration (feedparser does not stop a flat
entity referenced thousands of times from becoming a 40-million-character
field), remove character references that make it raise, and hand it clean
UTF-8. HTML sanitising in feedparser is switched off (it is most of its run
time) because every HTML field goes through our own HTML-to-text step, which
keeps only text and safe links anyway.

Refresh fetches in threads (``store.sync.fetch``), skips what did not change (304,
or a body whose hash equals the last one), parses the rest (in two processes
when there is a lot), and saves everything in one batch. A failing feed is a
result with an error, never an exception; the library only ever gains or
updates entries, so an empty or truncated response loses nothing.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import html as html_mod
import os
import re
import threading
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from store.config import Config, FeedConfig
from store.errors import DigestError
from store.models import Enclosure, Entry, ParsedDocument, ParsedEntry, Source, short_hash
from store.parse import ParseError
from store.storage.library import Library
from store.sync.fetch import FetchRequest, FetchResult, fetch_all
from store.text import clean_line, clean_text, decode_bytes, safe_url

if TYPE_CHECKING:
    from store.index.topics import Prepared

__all__ = [
    "FeedResult",
    "FeedStatus",
    "RefreshReport",
    "feed_status",
    "parse_duration",
    "parse_feed_bytes",
    "refresh",
]

MAX_FEED_BYTES = 20_000_000  # parse_feed_bytes' own cap (refresh caps at max_bytes first)
MAX_HTML_PER_ENTRY = 2_000_000
MAX_TITLE = 500
MAX_DURATION = 7 * 24 * 3600  # a week: longer is a broken tag, not an episode
MAX_LENGTH = 50_000_000_000  # 50 GB: a bigger enclosure "length" is garbage
PARALLEL_MIN_BYTES = 512 * 1024  # below this, starting worker processes costs more than it saves
PARSE_TIMEOUT = 120.0  # seconds for one body in a worker process


# =============================================================================
# bytes → clean UTF-8 XML
# =============================================================================

_DECL_RE = re.compile(r"^\s*<\?xml[^>]{0,500}\?>", re.I)
_DECL_ENC_RE = re.compile(
    rb"^\s*<\?xml[^>]{0,500}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']"
)
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.I)
_ENTITY_DECL_RE = re.compile(r"<!ENTITY[^>]{0,100000}>?", re.I)
_DOCTYPE_LEFT_RE = re.compile(r"<!DOCTYPE[^>\[]{0,2000}(?:\[[^\]]{0,200000}\]?)?\s*>?", re.I)
_CHARREF_RE = re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,16})|([0-9]{1,20}));?")
_XML_BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAG_RE = re.compile(r"<[^<>]{0,2000}>")
_TAG_BYTES_RE = re.compile(rb"<[^<>]{0,2000}>")
# Terminal escape sequences, removed whole (an ESC dropped alone leaves "[2J" behind).
# '<' and '&' end an OSC so a sequence can never swallow markup.
_ANSI_RE = re.compile(
    "\x1b\\[[0-?]{0,64}[ -/]{0,16}[@-~]"
    "|\x1b\\][^\x07\x1b<&]{0,2048}(?:\x07|\x1b\\\\)?"
    "|\x1b[PX^_][^\x1b<&]{0,2048}(?:\x1b\\\\)?"
    "|\x1b[ -/]{0,4}[0-~]?"
    "|\x9b[0-?]{0,64}[ -/]{0,16}[@-~]"
    "|[\x9d\x90\x98\x9e\x9f][^\x07\x9c\x1b<&]{0,2048}(?:\x07|\x9c)?"
)
_UTF8_SEQ_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_GUESS_CODECS = [
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "koi8_r", "iso8859_2",
    "cp1255", "cp1256", "cp874", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
]  # fmt: skip


def _codec(name: str | None) -> str | None:
    """A Python codec for a declared charset, or None if unknown/unsafe to trust."""
    if not name:
        return None
    try:
        c = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    if c in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        return None  # only trusted with a BOM or NUL pattern (handled before)
    return c


def _decode(data: bytes, headers: dict[str, str] | None) -> str:
    """Decode a feed: BOM, then valid UTF-8, then the declared charset, then a guess.

    Valid UTF-8 beats a declaration because a document declared latin-1 (or
    UTF-16) whose bytes are valid multi-byte UTF-8 is, in practice, UTF-8; and
    a real latin-1 text almost never validates as UTF-8.
    """
    for bom in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF8):
        if data.startswith(bom):
            return decode_bytes(data)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # a UTF-16 BOM in front of a UTF-8 body: believe the body if it reads as UTF-8
        body = data[2:]
        if b"\x00" not in body[:200]:
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError:
                pass
        return decode_bytes(data)
    if b"\x00" in data[:512]:
        return decode_bytes(data)  # BOM-less UTF-16/32 (or binary; refused later)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            # one multi-byte character cut at the very end: drop it, keep UTF-8
            return data[: exc.start].decode("utf-8", errors="replace")
    high = sum(1 for b in data[:65536] if b >= 0x80)
    good = sum(len(m.group()) for m in _UTF8_SEQ_RE.finditer(data[:65536]))
    if high and good >= high * 0.6:
        return data.decode("utf-8", errors="replace")  # UTF-8 with a few broken bytes
    declared = None
    if headers:
        ct = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
        m = _CHARSET_RE.search(ct)
        declared = _codec(m.group(1)) if m else None
    if declared is None:
        m2 = _DECL_ENC_RE.match(data[:600])
        declared = _codec(m2.group(1).decode("ascii")) if m2 else None
    if declared and declared != "utf-8":
        if declared in ("latin-1", "iso8859-1", "ascii"):
            declared = "cp1252"  # what every browser does; keeps “smart quotes”
        return data.decode(declared, errors="replace")
    return _guess_legacy(data)


def _guess_legacy(data: bytes) -> str:
    """Undeclared legacy bytes: guess from the text between tags, cp1252 on a tie.

    Markup is ASCII and dilutes the signal, so the guess looks at text only;
    cp1250/cp1257 score the same as cp1252 on most Western text, and cp1252
    is by far the commoner, so it wins when its score is as good.
    """
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover
        return decode_bytes(data)
    try:
        sample = _TAG_BYTES_RE.sub(b" ", data[:400_000])
        results = list(from_bytes(sample, cp_isolation=_GUESS_CODECS))
        if results:
            best = min(results, key=lambda r: r.chaos)
            enc = best.encoding
            for r in results:
                if r.encoding == "cp1252" and r.chaos <= best.chaos + 0.01:
                    enc = "cp1252"
            return data.decode(enc, errors="replace")
    except Exception:
        pass
    return data.decode("cp1252", errors="replace")


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
            j = i + 9
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
            return text[:i] + text[j + 1 :]
        break
    return text


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
        d = zlib.decompressobj(wbits=47)
        out = d.decompress(data, cap)
        return out
    except zlib.error:
        return data


def _looks_binary(text: str) -> bool:
    head = text[:4096]
    if not head:
        return False
    bad = sum(1 for c in head if (ord(c) < 32 and c not in "\n\r\t") or c == "\ufffd")
    return bad > max(len(head) * 0.05, 8)


def prepare_xml(data: bytes, headers: dict[str, str] | None = None) -> bytes:
    """Bytes as they came → UTF-8 XML without DOCTYPE, entity declarations or bad refs.

    Raises ParseError for input that is plainly not a feed (empty, binary).
    """
    data = _maybe_gunzip(bytes(data[:MAX_FEED_BYTES]), MAX_FEED_BYTES)
    text = _decode(data, headers)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ParseError("empty document")
    if _looks_binary(text):
        raise ParseError("not a feed (binary data)")
    text = _DECL_RE.sub("", text, count=1)
    text = _strip_prolog_doctype(text)
    if "<!" in text:
        text = _ENTITY_DECL_RE.sub("", text)
        text = _DOCTYPE_LEFT_RE.sub("", text)
    if "&#" in text:
        text = _CHARREF_RE.sub(_fix_charref, text)
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ANSI_RE.sub("", text)
    text = _XML_BAD_CHARS_RE.sub("", text)
    if not text.strip():
        raise ParseError("empty document (only a prolog)")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text.lstrip()).encode(
        "utf-8", errors="replace"
    )


# =============================================================================
# field helpers
# =============================================================================

_DUR_NUM_RE = re.compile(r"^\d{1,9}(?:[.,]\d{1,9})?$")
_DUR_HMS_RE = re.compile(r"^(\d{1,4}):(\d{1,2})(?::(\d{1,2}))?(?:[.,]\d{1,9})?$")
_DUR_UNITS_RE = re.compile(
    r"^(?:(\d{1,4})\s*h(?:ours?|rs?)?)?\s*(?:(\d{1,4})\s*m(?:in(?:utes?)?)?)?\s*"
    r"(?:(\d{1,6})\s*s(?:ec(?:onds?)?)?)?$",
    re.I,
)
_MIME_RE = re.compile(r"^[a-z0-9][a-z0-9.+-]{0,60}/[a-z0-9][a-z0-9.+-]{0,80}$")


def parse_duration(value: Any) -> int | None:
    """An iTunes duration in any of its forms → whole seconds, or None.

    Accepts ``SS``, ``MM:SS``, ``HH:MM:SS`` (with or without fractions),
    ``1h 2m 3s``; minutes and seconds past 59 in H:M:S form, negative,
    zero and over-a-week values are garbage and give None.
    """
    try:
        if value is None or isinstance(value, bool):
            return None
        s = str(value) if isinstance(value, int | float) else str(value).strip()[:40]
        if not s:
            return None
        if _DUR_NUM_RE.match(s):
            secs = int(float(s.replace(",", ".")))
        elif m := _DUR_HMS_RE.match(s):
            a, b, c = int(m.group(1)), int(m.group(2)), m.group(3)
            if c is None:  # MM:SS (MM may exceed 59: "75:30" is 75 minutes)
                if b > 59:
                    return None
                secs = a * 60 + b
            else:
                if b > 59 or int(c) > 59:
                    return None
                secs = a * 3600 + b * 60 + int(c)
        elif (m := _DUR_UNITS_RE.match(s)) and any(m.groups()):
            h, mi, se = (int(g) if g else 0 for g in m.groups())
            secs = h * 3600 + mi * 60 + se
        else:
            return None
        if secs <= 0 or secs > MAX_DURATION:
            return None
        return secs
    except (ValueError, OverflowError, TypeError):
        return None


def _int_or_none(value: Any, hi: int) -> int | None:
    try:
        s = str(value).strip()
        if not s or len(s) > 20 or not s.isdigit():
            return None
        n = int(s)
    except (ValueError, TypeError):
        return None
    return n if 0 < n <= hi else None


def _iso_date(t: Any) -> str | None:
    """feedparser's struct_time → ISO-8601 UTC, or None for impossible dates."""
    if not t:
        return None
    try:
        d = datetime(*tuple(t)[:6], tzinfo=UTC)
    except (ValueError, TypeError, OverflowError):
        return None
    if d.year < 1900 or d.year > datetime.now(UTC).year + 1:
        return None
    return d.isoformat()


def _strip_tags(s: str) -> str:
    return html_mod.unescape(_TAG_RE.sub(" ", s))


def _title(value: str | None, detail: Any) -> str:
    s = value or ""
    if detail and "html" in str(detail.get("type", "")) and "<" in s:
        s = _strip_tags(s)
    s = clean_line(s[: MAX_TITLE * 8])
    if len(s) > MAX_TITLE:
        s = s[: MAX_TITLE - 1].rstrip() + "…"
    return s


def _html_parts(html_text: str, base: str | None) -> Any:
    """Our HTML → text step (store.parse.html); never raises."""
    try:
        from store.parse.html import html_to_parts
    except ImportError:  # pragma: no cover - until store.parse.html lands
        return _fallback_parts(html_text)
    try:
        return html_to_parts(html_text, base)
    except Exception:
        return _fallback_parts(html_text)


@dataclass(frozen=True, slots=True)
class _Parts:
    summary: str
    key_points: tuple[str, ...]
    key_points_derived: bool
    sections: tuple[Any, ...]
    body: str


def _fallback_parts(html_text: str) -> _Parts:
    """Plain text when the real HTML step fails: tags dropped, paragraphs kept."""
    from store.parse.common import derive_key_points, first_sentence

    text = re.sub(r"(?i)<\s*(?:br|/p|/div|/li|/h\d)[^>]{0,200}>", "\n", html_text)
    text = re.sub(r"(?is)<(script|style)[^>]{0,200}>.{0,200000}?</\1\s*>", " ", text)
    body = clean_text(_strip_tags(text))
    body = "\n".join(ln.strip() for ln in body.splitlines() if ln.strip())
    first = body.split("\n", 1)[0] if body else ""
    return _Parts(
        summary=first_sentence(first, 600) if first else "",
        key_points=derive_key_points((), body),
        key_points_derived=True,
        sections=(),
        body=body,
    )


def _plain_to_html(text: str) -> str:
    paras = re.split(r"\n\s*\n", text)
    return "".join(f"<p>{html_mod.escape(p).replace(chr(10), '<br>')}</p>" for p in paras)


def _content_of(e: Any) -> tuple[str, str | None, str]:
    """(main HTML, its xml:base, description text): the richest body of an entry."""
    best, best_base = "", None
    for c in e.get("content") or ():
        v = c.get("value") or ""
        if "plain" in str(c.get("type", "")):
            v = _plain_to_html(v)
        if len(v) > len(best):
            best, best_base = v, c.get("base")
    sd = e.get("summary_detail") or {}
    summ = e.get("summary") or ""
    if summ and "plain" in str(sd.get("type", "")):
        summ = _plain_to_html(summ)
    if not best:
        return summ, sd.get("base"), ""
    return best, best_base, summ if summ and summ != best else ""


def _enclosure(e: Any, base: str | None) -> Enclosure | None:
    """The episode's media: first http(s) enclosure, audio/video preferred."""
    cands: list[Any] = list(e.get("enclosures") or ())
    for link in e.get("links") or ():
        if link.get("rel") == "enclosure" and link not in cands:
            cands.append(link)
    chosen = None
    for c in cands:
        url = safe_url(str(c.get("href") or c.get("url") or "").strip(), base)
        if not url or not url.startswith(("http://", "https://")):
            continue
        typ = clean_line(str(c.get("type") or "")).lower()
        if not _MIME_RE.match(typ):
            typ = ""
        item = (url, typ or None, _int_or_none(c.get("length"), MAX_LENGTH))
        if chosen is None or (typ.startswith(("audio/", "video/")) and not chosen[1]):
            chosen = item
            if typ.startswith(("audio/", "video/")):
                break
    if chosen is None:
        return None
    return Enclosure(
        url=chosen[0],
        type=chosen[1],
        length=chosen[2],
        duration_seconds=parse_duration(e.get("itunes_duration")),
    )


def _entry(e: Any, feed_base: str | None, feed_title: str | None) -> ParsedEntry:
    from store.parse.common import first_sentence, reading_minutes

    link = safe_url(str(e.get("link") or ""), feed_base)
    if link and not link.startswith(("http://", "https://")):
        link = None
    main, main_base, desc = _content_of(e)
    base = safe_url(main_base or "", None) or link or safe_url(feed_base or "", None)
    parts = _html_parts(main[:MAX_HTML_PER_ENTRY], base) if main.strip() else None
    summary = clean_text(parts.summary).strip() if parts else ""
    if desc and (not summary or len(desc) < len(main) // 2):
        # the feed's own short description is the better summary of a long post
        dtext = clean_line(_strip_tags(desc[:20000]))
        if dtext:
            summary = dtext if len(dtext) <= 1000 else first_sentence(dtext, 1000)
    body = parts.body if parts else ""
    if body and not body.isascii():  # ASCII lines left html_to_parts clean already
        body = clean_text(body).strip()
    title = _title(e.get("title"), e.get("title_detail"))
    if not title:
        title = first_sentence(summary or body, 120) or "(untitled)"
    show = None
    if parts and parts.sections and not parts.key_points_derived:
        # a digest-structured item is titled like a digest episode: "Show - Title"
        from store.parse.digestly import split_show_title

        show, title = split_show_title(title)
    guid = clean_line(str(e.get("id") or ""))[:1000] or link
    if not guid:
        guid = "h:" + short_hash(title, summary[:300], body[:300], str(e.get("published") or ""))
    # dict.get: FeedParserDict.get warns when it maps updated→published itself
    published = _iso_date(
        dict.get(e, "published_parsed")
        or dict.get(e, "updated_parsed")
        or dict.get(e, "created_parsed")
    )
    author = clean_line(str(e.get("author") or ""))[:200] or None
    extra: list[tuple[str, str]] = []
    cats = [clean_line(str(t.get("term") or ""))[:60] for t in (e.get("tags") or ())[:20]]
    cats = [c for c in dict.fromkeys(cats) if c]
    if cats:
        extra.append(("categories", ", ".join(cats)))
    comments = safe_url(str(e.get("comments") or ""), feed_base)
    if comments and comments.startswith(("http://", "https://")):
        extra.append(("comments", comments))
    return ParsedEntry(
        title=title,
        show=show,
        author=author,
        link=link,
        published=published,
        summary=summary,
        key_points=tuple(k for k in (clean_line(x) for x in parts.key_points) if k)
        if parts
        else (),
        key_points_derived=bool(parts.key_points_derived) if parts else False,
        sections=tuple(parts.sections) if parts else (),
        body=body,
        enclosure=_enclosure(e, base),
        reading_minutes=reading_minutes(body) if body else None,
        extra=tuple(extra),
        guid=guid,
    )


# False: every feed goes through feedparser (tests compare the two readers)
FAST_PATH = True


def parse_feed_bytes(
    data: bytes,
    *,
    base_url: str | None = None,
    headers: dict[str, str] | None = None,
) -> ParsedDocument:
    """Parse a feed's bytes into a document whose entries all carry a ``guid``.

    ``base_url`` is where the bytes came from (relative links resolve against
    it); ``headers`` are the HTTP response headers (a charset in Content-Type
    is honoured when the body is not valid UTF-8). Raises ParseError when
    nothing usable is found; a feed with a valid header and no items is an
    empty document, not an error. Never raises anything else.
    """
    from store.parse.feedfast import read_rss20

    if data is None or not bytes(data[:MAX_FEED_BYTES]).strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ParseError("empty document")
    prepared = prepare_xml(data, headers)
    rh = {"content-type": "application/xml; charset=utf-8"}
    base = safe_url(base_url or "", None)
    if base_url and not base:
        base = None  # file:// and other schemes: relative links stay unresolved (dropped)
    if base:
        rh["content-location"] = base
    fast = read_rss20(prepared, base or "") if FAST_PATH else None
    if fast is not None:  # plain well-formed RSS 2.0: the same values, ~10x cheaper
        feed, raw_entries = fast
        bozo, version = None, "rss20"
    else:
        import feedparser

        try:
            fp = feedparser.parse(
                prepared, response_headers=rh, sanitize_html=False, resolve_relative_uris=False
            )
        except RecursionError:
            raise ParseError("nested too deeply to parse") from None
        except Exception as exc:
            raise ParseError(f"unparseable feed ({exc.__class__.__name__})") from None
        feed = fp.get("feed") or {}
        raw_entries = fp.get("entries") or []
        bozo = fp.get("bozo_exception") if fp.get("bozo") else None
        version = fp.get("version")
    if not version and not raw_entries:
        if bozo is not None:
            raise ParseError(f"not a feed ({_bozo_text(bozo)})")
        raise ParseError("not a feed (no RSS, Atom or RDF root)")
    if not raw_entries and bozo is not None and not _harmless(bozo):
        raise ParseError(f"ill-formed feed with no readable items ({_bozo_text(bozo)})")
    feed_base = base or safe_url(str(feed.get("link") or ""), None)
    feed_title = _title(feed.get("title"), feed.get("title_detail")) or None
    entries: list[ParsedEntry] = []
    for e in raw_entries:
        try:
            entries.append(_entry(e, feed_base, feed_title))
        except Exception:  # one broken item never costs the others
            continue
    warnings: tuple[str, ...] = ()
    if bozo is not None and not _harmless(bozo):
        warnings = (f"ill-formed feed, read leniently ({_bozo_text(bozo)})",)
    return ParsedDocument(
        entries=tuple(entries),
        source_name=feed_title,
        kind="feed",
        warnings=warnings,
    )


def _bozo_text(exc: Any) -> str:
    msg = clean_line(str(getattr(exc, "getMessage", lambda: exc)()) or str(exc))
    return f"{exc.__class__.__name__}: {msg}"[:200] if msg else exc.__class__.__name__


def _harmless(exc: Any) -> bool:
    return exc.__class__.__name__ in ("CharacterEncodingOverride", "NonXMLContentType")


class _FeedParse(NamedTuple):
    """One feed body as a worker leaves it: everything the library owner only merges."""

    doc: ParsedDocument  # without its entries (they are in ``entries``)
    name: str  # the source name the entries carry
    entries: list[Entry]  # ids scoped by the feed, feed tags applied
    texts: list[str]  # Library.content_text of each entry
    prepared: list[Prepared]  # topics.prepare of each entry


def _parse_job(
    data: bytes,
    base_url: str | None,
    headers: dict[str, str] | None,
    topics: Mapping[str, Sequence[str]] | None,
    fc: FeedConfig,
    names: tuple[str | None, str],
) -> _FeedParse | str:
    """Worker-process entry point: a ``_FeedParse``, or the error text. Never raises.

    Everything that depends on the entry alone is done here, in parallel:
    the parse, ids and source, the stored JSON text, and tagging's
    ``prepare`` (tokens, word-index keys, candidate names, vocabulary
    matches). The process that owns the library tags, indexes and saves.
    ``names`` is (the name the feed had before, its label) for ``_feed_name``.
    """
    try:
        doc = parse_feed_bytes(data, base_url=base_url, headers=headers)
        from store.index.topics import prepare
        from store.index.vocabulary import vocabulary_for
        from store.storage.shards import content_text

        name = _feed_name(fc, doc.source_name, *names)
        entries = _feed_entries(doc, fc, name)
        vocab = vocabulary_for(topics) if topics is not None else None
        return _FeedParse(
            replace(doc, entries=()),
            name,
            entries,
            [content_text(e) for e in entries],
            [prepare(e, vocab) for e in entries],
        )
    except ParseError as exc:
        return str(exc)
    except Exception as exc:  # pragma: no cover - parse_feed_bytes is total
        return f"internal parse error ({exc.__class__.__name__})"


# =============================================================================
# refresh
# =============================================================================


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What refresh did to one feed, reported as soon as that feed is done.

    ``status``: "new" (parsed), "unchanged" (same body as last time, not
    parsed), "not-modified" (HTTP 304), "error". An error may still come with
    salvaged entries (a truncated body): ``ok`` is False and ``entries_new``
    counts what was saved.
    """

    name: str
    url: str
    ok: bool
    status: str
    error: str | None
    entries_new: int
    entries_total: int
    warning: str | None = None


@dataclass
class RefreshReport:
    """All feeds' results plus the local paths' ingest report."""

    results: list[FeedResult]
    entries_new: int
    ingest: Any = None  # store.sync.ingest.IngestReport when config paths were ingested

    @property
    def feeds_ok(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def feeds_failed(self) -> int:
        return sum(1 for r in self.results if not r.ok)


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A feed as `digest-tui feeds` and the UI show it."""

    name: str
    url: str
    tags: tuple[str, ...]
    title: str | None
    last_fetch: str | None
    last_success: str | None
    last_error: str | None
    entry_count: int
    status: str | None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _norm_tags(tags: Sequence[str]) -> tuple[str, ...]:
    try:
        from store.index.tagids import normalize_tag
    except ImportError:

        def normalize_tag(t: str) -> str:
            return " ".join(t.lower().split())

    out = [normalize_tag(t) for t in tags]
    return tuple(dict.fromkeys(t for t in out if t))


def _cfg_hash(fc: FeedConfig) -> str:
    """Changes when what we add to entries (name, tags) changes: then re-parse."""
    return short_hash(fc.url, fc.name or "", *fc.tags)


def select_feeds(
    config: Config, names: Sequence[str] | None, states: dict[str, Any]
) -> list[FeedConfig]:
    """The configured feeds matching NAMEs (name, stored title, host or URL; any case)."""
    if not names:
        return list(config.feeds)
    chosen: list[FeedConfig] = []
    missing: list[str] = []
    for n in names:
        key = n.strip().casefold()
        hits = [
            f
            for f in config.feeds
            if key
            in {
                (f.name or "").casefold(),
                f.label.casefold(),
                f.url.casefold(),
                str((states.get(f.url) or {}).get("title") or "").casefold(),
            }
        ]
        if not hits:
            missing.append(n)
        chosen += [h for h in hits if h not in chosen]
    if missing:
        raise DigestError(
            f"no feed named {', '.join(repr(m) for m in missing)} in {config.path} "
            "(see `digest-tui feeds`)"
        )
    return chosen


class _Parser:
    """Parse feed bodies as they arrive, in two worker processes or in this one.

    ``eager`` (the CLI, where this is the only thread, refreshing feeds it
    never stored): the workers are forked now, before any fetch thread
    exists, and each body is parsed while the others are still downloading,
    so a slow feed no longer holds up the parsing of the fast ones.
    Otherwise (known feeds, mostly 304s and unchanged bodies; or a UI worker
    thread, where ``fork`` would copy locks held by other threads) bodies
    are queued, and ``finish`` parses them in workers (forked when this is
    the only thread, else spawned) when there is enough to be worth it.

    ``on_done(url, result)`` runs in the calling thread (from ``submit``,
    ``poll`` or ``finish``); an error it raises is the caller's and
    propagates. A worker that crashes fails the feeds it held; a pool that
    cannot start or breaks leaves the rest to this process; bodies still
    unparsed PARSE_TIMEOUT per two bodies after ``finish`` began are skipped.
    """

    def __init__(self, on_done: Callable[[str, Any], None], *, eager: bool) -> None:
        self.on_done = on_done
        self.queued: list[tuple[str, tuple[Any, ...]]] = []
        self.futs: dict[Any, str] = {}
        self.broken = False  # a pool broke: the rest is parsed here, no new pool
        self.pool: Any = self._start("fork") if eager else None

    @staticmethod
    def _start(method: str) -> Any:
        pool = None
        try:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from store.sync.ingest import worker_init

            pool = ProcessPoolExecutor(  # imported here: costs ~10 ms at start
                max_workers=2,
                mp_context=multiprocessing.get_context(method),
                initializer=worker_init,
                initargs=(os.getpid(),),
            )
            if method == "fork":
                pool.submit(os.getpid)  # forks both workers now, while no other thread runs
            return pool
        except Exception:
            if pool is not None:  # a worker may have started: it must not outlive us
                _kill_pool(pool)
                with contextlib.suppress(Exception):
                    pool.shutdown(wait=False, cancel_futures=True)
            return None

    def submit(self, url: str, args: tuple[Any, ...]) -> None:
        """Parse one body (``_parse_job`` arguments); merge whatever is ready."""
        if self.pool is not None:
            try:
                self.futs[self.pool.submit(_parse_job, *args)] = url
            except Exception:  # the pool broke: this body and the rest are parsed here
                self._drop_pool()
                self.queued.append((url, args))
            self.poll()
        else:
            self.queued.append((url, args))

    def poll(self) -> None:
        """Merge the results that are ready, without waiting."""
        for fut in [f for f in self.futs if f.done()]:
            self._deliver(fut)

    def _deliver(self, fut: Any) -> None:
        url = self.futs.pop(fut)
        try:
            res = fut.result()
        except Exception as exc:
            res = f"parser crashed ({exc.__class__.__name__})"
        self.on_done(url, res)

    def finish(self) -> None:
        """Wait for every body submitted; parse what is queued."""
        from concurrent.futures import TimeoutError as FuturesTimeout
        from concurrent.futures import as_completed

        total = sum(len(args[0]) for _url, args in self.queued)
        big = len(self.queued) >= 2 and total >= PARALLEL_MIN_BYTES
        if self.pool is None and not self.broken and big:
            alone = threading.active_count() == 1 and os.name == "posix"
            self.pool = self._start("fork" if alone else "spawn")
            queued, self.queued = self.queued, []
            for url, args in queued:
                self.submit(url, args)
        if self.futs:
            try:
                for fut in as_completed(
                    list(self.futs), timeout=PARSE_TIMEOUT * max(1, len(self.futs) / 2)
                ):
                    self._deliver(fut)
            except FuturesTimeout:
                _kill_pool(self.pool)
                for fut in list(self.futs):
                    self.on_done(self.futs.pop(fut), "parsing took too long; skipped")
        while self.queued:
            url, args = self.queued.pop(0)
            self.on_done(url, _parse_job(*args))

    def _drop_pool(self) -> None:
        if self.pool is not None:
            with contextlib.suppress(Exception):
                self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
            self.broken = True

    def close(self) -> None:
        """Stop the workers: bodies not started are dropped, and each worker (deaf
        to Ctrl-C) exits after the body in hand. Not terminate(): a worker killed
        while sending its result leaves a torn message that the pool's reader
        thread then waits on for ever. Idempotent."""
        self._drop_pool()


def _parse_many(
    jobs: list[tuple[str, tuple[Any, ...]]],
    on_done: Callable[[str, Any], None],
) -> None:
    """Parse bodies already fetched (``_Parser`` without streaming)."""
    parser = _Parser(on_done, eager=False)
    try:
        for url, args in jobs:
            parser.submit(url, args)
        parser.finish()
    finally:
        parser.close()


def _warm_for_fork(topics: Mapping[str, Sequence[str]]) -> None:
    """Import what ``_parse_job`` uses and compile the vocabulary before forking,
    so the workers inherit them instead of each doing it again."""
    import store.parse.feedfast  # noqa: F401
    import store.parse.html  # noqa: F401
    import store.sync.ingest  # noqa: F401
    from store.index.vocabulary import vocabulary_for

    vocabulary_for(topics)


def _kill_pool(pool: Any) -> None:
    procs = getattr(pool, "_processes", None) or {}
    for p in list(procs.values()):
        with contextlib.suppress(Exception):
            p.terminate()


TAG_CHUNK = 1000  # entries tagged at a time while parsing goes on (one index segment each)


def refresh(
    lib: Library,
    config: Config,
    names: Sequence[str] | None = None,
    progress: Callable[[FeedResult], None] | None = None,
) -> RefreshReport:
    """Fetch, parse and store the configured feeds (all, or those named).

    Callable from any thread: network work runs in a thread pool, parsing in
    worker processes or this thread, and ``progress`` is called in *this*
    thread as each feed finishes. Entries are saved in one batch; nothing
    stored is ever deleted. Local ``paths:`` are ingested too when no names
    are given.
    """
    states = lib.feed_states()
    feeds = select_feeds(config, names, states)
    settings = config.refresh
    known = {r.id for r in lib.rows()}
    results: list[FeedResult] = []
    new_states: dict[str, dict[str, Any]] = {}
    to_save: list[Entry] = []
    by_url = {f.url: f for f in feeds}
    fetched: dict[str, FetchResult] = {}
    now = _now()

    def name_of(fc: FeedConfig, title: str | None = None) -> str:
        st = states.get(fc.url) or {}
        return _feed_name(fc, title, st.get("title"), fc.label)

    def finish(fc: FeedConfig, res: FeedResult, state: dict[str, Any]) -> None:
        results.append(res)
        new_states[fc.url] = state
        if progress is not None:
            # a broken progress display must not break the refresh
            with contextlib.suppress(Exception):
                progress(res)

    def base_state(fc: FeedConfig) -> dict[str, Any]:
        st = dict(states.get(fc.url) or {})
        st.update(url=fc.url, last_fetch=now)
        if fc.name:
            st["name"] = fc.name
        return st

    def fail(fc: FeedConfig, error: str, status_code: int | None = None) -> None:
        st = base_state(fc)
        st.update(last_error=error, status="error", http_status=status_code)
        total = int(st.get("entry_count") or 0)
        finish(fc, FeedResult(name_of(fc), fc.url, False, "error", error, 0, total), st)

    def fetched_one(fr: FetchResult) -> None:
        fc = by_url[fr.url]
        fetched[fr.url] = fr
        st = states.get(fc.url) or {}
        same_cfg = st.get("cfg") == _cfg_hash(fc)
        if fr.not_modified and same_cfg:
            s = base_state(fc)
            s.update(last_success=now, last_error=None, status="not-modified", http_status=304)
            total = int(s.get("entry_count") or 0)
            finish(fc, FeedResult(name_of(fc), fc.url, True, "not-modified", None, 0, total), s)
        elif fr.body is None:
            if fr.not_modified:  # config changed but server says 304: refetch next time
                fail(fc, "not modified, but the feed's settings changed: refresh again")
            else:
                fail(fc, fr.error or "no response", fr.status)
        elif (
            not fr.truncated
            and same_cfg
            and st.get("sha256") == hashlib.sha256(fr.body).hexdigest()
        ):
            s = base_state(fc)
            s.update(last_success=now, last_error=None, status="unchanged", http_status=fr.status)
            _keep_validators(s, fr)
            total = int(s.get("entry_count") or 0)
            finish(fc, FeedResult(name_of(fc), fc.url, True, "unchanged", None, 0, total), s)

    reqs = []
    for fc in feeds:
        st = states.get(fc.url) or {}
        same_cfg = st.get("cfg") == _cfg_hash(fc)
        reqs.append(
            FetchRequest(
                fc.url,
                etag=st.get("etag") if same_cfg else None,
                last_modified=st.get("last_modified") if same_cfg else None,
            )
        )
    from store.config import default_topics
    from store.index.topics import tag_entries
    from store.index.vocabulary import merge_topics

    vocab = merge_topics(default_topics(), config.topics)

    tagged: list[Entry] = []
    prepared: list[Prepared] = []  # aligned with to_save
    texts: list[str] = []  # aligned with to_save, then with tagged

    def tag_some(force: bool = False) -> None:
        """Tag what has been parsed so far, here, while the workers parse the rest."""
        if to_save and (force or len(to_save) >= TAG_CHUNK):
            tagged.extend(tag_entries(to_save, lib, vocab, prepared))
            to_save.clear()
            prepared.clear()

    def parsed_one(url: str, res: Any) -> None:
        fc = by_url[url]
        fr = fetched[url]
        if isinstance(res, str):
            why = f"{fr.error}; {res}" if fr.error else res
            fail(fc, why, fr.status)
            return
        doc, name, entries = res.doc, res.name, res.entries
        ids = {e.id for e in entries}
        new = ids - known
        known.update(new)
        to_save.extend(entries)
        prepared.extend(res.prepared)
        texts.extend(res.texts)
        tag_some()
        s = base_state(fc)
        s["title"] = doc.source_name
        total = int(s.get("entry_count") or 0) + len(new)
        s["entry_count"] = total
        s["http_status"] = fr.status
        warning = doc.warnings[0] if doc.warnings else None
        if fr.error:  # truncated: keep what was salvaged, report the error, re-fetch next time
            s.update(last_error=fr.error, status="error", warning=warning)
            finish(
                fc,
                FeedResult(name, url, False, "error", fr.error, len(new), total, warning),
                s,
            )
            return
        s.update(
            last_success=now,
            last_error=None,
            status="new",
            warning=warning,
            sha256=hashlib.sha256(fr.body or b"").hexdigest(),
            cfg=_cfg_hash(fc),
        )
        _keep_validators(s, fr)
        finish(fc, FeedResult(name, url, True, "new", None, len(new), total, warning), s)

    def arrived(fr: FetchResult) -> None:
        fetched_one(fr)
        url = fr.url
        if fr.body is not None and url not in new_states:  # to parse
            st = states.get(url) or {}
            fc = by_url[url]
            args = (
                fr.body,
                fr.final_url or url,
                fr.headers,
                vocab,
                fc,
                (st.get("title"), fc.label),
            )
            parser.submit(url, args)

    # Fork the workers up front only when bodies to parse are certain: feeds
    # never stored before. A refresh of known feeds is mostly 304s and
    # unchanged bodies, which must not pay for the imports and the fork.
    unseen = sum(1 for fc in feeds if not (states.get(fc.url) or {}).get("sha256"))
    eager = unseen >= 2 and threading.active_count() == 1 and os.name == "posix"
    if eager:
        _warm_for_fork(vocab)
    parser = _Parser(parsed_one, eager=eager)
    try:
        fetch_all(reqs, settings, arrived, on_idle=parser.poll if eager else None)
        parser.finish()
    finally:
        parser.close()

    tag_some(force=True)
    if tagged:
        lib.save_entries(tagged, texts)
    if new_states:
        # Pass every stored state, not only the changed ones: Library.save_feed_states
        # (TinyDB 4.9 insert_multiple mixing Documents and plain dicts) can give a
        # kept Document and a new dict the same doc id, losing the other feeds' state.
        lib.save_feed_states({**lib.feed_states(), **new_states})
    report = RefreshReport(results=results, entries_new=sum(r.entries_new for r in results))
    if not names and config.paths:
        from store.sync.ingest import ingest_paths

        report.ingest = ingest_paths(lib, [str(p) for p in config.paths], topics=config.topics)
        report.entries_new += report.ingest.entries_new
    return report


def _keep_validators(state: dict[str, Any], fr: FetchResult) -> None:
    """Store the validators the server sent now (a server that stopped sending one loses it)."""
    state["etag"] = fr.etag
    state["last_modified"] = fr.last_modified


def _feed_name(fc: FeedConfig, title: str | None, known: str | None, label: str) -> str:
    """A feed's source name: configured, else the feed's title, else the last one seen."""
    return fc.name or title or known or label


def _feed_entries(doc: ParsedDocument, fc: FeedConfig, name: str) -> list[Entry]:
    """Entries with ids scoped by the feed URL; the feed's tags merged in as auto tags."""
    from store.sync.ingest import entries_from_document

    entries = entries_from_document(doc, Source("feed", name, fc.url), id_scope=fc.url)
    tags = _norm_tags(fc.tags)
    if tags:
        entries = [e.with_(auto_tags=tuple(dict.fromkeys((*e.auto_tags, *tags)))) for e in entries]
    return entries


def feed_status(lib: Library, config: Config) -> list[FeedStatus]:
    """Every configured feed with its last fetch, last success, entry count and error."""
    states = lib.feed_states()
    out: list[FeedStatus] = []
    for fc in config.feeds:
        st = states.get(fc.url) or {}
        out.append(
            FeedStatus(
                name=fc.name or st.get("title") or fc.label,
                url=fc.url,
                tags=fc.tags,
                title=st.get("title"),
                last_fetch=st.get("last_fetch"),
                last_success=st.get("last_success"),
                last_error=st.get("last_error"),
                entry_count=int(st.get("entry_count") or 0),
                status=st.get("status"),
            )
        )
    return out
