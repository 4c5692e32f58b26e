"""A fast reader for plain, well-formed RSS 2.0, giving what feedparser would give.

Why: feedparser's SAX handlers cost ~0.4 ms of CPU an item, the largest single
cost of a refresh into an empty library. ElementTree builds the same tree in
C in a few microseconds an item. This module reads only what ``store.parse.feed``
uses of an entry (title, link, guid, date, author, categories, description,
``content:encoded``, comments, enclosure, ``itunes:duration``) and produces the
same values feedparser 6 produces for them: the same whitespace strip,
latin-1/UTF-8 and cp1252 repairs, HTML-looking-title rule, URI joining, date
parser and summary/content precedence (feedparser's own helpers are used for
these, so the two cannot drift apart).

It is deliberately narrow. Anything it does not reproduce exactly makes it
return None, and feedparser parses the document as before: another root or
version (Atom, RDF, 0.9x), any DOCTYPE, ``xml:base``/``base`` attributes, any
item element outside the list above (``itunes:summary``, ``media:title``…
map onto fields feedparser fills), attributes on text elements, repeated
fields, markup inside a text element, ``&`` in a link, an author with an
e-mail address. ``dc:creator``, ``dc:date`` and ``dc:subject`` are read as
feedparser reads them (author, updated date, tag).
``tests/store/test_feedfast.py`` checks both readers give equal documents on the
real-feed corpus, the hostile corpus and generated feeds.
"""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ET
from typing import Any

__all__ = ["read_rss20"]

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DURATION = "{http://www.itunes.com/dtds/podcast-1.0.dtd}duration"
_ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CREATOR, _DC_DATE, _SUBJECT = _DC + "creator", _DC + "date", _DC + "subject"
_MEDIA = "{http://search.yahoo.com/mrss/}"
# item children read here, and those feedparser keeps to fields we never read
_ONCE = {
    "title", "link", "guid", "pubDate", "author", "description", "comments", _CONTENT,
    _CREATOR, _DC_DATE,
}  # fmt: skip
_READ = _ONCE | {"category", "enclosure", _DURATION, _SUBJECT}
_IGNORED = {  # feedparser: entry.source, wfw/slash values, media_content/_thumbnail lists
    "source",
    "{http://wellformedweb.org/CommentAPI/}commentRss",
    "{http://purl.org/rss/1.0/modules/slash/}comments",
    _MEDIA + "content",
    _MEDIA + "thumbnail",
}
_ALLOWED = _READ | _IGNORED
# the attributes each item element may carry here (lower-cased, as feedparser
# sees them); any other attribute, and any on elements not listed, is a bail
_ATTRS_OK = {
    "guid": {"ispermalink"},
    "category": {"domain"},
    "enclosure": {"url", "uri", "href", "type", "length"},
}
# what an <image> holds; anything else in it can leave feedparser's image
# state and make a later <title> the feed's
_IMAGE_PARTS = {"url", "title", "link", "width", "height", "description"}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


class _Bail(Exception):
    """This document needs feedparser."""


def _helpers() -> tuple[Any, Any, Any, Any]:
    """feedparser's own date parser, URI join, cp1252 map and HTML test (lazy import)."""
    from feedparser.datetimes import _parse_date
    from feedparser.mixin import _cp1252, _FeedParserMixin
    from feedparser.urls import _urljoin

    return _parse_date, _urljoin, _cp1252, _FeedParserMixin.looks_like_html


def _text(el: ET.Element, cp1252: dict[int, str]) -> str:
    """An element's text as feedparser's ``pop`` leaves it (no child markup allowed)."""
    if len(el):
        raise _Bail
    s = (el.text or "").strip()
    if not s.isascii():
        # feedparser: UTF-8 that was read as latin-1 and re-encoded
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            s = s.encode("iso-8859-1").decode("utf-8")
        s = s.translate(cp1252)
    return s


def read_rss20(data: bytes, base: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """(feed, entries) as feedparser's dicts would give them, or None to use feedparser.

    ``data`` is ``store.parse.feed_bytes.prepare_xml`` output (UTF-8, no DOCTYPE);
    ``base`` is the document's URL ('' when there is none).
    """
    head = data[:4096]
    if b"<rss" not in head or b"base=" in data or b"<!DOCTYPE" in data:
        return None
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, ValueError, RecursionError):
        return None
    if root.tag != "rss" or root.attrib != {"version": "2.0"} or len(root) != 1:
        return None
    channel = root[0]
    if channel.tag != "channel" or channel.attrib:
        return None
    try:
        return _read(channel, base, _helpers())
    except _Bail:
        return None


def _put_title(d: dict[str, Any], value: str, looks_like_html: Any) -> None:
    """feedparser's title: kept when not empty, typed HTML when it looks like HTML."""
    if value:
        d["title"] = value
        d["title_detail"] = {"type": "text/html" if looks_like_html(value) else "text/plain"}


