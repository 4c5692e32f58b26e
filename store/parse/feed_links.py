"""An item's link, honestly: a page of the item, never its guid or the feed itself.

Why: feedparser makes a guid the link whenever ``isPermaLink`` is not
"false", and joins it to the document's URL first, so a podcast's uuid guids
became "http://the-feed-server/1c9e…" links; Atom feeds list their own
``rel="self"`` (WordPress: ``wp-atom.php``) where an entry link is expected;
``javascript:`` and ``data:`` URLs pass through. The rules:

* a guid becomes the link only when it was written as an absolute http(s) URL
  (``raw_guids`` holds the guids as written, to tell a joined one apart);
* the feed's own URL, its ``rel="self"`` links and feed-shaped URLs
  (``*-atom.php``, ``*-rss2.php``, ``/feed/atom``…) are never item links; the
  next alternate link of the entry is taken instead;
* relative links resolve against xml:base (feedparser) or the feed URL;
* anything but http(s) is dropped.
"""

from __future__ import annotations

import html as html_mod
import re
from typing import Any

from store.text import safe_url

__all__ = ["item_link", "raw_guids", "self_links"]

_GUID_RE = re.compile(
    rb"<(?:guid|id)(?:\s[^>]{0,300})?>\s*(?:<!\[CDATA\[\s*(.{1,2000}?)\s*\]\]>|([^<]{1,2000}?))\s*</",
)
_SELF_PATH_RE = re.compile(
    r"(?:[-_](?:atom|rss2?|rdf)\.php|/feed(?:/(?:atom|rss2?|rdf))?/?|\.(?:rss|atom)|/rss\.xml|"
    r"/atom\.xml|/feed\.xml)$",
    re.I,
)


def raw_guids(xml: bytes) -> set[str]:
    """The guids/ids of a document as written (entities decoded), before any URL join."""
    out: set[str] = set()
    for m in _GUID_RE.finditer(xml):
        raw = (m.group(1) or m.group(2) or b"").decode("utf-8", "replace").strip()
        if raw:
            out.add(html_mod.unescape(raw))
    return out


def self_links(feed: Any, base: str | None) -> set[str]:
    """The URLs that name the feed itself: where it came from and its rel="self" links."""
    out = {base} if base else set()
    for link in feed.get("links") or ():
        if link.get("rel") == "self" and link.get("href"):
            out.add(str(link.get("href")))
    return out


def _http(url: str | None, base: str | None) -> str | None:
    u = safe_url(str(url or "").strip(), base) if url else None
    return u if u and u.startswith(("http://", "https://")) else None


def _is_self(url: str, selves: set[str]) -> bool:
    return url in selves or bool(_SELF_PATH_RE.search(url.split("?", 1)[0].split("#", 1)[0]))


def item_link(
    e: Any, base: str | None, selves: set[str], guids_as_written: set[str] | None
) -> str | None:
    """The entry's link per the rules above, or None.

    ``guids_as_written`` is ``raw_guids`` of the document when its guids may
    have been joined to a base URL (None: they were not, the id is as written).
    """
    link = str(e.get("link") or "").strip()
    gid = str(e.get("id") or "").strip()
    alternates = [
        str(x.get("href") or "")
        for x in e.get("links") or ()
        if x.get("rel", "alternate") == "alternate" and x.get("href")
    ]
    self_of_entry = {
        str(x.get("href")) for x in e.get("links") or () if x.get("rel") == "self" and x.get("href")
    }
    cands: list[str] = []
    if link:
        from_guid = link == gid and link not in alternates
        if from_guid:
            written = gid if guids_as_written is None else (gid if gid in guids_as_written else "")
            if written.startswith(("http://", "https://")):
                cands.append(link)
        else:
            cands.append(link)
    cands.extend(a for a in alternates if a not in cands)
    for c in cands:
        u = _http(c, base)
        if u and u not in self_of_entry and not _is_self(u, selves):
            return u
    return None
