"""A page of several linked items whose text is on the page (a blog's front
page with whole posts, a newsletter archive page): one entry per item.

An item is a heading that links to its own page, at the heading level most
such headings share; its entry is that heading's text (the address is the
entry's link, not part of its title) and what follows it. A date heading
("Monday, 3 March 2025") is never an item: it dates the items below it.
An item with almost no text of its own (a title and an excerpt) is left out.
"""

from __future__ import annotations

from collections import Counter

from selectolax.lexbor import LexborNode

from store.models import ParsedDocument, ParsedEntry
from store.parse.common import URL_RE, find_date, is_date_line
from store.parse.html import html_to_lines
from store.parse.markdown import build_md_tree, parse_markdown
from store.parse.outline import LINK_LINE_RE, strip_heading_url
from store.parse.pagemeta import PageMeta
from store.parse.pageshape import link_headings, text_units
from store.parse.tree import Node, node_entry
from store.text import repaired_text

__all__ = ["MIN_ITEM_UNITS", "digest_of_items", "item_entries"]

MIN_ITEM_UNITS = 60


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()


def _item_date(n: Node, current: str | None) -> str | None:
    for ln in n.lines[:4]:
        if ln.strip() and is_date_line(ln.strip()) and len(ln) < 80:
            return find_date(ln) or current
    return current


def item_entries(region: LexborNode, meta: PageMeta) -> list[ParsedEntry]:
    """Entries for the linked items of ``region`` (chrome already removed)."""
    linked = {_norm(h.text(deep=True) or "") for h, _href in link_headings(region)}
    with repaired_text(False):
        lines = html_to_lines(region.html or "")
    root = build_md_tree(lines)
    nodes = [n for n in root.walk() if n is not root]
    items: set[int] = set()
    for n in nodes:
        title, url = strip_heading_url("# " + n.title)
        if url:
            n.title, n.link = title[2:], url
        if _norm(n.title) in linked and not is_date_line(n.title):
            items.add(id(n))  # a link to another page (its address may be relative: no link)
    levels = Counter(n.level for n in nodes if id(n) in items)
    if not levels:
        return []
    level = levels.most_common(1)[0][0]
    out: list[ParsedEntry] = []
    current = meta.date[:10] if meta.date else None
    for n in nodes:
        if is_date_line(n.title):
            current = find_date(n.title) or current
            continue
        if n.level != level or id(n) not in items:
            continue
        if text_units(" ".join(ln for m in n.walk() for ln in m.lines)) < MIN_ITEM_UNITS:
            continue
        out.append(node_entry(n, _item_date(n, current)))
    return out


def _linked_heading_levels(root: Node) -> int | None:
    """The heading level at which three or more headings each carry an address
    in the first lines under them (``Link: https://…``). Headings that are
    themselves links are judged by the page's shape instead (``pageshape``):
    titles with teasers are a site index, titles with whole posts are items."""
    by_level: dict[int, list[bool]] = {}
    for n in root.walk():
        if n is root:
            continue
        head = [ln for ln in n.lines if ln.strip()][:3]
        has = not URL_RE.search(n.title) and any(LINK_LINE_RE.match(ln.strip()) for ln in head)
        by_level.setdefault(n.level, []).append(has)
    for level, flags in sorted(by_level.items()):
        if sum(flags) >= 3 and sum(flags) >= 0.8 * len(flags):
            return level
    return None


def digest_of_items(region: LexborNode, meta: PageMeta) -> ParsedDocument | None:
    """An HTML digest of one heading per item, each with its own link (the HTML
    form of a Markdown list digest), read as that digest: one entry an item.

    Read on the page's main region with its chrome removed, and a linked
    heading's address becomes the entry's link instead of trailing its title.
    """
    with repaired_text(False):
        lines = html_to_lines(region.html or "")
    root = build_md_tree(lines)
    if _linked_heading_levels(root) is None:
        return None
    fixed: list[str] = []
    for ln in lines:
        title, url = strip_heading_url(ln)
        if url:
            hashes, _, text = title.partition(" ")
            fixed.append(f"{hashes} [{text}]({url})")
        else:
            fixed.append(ln)
    page_title = meta.title or meta.doc_title
    if page_title and not any(ln.startswith("# ") for ln in fixed):
        fixed = ["# " + page_title, "", *fixed]
    doc = parse_markdown("\n".join(fixed))
    if len(doc.entries) < 3:
        return None
    return ParsedDocument(
        entries=doc.entries,
        digest_title=doc.digest_title or page_title,
        digest_date=doc.digest_date,
        source_name=doc.source_name or meta.site_name,
        overview=doc.overview,
        kind="html",
    )
