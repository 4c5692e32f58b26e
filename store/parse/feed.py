"""A feed's bytes → :class:`ParsedDocument` whose entries all carry a ``guid``.

Parsing is feedparser behind a guard, with the fast RSS 2.0 reader
(``store.parse.feedfast``) in front for the plain well-formed feeds it can read
exactly as feedparser would. The bytes are cleaned first (``feed_bytes``).
HTML sanitising in feedparser is switched off (it is most of its run time)
because every HTML field goes through our own HTML-to-text step, which keeps
only text and safe links anyway.
"""

from __future__ import annotations

import html as html_mod
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from store.models import Enclosure, ParsedDocument, ParsedEntry, short_hash
from store.parse import ParseError
from store.parse.chrome import fold
from store.parse.common import first_sentence, reading_minutes
from store.parse.feed_bytes import MAX_FEED_BYTES, prepare_xml
from store.parse.feed_links import item_link, raw_guids, self_links
from store.parse.feed_show import assign_shows
from store.parse.feedfast import read_rss20
from store.parse.gist import pick_points, pick_summary, summary_of, unrepeated
from store.parse.html import HtmlParts, html_to_parts
from store.parse.quickclean import quick_clean_line
from store.text import clean_line, clean_text, safe_url

__all__ = ["parse_duration", "parse_feed_bytes"]

MAX_HTML_PER_ENTRY = 2_000_000
MAX_TITLE = 500
MAX_DURATION = 7 * 24 * 3600  # a week: longer is a broken tag, not an episode
MAX_LENGTH = 50_000_000_000  # 50 GB: a bigger enclosure "length" is garbage
_TAG_RE = re.compile(r"<[^<>]{0,2000}>")

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
        year, month, day, hour, minute, second = tuple(t)[:6]
        d = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
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


def _html_parts(html_text: str, base: str | None, title: str = "") -> HtmlParts:
    """Our HTML → text step (store.parse.html); never raises."""
    try:
        return html_to_parts(html_text, base, title)
    except Exception:
        return _fallback_parts(html_text)


class _FeedContext:
    """What every item of one feed is judged against: its self links, its guids as written."""

    def __init__(self, prepared: bytes, feed: Any, base: str | None) -> None:
        self.selves = self_links(feed, base)
        self._prepared = prepared
        self._joined = base is not None  # guids were joined to base: keep the written ones
        self._guids: set[str] | None = None

    def guids_as_written(self) -> set[str] | None:
        if not self._joined:
            return None
        if self._guids is None:
            self._guids = raw_guids(self._prepared)
        return self._guids


def _summary(e: Any, parts: HtmlParts | None, main: str, desc: str, title: str) -> str:
    """The item's gist from the best of its fields (store.parse.gist.pick_summary).

    Order: the feed's own short description of a long post, the body's first
    paragraph that is not furniture, then ``itunes:subtitle``; a subtitle that
    the body only truncates loses to the body's fuller paragraph.
    """
    desc_first = bool(desc) and len(desc) < len(main) // 2
    if parts and parts.summary and not desc_first and not parts.summary.endswith(("…", "...")):
        return clean_text(parts.summary).strip()  # html_to_parts chose it by the same rules
    cands: list[Callable[[], Sequence[str]]] = []
    if desc_first:
        cands.append(lambda: _paragraphs_of(desc))
    if parts and parts.summary:
        cands.append(lambda: [clean_text(parts.summary).strip()])
    elif desc:
        cands.append(lambda: _paragraphs_of(desc))
    sub = str(e.get("subtitle") or "")
    if sub.strip():
        cands.append(lambda: _paragraphs_of(sub, 4000))
    return pick_summary(cands, title)


_LEGACY_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])[\"'”’)]?\s+(?=[\"'“‘(]?[A-Z0-9À-Ý])")


