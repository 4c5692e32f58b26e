"""What a saved web page says about itself: title, date, author, site name.

Pages state these in several places, and the most deliberate one wins:
JSON-LD (what the publisher tells search engines), then Open Graph /
``article:*`` / Dublin Core / ``<meta name=…>``, then ``<time datetime>``, and
only last the ``<title>`` (which usually carries the site name after a dash).
Everything is read from attributes and text nodes; nothing is parsed as
markup, and JSON-LD is read with ``json.loads`` only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from store.parse.common import find_date
from store.text import clean_line, safe_url

__all__ = ["PageMeta", "iso_date", "page_meta", "split_site_from_title"]

MAX_FIELD = 300


@dataclass(frozen=True, slots=True)
class PageMeta:
    """The page's own statements about itself (``None`` where it says nothing)."""

    title: str | None = None
    date: str | None = None  # ISO-8601 (date, or date and time when the page gives one)
    author: str | None = None
    site_name: str | None = None
    description: str | None = None
    doc_title: str | None = None  # the raw <title>
    url: str | None = None  # the page's canonical address
    h1: str | None = None  # the first visible top heading
    is_article: bool = False  # the page calls itself an article (og:type, JSON-LD, article:*)


_ISO_FULL_RE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?"
)


def iso_date(value: str | None) -> str | None:
    """A date as the page wrote it → ISO-8601 (UTC when a time and zone are given).

    Dates outside 1900..next year are refused: pages carry placeholder dates
    (``0001-01-01``, ``2099-12-31``) that no reader should sort by.
    """
    if not value:
        return None
    s = clean_line(value)[:100]
    m = _ISO_FULL_RE.match(s)
    out: str | None = None
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            if m.group(4) and m.group(7):
                zone = m.group(7).replace("Z", "+00:00")
                if ":" not in zone:
                    zone = zone[:3] + ":" + zone[3:]
                dt = datetime.fromisoformat(
                    f"{m.group(1)}-{m.group(2)}-{m.group(3)}T{m.group(4)}:{m.group(5)}:"
                    f"{m.group(6) or '00'}{zone}"
                )
                out = dt.astimezone(UTC).isoformat()
                y = dt.astimezone(UTC).year
            else:
                out = datetime(y, mo, d).date().isoformat()
        except ValueError:
            out = None
    else:
        out = find_date(s)
        y = int(out[:4]) if out else 0
    if out is None or not (1900 <= y <= datetime.now(UTC).year + 1):
        return None
    return out


def _meta_map(tree: LexborHTMLParser) -> dict[str, str]:
    """``<meta>`` values by lower-cased property/name/itemprop (first one wins)."""
    out: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes or {}
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        value = attrs.get("content")
        if not key or not value:
            continue
        k = key.strip().lower()
        if k not in out and value.strip():
            out[k] = value
    return out


def _first(d: dict[str, str], *keys: str) -> str | None:
    for k in keys:
        v = d.get(k)
        if v and clean_line(v):
            return _clean(v)
    return None


def _clean(v: str) -> str:
    """A metadata value as one line; a double-escaped entity (``&#x27;``) decoded."""
    from store.parse.outline import undo_double_escape

    return clean_line(undo_double_escape(v))[:MAX_FIELD]


