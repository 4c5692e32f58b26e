"""A clean feed's bytes → its items' byte ranges, keys and hashes, without parsing.

Why: a daily refresh gets each feed's bytes back with a few new items on top
of hundreds already stored. Parsing, tagging and encoding all of them again is
most of the refresh's cost; splitting the document at its ``<item>`` /
``<entry>`` tags costs a regex scan. The caller then parses a reduced document
(everything but the items it already knows, original bytes) instead.

The splitter reads the output of ``feed_bytes.prepare_xml`` (UTF-8, no
DOCTYPE). It is deliberately timid: comments, CDATA sections and processing
instructions are stepped over (they may contain tag text), and anything it is
not sure of — an unknown root, a nested or self-closed item, an item tag of the
other dialect, an unclosed construct, two items with the same key or bytes —
gives None, and the caller parses the whole feed as it always did.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

__all__ = ["FeedSplit", "SplitItem", "split_feed"]

# what the scanner stops at: a comment, CDATA, a PI, or an item/entry tag (any prefix)
_TOKEN_RE = re.compile(
    rb"<!--|<!\[CDATA\[|<\?|<(/?)((?:[A-Za-z_][\w.-]*:)?)(item|entry)(?=[\s/>])",
)
# the rest of a tag after its name: attributes (quoted values may hold '>'), then '>'
_TAG_END_RE = re.compile(rb"""(?:[^>"']|"[^"]*"|'[^']*')*>""")
_ROOT_RE = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)([A-Za-z_][\w.-]*)")
_ROOTS = {b"rss": b"item", b"RDF": b"item", b"feed": b"entry"}

_SOURCE_RE = re.compile(rb"<(?:[\w.-]+:)?source\b.*?</(?:[\w.-]+:)?source\s*>", re.S)
_ID_RE = re.compile(rb"<(?:[\w.-]+:)?(?:guid|id)(?:\s[^>]*)?>(.*?)</", re.S)
_LINK_TEXT_RE = re.compile(
    rb"<(?:[\w.-]+:)?link(?:\s[^>]*)?>([^<]*(?:<!\[CDATA\[.*?\]\]>)?)</", re.S
)
_LINK_HREF_RE = re.compile(rb"""<(?:[\w.-]+:)?link\s[^>]*?href\s*=\s*["']([^"']*)["']""")
_ABOUT_RE = re.compile(rb"""\babout\s*=\s*["']([^"']*)["']""")
_CDATA_RE = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.S)

HASH_CHARS = 12  # hex digits of an item's hash: 48 bits, collisions within one feed never seen


@dataclass(frozen=True, slots=True)
class SplitItem:
    """One item: where its bytes are, its key (guid/id, else link, else None), their hash."""

    start: int
    end: int
    key: str | None
    hash: str


@dataclass(frozen=True, slots=True)
class FeedSplit:
    """A document cut at its items; ``reduced`` puts it back together without some."""

    data: bytes
    items: tuple[SplitItem, ...]

    def reduced(self, skip: set[str]) -> bytes:
        """The document without the items whose hash is in ``skip``: the channel's head,
        everything between and after the items, and the other items, byte for byte."""
        parts: list[bytes] = []
        pos = 0
        for it in self.items:
            if it.hash in skip:
                parts.append(self.data[pos : it.start])
                pos = it.end
        parts.append(self.data[pos:])
        return b"".join(parts)


def _text(raw: bytes) -> str | None:
    raw = _CDATA_RE.sub(lambda m: m.group(1), raw)
    s = html.unescape(raw.decode("utf-8", "replace")).strip()
    return s or None


def _key(item: bytes) -> str | None:
    """The item's guid/id text, else its link, else None (RDF: rdf:about before link)."""
    head_end = item.find(b">")
    m = _ID_RE.search(item)
    # the first id is the item's own when no <source> (an Atom entry's, which has
    # an id of its own) opens before it ends: then only the bytes up to it are
    # scanned, not the whole item as removing its sources does (a third of the split)
    if m is not None and item.find(b"source", 0, m.end()) < 0 and (k := _text(m.group(1))):
        return k
    body = _SOURCE_RE.sub(b"", item)
    m = _ID_RE.search(body)
    if m and (k := _text(m.group(1))):
        return k
    about = _ABOUT_RE.search(item, 0, head_end + 1)
    if about and (k := _text(about.group(1))):
        return k
    lt = _LINK_TEXT_RE.search(body)
    if lt and (k := _text(lt.group(1))):
        return k
    lh = _LINK_HREF_RE.search(body)
    return _text(lh.group(1)) if lh else None


def _root_item_name(data: bytes) -> bytes | None:
    """The item element's local name the root promises (rss/RDF → item, feed → entry)."""
    pos = 0
    while True:
        lt = data.find(b"<", pos)
        if lt < 0:
            return None
        if data.startswith(b"<?", lt):
            end = data.find(b"?>", lt)
            pos = end + 2 if end >= 0 else len(data)
        elif data.startswith(b"<!--", lt):
            end = data.find(b"-->", lt + 4)
            pos = end + 3 if end >= 0 else len(data)
        else:
            m = _ROOT_RE.match(data, lt)
            return _ROOTS.get(m.group(2)) if m else None
        if pos >= len(data):
            return None


def split_feed(data: bytes) -> FeedSplit | None:
    """The items of a clean RSS 2.0, RSS 1.0/RDF or Atom document, or None when unsure."""
    want = _root_item_name(data)
    if want is None:
        return None
    items: list[SplitItem] = []
    open_at = -1
    open_name = b""
    pos = 0
    while (m := _TOKEN_RE.search(data, pos)) is not None:
        tok = m.group(0)
        if tok in (b"<!--", b"<![CDATA[", b"<?"):
            close = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}[tok]
            end = data.find(close, m.end())
            if end < 0:
                return None
            pos = end + len(close)
            continue
        if m.group(3) != want:
            return None  # an <entry> in RSS or an <item> in Atom: not a shape we know
        tail = _TAG_END_RE.match(data, m.end())
        if tail is None:
            return None
        pos = tail.end()
        closing = m.group(1) == b"/"
        name = m.group(2) + m.group(3)
        if data[pos - 2 : pos - 1] == b"/":
            return None  # <item/>: an empty item is odd enough to parse whole
        if not closing:
            if open_at >= 0:
                return None  # nested items
            open_at, open_name = m.start(), name
        else:
            if open_at < 0 or name != open_name:
                return None
            raw = data[open_at:pos]
            # sha1: ~1.7x blake2b's speed here (a daily refresh hashes every item of
            # every changed body); a collision only costs a changed item its update
            digest = hashlib.sha1(raw, usedforsecurity=False).hexdigest()[:HASH_CHARS]
            items.append(SplitItem(open_at, pos, _key(raw), digest))
            open_at = -1
    if open_at >= 0:
        return None
    keys = [it.key for it in items if it.key is not None]
    hashes = {it.hash for it in items}
    if len(set(keys)) != len(keys) or len(hashes) != len(items):
        return None  # duplicates: which one a parse keeps depends on all of them
    if any(it.key is None for it in items):
        return None  # keyless items are identified by content: parse them together
    return FeedSplit(data, tuple(items))