def _legacy_summary(parts: HtmlParts | None, main: str, desc: str) -> str:
    """The summary as the previous release chose it, for the hash of a guid-less item.

    Why: an item with neither guid nor link is known by a hash of its text; the
    hash keeps the old summary so such an item keeps its id (and its marks)
    across the upgrade.
    """
    summary = clean_text(parts.lead).strip() if parts else ""
    if desc and (not summary or len(desc) < len(main) // 2):
        dtext = clean_line(_strip_tags(desc[:20000]))
        if dtext:
            if len(dtext) > 1000:
                first = _LEGACY_SENTENCE_END_RE.split(dtext, 1)[0]
                dtext = first if len(first) <= 1000 else first[:1000].rsplit(" ", 1)[0] + "…"
            summary = dtext
    return summary


def _fallback_parts(html_text: str) -> HtmlParts:
    """Plain text when the real HTML step fails: tags dropped, paragraphs kept."""
    text = re.sub(r"(?i)<\s*(?:br|/p|/div|/li|/h\d)[^>]{0,200}>", "\n", html_text)
    text = re.sub(r"(?is)<(script|style)[^>]{0,200}>.{0,200000}?</\1\s*>", " ", text)
    body = clean_text(_strip_tags(text))
    body = "\n".join(ln.strip() for ln in body.splitlines() if ln.strip())
    paras = body.split("\n") if body else []
    return HtmlParts(
        summary=summary_of(paras),
        key_points=pick_points((), paras),
        key_points_derived=True,
        sections=(),
        body=body,
        lead=paras[0] if paras else "",
    )


def _plain_to_html(text: str) -> str:
    paras = re.split(r"\n\s*\n", text)
    return "".join(f"<p>{html_mod.escape(p).replace(chr(10), '<br>')}</p>" for p in paras)


def _meaningful(html_text: str) -> int:
    """How much text a field holds once tags and whitespace are gone (for 'richest')."""
    if not html_text or not html_text.strip():
        return 0
    if "<" not in html_text:
        return len(html_text.strip())
    if len(html_text) > 20_000 and _TAG_RE.sub("", html_text[:20_000]).strip():
        return len(html_text) // 2  # plainly rich: not worth a full pass
    return len("".join(_TAG_RE.sub(" ", html_text[:200_000]).split()))


def _content_of(e: Any) -> tuple[str, str | None, str]:
    """(main HTML, its xml:base, the other description): the richest field is the body.

    Candidates are every ``content`` value (``content:encoded``, Atom content,
    an ``itunes:summary`` feedparser filed there) and ``summary``
    (description, ``media:description``); an empty or whitespace-only one never
    hides another. The description is returned too when it is not the body: a
    feed's own short description is the better summary of a long post.
    """
    fields: list[tuple[int, str, str | None]] = []
    for c in e.get("content") or ():
        v = c.get("value") or ""
        if "plain" in str(c.get("type", "")):
            v = _plain_to_html(v)
        fields.append((_meaningful(v), v, c.get("base")))
    sd = e.get("summary_detail") or {}
    summ = e.get("summary") or ""
    if summ and "plain" in str(sd.get("type", "")):
        summ = _plain_to_html(summ)
    if not fields:  # the common RSS item: a description only
        return (summ, sd.get("base"), "") if summ.strip() else ("", None, "")
    summ_n = _meaningful(summ)
    best_n, best, best_base = 0, "", None
    for n, v, b in fields:
        if n > best_n:
            best_n, best, best_base = n, v, b
    if summ_n > best_n:
        return summ, sd.get("base"), ""
    if not best_n:
        return "", None, ""
    return best, best_base, summ if summ_n and summ != best else ""


_BLOCK_BREAK_RE = re.compile(r"(?i)<\s*(?:br|/?p|/div|/li|/h\d|/blockquote|/tr)[^>]{0,200}>")


def _paragraphs_of(text: str, limit: int = 20000) -> list[str]:
    """A short field (description, subtitle) as paragraphs of plain text, cheaply."""
    t = text[:limit]
    if "<" in t:
        t = _strip_tags(_BLOCK_BREAK_RE.sub("\n\n", t))
        if "<" in t:  # escaped twice: the markup shows through as text
            t = _TAG_RE.sub(" ", _BLOCK_BREAK_RE.sub("\n\n", t))
    elif "&" in t:
        t = html_mod.unescape(t)
    out = []
    for para in re.split(r"\n\s*\n|\n(?=\s*[-*•]\s)", t):
        line = clean_line(para)
        if line:
            out.append(line)
    return out


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


def _entry(e: Any, feed_base: str | None, ctx: _FeedContext) -> ParsedEntry:
    """One feedparser (or feedfast) entry → a ParsedEntry with a guid; may raise."""
    link = item_link(e, feed_base, ctx.selves, ctx.guids_as_written())
    main, main_base, desc = _content_of(e)
    base = safe_url(main_base or "", None) or link or safe_url(feed_base or "", None)
    title = _title(e.get("title"), e.get("title_detail"))
    parts = _html_parts(main[:MAX_HTML_PER_ENTRY], base, title) if main.strip() else None
    summary = _summary(e, parts, main, desc, title)
    body = parts.body if parts else ""
    if body and not body.isascii():  # ASCII lines left html_to_parts clean already
        body = clean_text(body).strip()
    if not title:
        title = first_sentence(summary or body, 120) or "(untitled)"
        if fold(summary) == fold(title):
            summary = ""  # the title was made of it: not said twice (the body keeps it)
    show = None  # set for the whole feed at once (store.parse.feed_show)
    guid = clean_line(str(e.get("id") or ""))[:1000] or link
    if not guid:
        legacy = _legacy_summary(parts, main, desc)
        guid = "h:" + short_hash(title, legacy[:300], body[:300], str(e.get("published") or ""))
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
    derived = bool(parts.key_points_derived) if parts else False
    points = tuple(k for k in (quick_clean_line(x) for x in parts.key_points) if k) if parts else ()
    minutes = reading_minutes(body) if body else None
    if not (parts and parts.sections):
        points, body = unrepeated(summary, points, derived, body)
    return ParsedEntry(
        title=title,
        show=show,
        author=author,
        link=link,
        published=published,
        summary=summary,
        key_points=points,
        key_points_derived=derived,
        sections=tuple(parts.sections) if parts else (),
        body=body,
        enclosure=_enclosure(e, base),
        reading_minutes=minutes,
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
    shows: bool = True,
    fast_only: bool = False,
) -> ParsedDocument:
    """Parse a feed's bytes into a document whose entries all carry a ``guid``.

    ``base_url`` is where the bytes came from (relative links resolve against
    it); ``headers`` are the HTTP response headers (a charset in Content-Type
    is honoured when the body is not valid UTF-8). Raises ParseError when
    nothing usable is found; a feed with a valid header and no items is an
    empty document, not an error. Never raises anything else. ``shows=False``
    leaves the feed-wide show rule to a caller that parses only some items
    (``store.sync.feed_job``: it decides the rule over all of them).
    ``fast_only`` raises ParseError unless the fast reader reads the document:
    its items are read each on its own, where feedparser carries state from one
    item to the next, so only then may a caller parse some items without the rest.
    """
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
    elif fast_only:
        raise ParseError("not a plain RSS 2.0 feed")
    else:
        import feedparser  # ~65 ms to import; most feeds take the fast path

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
    ctx = _FeedContext(prepared, feed, base)
    entries: list[ParsedEntry] = []
    for e in raw_entries:
        try:
            entries.append(_entry(e, feed_base, ctx))
        except Exception:  # one broken item never costs the others
            continue
    try:
        shown = assign_shows(entries, feed_title) if shows else tuple(entries)
    except Exception:  # pragma: no cover - a rule never costs the entries
        shown = tuple(entries)
    warnings: tuple[str, ...] = ()
    if bozo is not None and not _harmless(bozo):
        warnings = (f"ill-formed feed, read leniently ({_bozo_text(bozo)})",)
    # the channel's own link (alternate, else self): part of its items' identity
    selfs = [x.get("href") for x in feed.get("links") or () if x.get("rel") == "self"]
    channel_link = str(feed.get("link") or next(iter(selfs), None) or "") or None
    return ParsedDocument(
        entries=shown,
        source_name=feed_title,
        channel_link=channel_link,
        kind="feed",
        warnings=warnings,
    )


def _bozo_text(exc: Any) -> str:
    msg = clean_line(str(getattr(exc, "getMessage", lambda: exc)()) or str(exc))
    return f"{exc.__class__.__name__}: {msg}"[:200] if msg else exc.__class__.__name__


def _harmless(exc: Any) -> bool:
    return exc.__class__.__name__ in ("CharacterEncodingOverride", "NonXMLContentType")
