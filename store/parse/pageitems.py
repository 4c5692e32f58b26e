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

from store.models import ParsedEntry
from store.parse.common import find_date, is_date_line
from store.parse.html import html_to_lines
from store.parse.markdown import build_md_tree
from store.parse.outline import strip_heading_url
from store.parse.pagemeta import PageMeta
from store.parse.pageshape import text_units
from store.parse.tree import Node, node_entry
from store.text import repaired_text

__all__ = ["MIN_ITEM_UNITS", "item_entries"]

MIN_ITEM_UNITS = 60


def _item_date(n: Node, current: str | None) -> str | None:
    for ln in n.lines[:4]:
        if ln.strip() and is_date_line(ln.strip()) and len(ln) < 80:
            return find_date(ln) or current
    return current


def item_entries(region: LexborNode, meta: PageMeta) -> list[ParsedEntry]:
    """Entries for the linked items of ``region`` (chrome already removed)."""
    with repaired_text(False):
        lines = html_to_lines(region.html or "")
    root = build_md_tree(lines)
    nodes = [n for n in root.walk() if n is not root]
    for n in nodes:
        title, url = strip_heading_url("# " + n.title)
        if url:
            n.title, n.link = title[2:], url
    levels = Counter(n.level for n in nodes if n.link and not is_date_line(n.title))
    if not levels:
        return []
    level = levels.most_common(1)[0][0]
    out: list[ParsedEntry] = []
    current = meta.date[:10] if meta.date else None
    for n in nodes:
        if is_date_line(n.title):
            current = find_date(n.title) or current
            continue
        if n.level != level or not n.link:
            continue
        if text_units(" ".join(ln for m in n.walk() for ln in m.lines)) < MIN_ITEM_UNITS:
            continue
        out.append(node_entry(n, _item_date(n, current)))
    return out
