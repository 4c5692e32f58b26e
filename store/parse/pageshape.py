"""Which kind of web page this is: an article, a page of items, or a list of links.

Judged by the *shape* of the page, never by its wording: how much of its text
sits inside links, how much is prose (paragraphs of real sentences that are
not mostly links), and whether its headings are links to other pages. The
site's chrome (``nav``, ``aside``, ``footer``, forms, anything whose class or
id names a sidebar, menu, widget or comment block) is removed first, so a
sidebar's "Archives" or "About Me" never counts as content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = [
    "PageShape",
    "link_headings",
    "main_region",
    "page_shape",
    "strip_chrome",
    "text_units",
]

_CHROME_TAGS = ("nav", "aside", "footer", "form", "menu", "dialog", "noscript", "template")
_CHROME_ROLES = ("navigation", "complementary", "contentinfo", "search", "banner", "menu")
_CHROME_TOKEN_RE = re.compile(
    r"^(?:sidebar|side|widgets?|widget-area|menu|menus|nav|navbar|navigation|breadcrumbs?|"
    r"footer|site-footer|comments?|comment-list|related|share|sharing|social|"
    r"subscribe|cookie|cookies|consent|banner|advert|ads?|promo|popup|modal|toolbar|"
    r"skip-link|pagination|pager|tags?-cloud|tagcloud|blogroll|archives?)$",
    re.I,
)
_SPLIT_RE = re.compile(r"[\s_]+")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_HEADINGS = "h1, h2, h3, h4, h5, h6"


def text_units(text: str) -> int:
    """Words, counting two CJK characters as one (those scripts write no spaces)."""
    return len(text.split()) + len(_CJK_RE.findall(text)) // 2


def _tokens(node: LexborNode) -> list[str]:
    attrs = node.attributes or {}
    raw = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    out: list[str] = []
    for t in _SPLIT_RE.split(raw.strip()):
        if t:
            out.append(t)
            out.extend(p for p in t.split("-") if p and p != t)
    return out


def _is_chrome(node: LexborNode) -> bool:
    tag = node.tag or ""
    if tag in ("html", "body", "main", "article"):
        return False
    if tag in _CHROME_TAGS:
        return True
    attrs = node.attributes or {}
    role = (attrs.get("role") or "").strip().lower()
    if role in _CHROME_ROLES:
        return True
    if tag == "header":
        # the site's masthead, not an article's own header (title, byline)
        return _ancestor(node, ("article", "main")) is None
    return any(_CHROME_TOKEN_RE.match(t) for t in _tokens(node))


def _ancestor(node: LexborNode, tags: tuple[str, ...]) -> LexborNode | None:
    p = node.parent
    while p is not None:
        if p.tag in tags:
            return p
        p = p.parent
    return None


def _para_units(node: LexborNode) -> int:
    return sum(text_units(p.text(deep=True)) for p in node.css("p"))


def strip_chrome(tree: LexborHTMLParser) -> None:
    """Remove scripts, styles and the site's chrome from ``tree`` in place.

    A wrapper whose class merely mentions a sidebar (``with-sidebar``) can hold
    the article itself: an element carrying most of the page's paragraph text
    is never removed.
    """
    for node in tree.css("script, style, svg, iframe, object, embed, canvas, link, meta"):
        node.decompose()
    body = tree.body
    if body is None:
        return
    total = max(_para_units(body), 1)
    doomed: list[LexborNode] = []
    for node in body.traverse():
        if node.tag and not node.tag.startswith("-") and _is_chrome(node):
            doomed.append(node)
    for node in doomed:
        try:
            if _para_units(node) * 2 > total:
                continue
            node.decompose()
        except Exception:  # noqa: S112 - an ancestor was already removed
            continue


def main_region(tree: LexborHTMLParser) -> LexborNode | None:
    """The page's main content element: ``<main>``, one ``<article>``, or the body."""
    for sel in ("main", '[role="main"]'):
        node = tree.css_first(sel)
        if node is not None and text_units(node.text(deep=True)) >= 20:
            return node
    arts = [a for a in tree.css("article") if _ancestor(a, ("article",)) is None]
    if len(arts) == 1 and text_units(arts[0].text(deep=True)) >= 20:
        return arts[0]
    return tree.body


def _href(a: LexborNode) -> str | None:
    h = ((a.attributes or {}).get("href") or "").strip()
    if not h or h.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    return h


def _item_href(a: LexborNode) -> str | None:
    """A link to another page: an address with a fragment is a section anchor
    (``…/post#methods``), the heading's own permalink, not a listed item."""
    h = _href(a)
    return h if h and "#" not in h else None


def link_headings(region: LexborNode) -> list[tuple[LexborNode, str]]:
    """Headings that are (mostly) one link to another page: the titles of listed items."""
    out: list[tuple[LexborNode, str]] = []
    for h in region.css(_HEADINGS):
        text = " ".join((h.text(deep=True) or "").split())
        if not text:
            continue
        for a in h.css("a"):
            href = _item_href(a)
            label = " ".join((a.text(deep=True) or "").split())
            if href and len(label) >= 0.6 * len(text):
                out.append((h, href))
                break
        else:
            # <a href><h2>Title</h2></a>: the card pattern of many home pages
            parent = h.parent
            if parent is not None and parent.tag == "a" and _item_href(parent):
                out.append((h, _item_href(parent) or ""))
    return out