def _read(
    channel: ET.Element, base: str, helpers: tuple[Any, Any, Any, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    parse_date, urljoin, cp1252, looks_like_html = helpers
    feed: dict[str, Any] = {}
    items: list[ET.Element] = []
    for child in channel:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a comment or processing instruction
        if tag == "item":
            items.append(child)
        elif tag in ("title", "link"):
            if tag in feed or child.attrib:
                raise _Bail
            value = _text(child, cp1252)
            if tag == "title":
                _put_title(feed, value, looks_like_html)
            elif "&" in value:
                raise _Bail  # feedparser rewrites "&name;" in links
            else:
                feed["link"] = urljoin(base, value) if value else value
        elif tag == _ATOM_LINK:
            rel = (child.get("rel") or "alternate").lower()
            if rel == "alternate" or not child.get("href") or len(child):
                raise _Bail  # it would become the feed's link (an empty one, without href)
        elif tag == "image":
            if child.attrib or any(
                not isinstance(c.tag, str) or c.tag not in _IMAGE_PARTS or len(c) for c in child
            ):
                raise _Bail
        elif len(child) or _local(tag) in ("title", "link", "item", "entry", "image", "textinput"):
            # <Item>, dc:title, an item inside another element…: feedparser's business
            raise _Bail
    entries = [_item(it, base, parse_date, urljoin, cp1252, looks_like_html) for it in items]
    return feed, entries


def _item(
    item: ET.Element,
    base: str,
    parse_date: Any,
    urljoin: Any,
    cp1252: dict[int, str],
    looks_like_html: Any,
) -> dict[str, Any]:
    e: dict[str, Any] = {}
    seen: set[str] = set()
    tags: list[tuple[str | None, str | None]] = []
    links: list[dict[str, Any]] = []
    guid_is_link = False
    if item.attrib:
        raise _Bail  # feedparser reads href=, rdf:about=, lastmod=, xml:base= on items
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag not in _ALLOWED:
            raise _Bail
        if tag in _ONCE:
            if tag in seen:
                raise _Bail
            seen.add(tag)
        if tag in _IGNORED:
            if len(child) or any(_local(k) == "base" for k in child.attrib):
                raise _Bail  # media:title inside media:content is a title to feedparser
            continue
        attrib = child.attrib  # most item elements have none: no comprehension then
        attrs = {_local(k): v for k, v in attrib.items()} if attrib else {}
        if attrs and not attrs.keys() <= _ATTRS_OK.get(tag, set()):
            raise _Bail  # type=, xml:lang=, xml:base=, term=…
        if tag == "enclosure":
            if len(child) or child.text and child.text.strip():
                raise _Bail
            # feedparser's _enforce_href: url, else uri, else href; kept only when not empty
            href = attrs.get("url", attrs.get("uri", attrs.get("href")))
            if href:
                attrs.pop("url", None)
                attrs.pop("uri", None)
                attrs["href"] = href
            if "type" in attrs:
                attrs["type"] = attrs["type"].lower()
            links.append({**attrs, "rel": "enclosure"})
            continue
        value = _text(child, cp1252)
        if tag == "title":
            _put_title(e, value, looks_like_html)
        elif tag == "link":
            if "&" in value or child.attrib:
                raise _Bail
            e["link"] = urljoin(base, value) if value else value
            links.insert(0, {"rel": "alternate", "type": "text/html", "href": e["link"]})
        elif tag == "guid":
            perma = attrs.get("ispermalink", "true")
            guid_is_link = perma == "true"
            e["id"] = urljoin(base, value) if value and guid_is_link else value
        elif tag == "pubDate":
            e["published"] = value
            e["published_parsed"] = parse_date(value)
        elif tag == "author" or tag == _CREATOR:
            if "@" in value or "<" in value or "author" in e:
                raise _Bail  # feedparser parses e-mails; two authors: last one wins
            e["author"] = value
        elif tag == _DC_DATE:
            e["updated"] = value
            e["updated_parsed"] = parse_date(value)
        elif tag == "category" or tag == _SUBJECT:
            domain = attrs.get("domain")
            if not value:
                raise _Bail  # feedparser keeps a tag with no term
            if (value, domain) not in tags:
                tags.append((value, domain))
        elif tag == "description":
            e["summary"] = value
            e["summary_detail"] = {"type": "text/html", "base": base}
        elif tag == _CONTENT:
            e["content"] = [{"type": "text/html", "base": base, "value": value}]
        elif tag == "comments":
            e["comments"] = urljoin(base, value) if value else value
        elif tag == _DURATION:
            e["itunes_duration"] = value
    if "link" not in e and guid_is_link and e.get("id"):
        e["link"] = e["id"]
    if "summary" not in e and "content" in e:
        e["summary"] = e["content"][0]["value"]  # feedparser's _end_content copy
    if tags:
        e["tags"] = [{"term": t, "scheme": d, "label": None} for t, d in tags]
    if links:
        e["links"] = links
    return e