def _json_ld_objects(tree: LexborHTMLParser) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` members included."""
    out: list[dict[str, Any]] = []
    for node in tree.css('script[type="application/ld+json"]'):
        raw = (node.text(deep=True) or "").strip()
        if len(raw) > 500_000:
            continue
        # some pages wrap the JSON in CDATA or a comment, for old XHTML parsers
        raw = _LD_WRAP_RE.sub("", raw)
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack: list[Any] = [data]
        while stack and len(out) < 200:
            x = stack.pop()
            if isinstance(x, list):
                stack.extend(reversed(x))
            elif isinstance(x, dict):
                out.append(x)
                graph = x.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))
    return out


_POST_TYPES = re.compile(r"(article|posting|report|review|recipe|howto)\b", re.I)
_LD_WRAP_RE = re.compile(r"^\s*(?:<!\[CDATA\[|<!--)|(?:\]\]>|-->)\s*$")
_ARTICLE_TYPES = re.compile(
    r"(article|posting|report|blog|news|webpage|creativework|review|recipe|howto)$", re.I
)


def _name_of(x: Any) -> str | None:
    """A person/organisation as JSON-LD gives it: a string, an object, or a list of them."""
    if isinstance(x, str):
        return clean_line(x)[:MAX_FIELD] or None
    if isinstance(x, dict):
        n = x.get("name")
        return clean_line(n)[:MAX_FIELD] or None if isinstance(n, str) else None
    if isinstance(x, list):
        names = [n for n in (_name_of(y) for y in x[:5]) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _ld_fields(objs: list[dict[str, Any]]) -> dict[str, str]:
    """Headline, date, author and publisher of the page's main JSON-LD object."""
    out: dict[str, str] = {}
    typed = [o for o in objs if _ARTICLE_TYPES.search(str(o.get("@type") or ""))]
    if any(_POST_TYPES.search(str(o.get("@type") or "")) for o in typed):
        out["is_article"] = "1"
    for o in typed:
        for key in ("headline", "name"):
            v = o.get(key)
            is_headline = key == "headline" or "article" in str(o.get("@type")).lower()
            if isinstance(v, str) and clean_line(v) and "title" not in out and is_headline:
                out["title"] = _clean(v)
        for key in ("datePublished", "dateCreated", "dateModified"):
            v = o.get(key)
            if isinstance(v, str) and "date" not in out and iso_date(v):
                out["date"] = v
        if "author" not in out:
            a = _name_of(o.get("author") or o.get("creator"))
            if a:
                out["author"] = a
        if "site" not in out:
            p = _name_of(o.get("publisher"))
            if p:
                out["site"] = p
    for o in objs:
        if "site" not in out and str(o.get("@type") or "").lower() == "website":
            n = _name_of(o.get("name"))
            if n:
                out["site"] = n
    return out


_SITE_PREFIX_RE = re.compile(r"^(.{3,80}?)(?::|\s[|\-–—·»])\s+(.+)$")
_DOMAIN_RE = re.compile(r"^(?:www\.)?[\w-]{1,60}(?:\.[\w-]{1,60})*\.[A-Za-z]{2,12}$")
_TITLE_SEP_RE = re.compile(r"\s+[|\-–—·:»]\s+")


def split_site_from_title(title: str, site: str | None) -> tuple[str, str | None]:
    """``Post title | Site`` → (``Post title``, ``Site``) when one side is the site.

    Only a side that names the site (or, with no known site, one short last
    part after a bar) is taken off: titles have dashes of their own.
    """
    seps = list(_TITLE_SEP_RE.finditer(title))
    if not seps:
        return title, site
    head, tail = title[: seps[-1].start()].strip(), title[seps[-1].end() :].strip()
    first, rest = title[: seps[0].start()].strip(), title[seps[0].end() :].strip()
    if site:
        low = site.casefold()
        if tail.casefold() == low or (low in tail.casefold() and len(tail) <= len(site) + 15):
            return head or title, site
        if first.casefold() == low:
            return rest or title, site
        return title, site
    if len(seps) == 1 and _DOMAIN_RE.match(first) and not _DOMAIN_RE.match(tail):
        return rest, first  # "example.org — What the page is"
    short_tail = "|" in seps[0].group() and len(tail.split()) <= 4
    if len(seps) == 1 and len(tail) < len(head) and (short_tail or _DOMAIN_RE.match(tail)):
        return head, tail
    return title, None


def page_meta(tree: LexborHTMLParser) -> PageMeta:
    """Read the page's metadata; never raises on odd markup."""
    meta = _meta_map(tree)
    ld = _ld_fields(_json_ld_objects(tree))
    title_node = tree.css_first("title")
    doc_title = _clean(title_node.text(deep=True) or "") if title_node else ""
    site = ld.get("site") or _first(
        meta, "og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site"
    )
    if site and site.startswith("@"):  # a twitter handle is not a name
        site = site[1:] or None
    h1_node = tree.css_first("article h1, main h1, h1")
    h1 = _clean(h1_node.text(deep=True) or "") if h1_node is not None else ""
    title = _pick_title(
        h1,
        [ld.get("title"), _first(meta, "og:title", "twitter:title", "dc.title"), doc_title],
    )
    if doc_title and not site:
        site = split_site_from_title(doc_title, None)[1]
    if not title and doc_title:
        title = split_site_from_title(doc_title, site)[0]
    elif title and site:
        title, _ = split_site_from_title(title, site)
    date = None
    for raw in (
        ld.get("date"),
        _first(
            meta,
            "article:published_time",
            "og:published_time",
            "datepublished",
            "dc.date.issued",
            "dc.date",
            "dcterms.date",
            "date",
            "pubdate",
            "publish-date",
            "sailthru.date",
            "parsely-pub-date",
        ),
    ):
        date = iso_date(raw)
        if date:
            break
    if not date:
        for node in tree.css("time"):
            date = iso_date((node.attributes or {}).get("datetime") or "")
            if date:
                break
    author = ld.get("author") or _first(
        meta, "author", "article:author", "dc.creator", "parsely-author", "sailthru.author"
    )
    if author and author.startswith(("http://", "https://")):
        author = None  # article:author is often a profile URL
    if not author:
        author = _byline(tree)
    description = _first(meta, "og:description", "description", "twitter:description")
    url = _canonical(tree, meta)
    if not site and url:
        # the page names no publisher: its own address's host is the next best name
        host = urlsplit(url).hostname or ""
        site = host.removeprefix("www.") or None
    return PageMeta(
        title=title or None,
        date=date,
        author=author or None,
        site_name=site or None,
        description=description,
        doc_title=doc_title or None,
        url=url,
        h1=h1 or None,
        is_article=bool(
            ld.get("is_article")
            or (meta.get("og:type") or "").strip().lower().startswith("article")
            or meta.get("article:published_time")
        ),
    )


_BYLINE_SELECTORS = (
    '[itemprop="author"] [itemprop="name"]',
    '[rel="author"]',
    '[itemprop="author"]',
    ".byline__name, .byline-name, .author-name, .author__name, .authorName",
    ".byline",
    ".author",
    '[class*="byline"]',
)
_BY_PREFIX_RE = re.compile(
    r"^(?:(?:written|posted|published|reviewed|edited)\s+)?"
    r"(?:by|par|von|por|door|di|av|af|de)\s*:?\s+",
    re.I,
)
_NOT_A_NAME_RE = re.compile(
    r"^(?:follow|author|authors|about the author|more from|posted|share|contact|staff)\b", re.I
)


def _byline(tree: LexborHTMLParser) -> str | None:
    """The visible byline ("By Ada Lovelace"), when metadata names no author:
    the first element marked as the author whose text reads as a name."""
    for sel in _BYLINE_SELECTORS:
        for node in tree.css(sel)[:5]:
            text = clean_line(node.text(deep=True, separator=" "))
            text = _BY_PREFIX_RE.sub("", text)
            text = re.split(r"\s*(?:\d|\||·|•|—|–\s|,\s*(?:updated|published))", text, maxsplit=1)[
                0
            ]
            text = text.strip(" ,;:-")
            words = text.split()
            if not 1 <= len(words) <= 6 or _NOT_A_NAME_RE.match(text):
                continue
            if not text[0].isupper() or sum(ch.isalpha() for ch in text) < 0.7 * len(text):
                continue
            return text[:MAX_FIELD]
    return None


def _pick_title(h1: str, candidates: list[str | None]) -> str | None:
    """The page's own heading when a metadata title names it too (metadata titles
    carry site names and taglines; the visible heading is what the reader saw),
    else the first metadata title."""
    given = [clean_line(c) for c in candidates if c and clean_line(c)]
    if h1 and len(h1) >= 3:
        low = h1.casefold()
        for c in given:
            m = _SITE_PREFIX_RE.match(c)
            if m and m.group(1).casefold() == low and len(m.group(2)) > len(h1):
                return m.group(2)  # "Blog Name: Post title": the page's h1 is the masthead
        if any(
            c.casefold().startswith(low) or (low in c.casefold() and len(low) * 2 >= len(c))
            for c in given
        ):
            return h1
    return given[0] if given and given[0] != (candidates[-1] or "") else None


def _canonical(tree: LexborHTMLParser, meta: dict[str, str]) -> str | None:
    node = tree.css_first('link[rel="canonical"]')
    href = (node.attributes or {}).get("href") if node is not None else None
    return safe_url(href or meta.get("og:url") or "") or None