@dataclass(frozen=True, slots=True)
class PageShape:
    """Measures of the main region (after chrome removal)."""

    units: int  # words of visible text
    link_units: int  # words inside links
    prose_units: int  # words in text blocks that are prose, not links
    links: int
    item_headings: int  # headings that are links to other pages
    units_per_item: float  # words between consecutive item headings, on median
    body_units: int  # prose words of the one element holding the most prose
    body_items: int  # item headings inside that element
    body_node: LexborNode | None = field(default=None, compare=False, repr=False)

    @property
    def link_density(self) -> float:
        return self.link_units / self.units if self.units else 0.0

    @property
    def kind(self) -> str:
        """``items`` (several linked items whose text is on the page), ``index``
        (a list of links: titles, excerpts, navigation) or ``article``."""
        if self.body_units >= 150 and self.body_items < 3:
            return "article"  # one body of prose; linked headings around it are chrome
        if self.item_headings >= 3:
            return "items" if self.units_per_item >= 120 else "index"
        if self.prose_units < 40 and self.links >= 5:
            return "index"
        if self.links >= 10 and self.link_density >= 0.5 and self.prose_units < 300:
            return "index"
        if self.links >= 20 and self.prose_units < 0.15 * self.units:
            return "index"
        return "article"


_INLINE = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
        "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
        "var", "wbr",
    }
)  # fmt: skip
_DEEP_BLOCKS = frozenset({"p", "pre", "dd", "h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS_SEL = "p, pre, dd, div, td, li, blockquote, section, article, main, body"


def _own_text(blk: LexborNode) -> tuple[int, int]:
    """(words, words inside links) of a block's own text: its text and inline
    children, not the text of nested blocks (those are measured themselves)."""
    if blk.tag in _DEEP_BLOCKS:
        units = text_units(blk.text(deep=True) or "")
        linked = sum(text_units(a.text(deep=True) or "") for a in blk.css("a"))
        return units, linked
    units = linked = 0
    for c in blk.iter(include_text=True):
        tag = c.tag or ""
        if tag == "-text":
            units += text_units(c.text_content or "")
        elif tag in _INLINE and not c.css_first(_BLOCKS_SEL):
            n = text_units(c.text(deep=True) or "")
            units += n
            if tag == "a" or c.css_first("a") is not None:
                linked += n
    return units, linked


def page_shape(region: LexborNode) -> PageShape:
    """Measure ``region``; bounded work (the page is walked a few times)."""
    text = region.text(deep=True, separator=" ") or ""
    units = text_units(text)
    anchors = [a for a in region.css("a") if _href(a)]
    link_units = sum(text_units(a.text(deep=True) or "") for a in anchors)
    prose_units = 0
    by_holder: dict[int, int] = {}
    holders: dict[int, LexborNode] = {}
    blocks = list(region.css(_BLOCKS_SEL))
    if region.tag in ("div", "td", "section", "article", "main", "body"):
        blocks.append(region)
    for blk in blocks:
        n, linked = _own_text(blk)
        if n < 8 or linked >= 0.4 * n:
            continue
        prose_units += n
        holder = blk if blk.tag not in _DEEP_BLOCKS else (blk.parent or blk)
        if holder.tag == "li" and holder.parent is not None:
            holder = holder.parent  # a list's items are one body of text
        k = id_of(holder)
        by_holder[k] = by_holder.get(k, 0) + n
        holders[k] = holder
        up = holder.parent  # paragraphs wrapped one by one still make one body
        if up is not None and up.tag not in ("html", "body"):
            k = id_of(up)
            by_holder[k] = by_holder.get(k, 0) + n // 2
            holders[k] = up
    items = link_headings(region)
    per_item = _units_between(region, [h for h, _ in items]) if len(items) >= 3 else 0.0
    body_units = body_items = 0
    body_node = None
    if by_holder:
        best = max(by_holder, key=lambda k: by_holder[k])
        body_units = by_holder[best]
        body_node = holders[best]
        body_items = len(link_headings(body_node))
    return PageShape(
        units=units,
        link_units=link_units,
        prose_units=prose_units,
        links=len(anchors),
        item_headings=len(items),
        units_per_item=per_item,
        body_units=body_units,
        body_items=body_items,
        body_node=body_node,
    )


def _units_between(region: LexborNode, heads: list[LexborNode]) -> float:
    """Median words of text from each item heading to the next one, in document order."""
    marks = {id_of(h) for h in heads}
    counts: list[int] = []
    cur: int | None = None
    skip_until: Any = None
    for node in region.traverse(include_text=True):
        if skip_until is not None:
            if _inside(node, skip_until):
                continue
            skip_until = None
        if node.tag and node.tag[0] == "h" and id_of(node) in marks:
            if cur is not None:
                counts.append(cur)
            cur = 0
            skip_until = node
            continue
        if cur is not None and node.tag == "-text":
            cur += text_units(node.text_content or "")
    if cur is not None:
        counts.append(cur)
    if not counts:
        return 0.0
    counts.sort()
    return float(counts[len(counts) // 2])


def id_of(node: LexborNode) -> int:
    """A stable identity for a node during one walk (lexbor nodes are re-wrapped)."""
    return int(node.mem_id)


def _inside(node: LexborNode, ancestor: LexborNode) -> bool:
    target = id_of(ancestor)
    p = node.parent
    depth = 0
    while p is not None and depth < 10_000:
        if id_of(p) == target:
            return True
        p = p.parent
        depth += 1
    return False
